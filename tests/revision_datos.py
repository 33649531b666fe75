"""Submissions for the reviewer's page tests, made through the gateway as a candidate makes them, and flags
inserted as validacion.open_review stores them (the automatic checks fill validacion.banderas in production)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import asyncpg

from . import factories
from .helpers import Client, approve_review, eventually, fill_curricular
from .uploads import encode, halves, upload

SIGNED_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
CURP_PLANTADA = "GOMR800101MMNRRS09"
TRAYECTORIA_CON_CURP = f"Regidora 2018-2021. Mi CURP es {CURP_PLANTADA} por si la piden."


@dataclass(frozen=True)
class Enviado:
    client: Client
    person: factories.Candidata
    review_id: int


async def upload_photo(client: Client, candidatura_id: int) -> None:
    page = f"/captura/candidaturas/{candidatura_id}/foto"
    response = await upload(client, page, page, "foto", encode(halves(), "JPEG"), "foto.jpg", "image/jpeg")
    assert response.status == 303, await response.text()


async def pending_review(db: asyncpg.Pool, candidatura_id: int, cuestionario: str = "curricular") -> int:
    review_id: int = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.revisiones WHERE candidatura_id = $1 AND cuestionario = $2 "
            "AND estado = 'pendiente'",
            candidatura_id,
            cuestionario,
        ),
        what=f"the pending {cuestionario} review",
    )
    return review_id


async def curricular_enviado(
    make_client: type[Client],
    db: asyncpg.Pool,
    *,
    foto: bool = False,
    independiente: bool = False,
    **rubros: dict[str, str],
) -> Enviado:
    """A candidate who filled the cuestionario curricular (``rubros`` override), optionally with a photo and the
    signed form (an independent's submit needs it), submitted it; the review that opened."""
    person = await (factories.candidata_independiente(db) if independiente else factories.candidata(db))
    client = make_client()
    await client.login(person.username)
    await fill_curricular(client, person.candidatura_id, **rubros)
    if foto:
        await upload_photo(client, person.candidatura_id)
    if independiente:
        base = f"/captura/candidaturas/{person.candidatura_id}/consentimiento"
        sent = await upload(
            client, base, f"{base}/documento", "documento", SIGNED_PDF, "firmado.pdf", "application/pdf"
        )
        assert sent.status == 303, await sent.text()
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    response = await client.submit(overview, f"{overview}/enviar", {})
    assert response.status == 303, await response.text()
    return Enviado(client, person, await pending_review(db, person.candidatura_id))


async def second_version(enviado: Enviado, validador: Client, db: asyncpg.Pool, propuestas: dict[str, str]) -> int:
    """Approve the first version, then go the real way to a second one: a correction request of the proposals,
    approved by staff, the new proposals saved and submitted. The id of the second version's review."""
    candidatura_id = enviado.person.candidatura_id
    await approve_review(validador, db, candidatura_id)
    await eventually(
        lambda: db.fetchval(
            "SELECT estado = 'publicado' FROM captura.cuestionarios WHERE candidatura_id = $1 "
            "AND cuestionario = 'curricular'",
            candidatura_id,
        ),
        # Approval → publico.publish → captura.set_estado: two jobs across queues; the full suite on the 2-core CI
        # machine once took more than 20 s here.
        within=60,
        what="the first version published",
    )
    page = f"/captura/candidaturas/{candidatura_id}/curricular/correccion"
    sent = await enviado.client.submit(page, page, {"rubro": "propuestas", "motivo": "Actualicé mis propuestas."})
    assert sent.status == 303, await sent.text()
    solicitud = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.solicitudes_correccion WHERE candidatura_id = $1 AND estado = 'pendiente'",
            candidatura_id,
        ),
        what="the correction request",
    )
    decided = await validador.submit("/validacion/correcciones", f"/validacion/correcciones/{solicitud}/aprobar", {})
    assert decided.status == 303, await decided.text()
    rubro = f"/captura/candidaturas/{candidatura_id}/curricular/propuestas"

    async def editable() -> str | None:
        text = await (await enviado.client.get(rubro)).text()
        version = re.search(r'name="version" value="(\d+)"', text)
        return version.group(1) if version and 'id="bloqueo"' not in text else None

    version = await eventually(editable, what="the proposals open for correction")
    saved = await enviado.client.submit(rubro, rubro, {"version": version, **propuestas})
    assert saved.status == 303, await saved.text()
    overview = f"/captura/candidaturas/{candidatura_id}/curricular"
    response = await enviado.client.submit(overview, f"{overview}/enviar", {})
    assert response.status == 303, await response.text()
    return await pending_review(db, candidatura_id)


async def bandera(db: asyncpg.Pool, review_id: int, **campos: Any) -> int:
    """A flag of a review, as the automatic checks store it."""
    row = await db.fetchrow("SELECT candidatura_id FROM validacion.revisiones WHERE id = $1", review_id)
    values = {
        "tipo": "dato_sensible",
        "clase": "curp",
        "rubro": "trayectoria",
        "campo": "trayectoria_politica",
        "inicio": 0,
        "fin": 0,
        "fragmento": "",
        "estado": "abierta",
        "otra_candidatura_id": None,
        "similitud": None,
        **campos,
    }
    flag_id: int = await db.fetchval(
        """INSERT INTO validacion.banderas (revision_id, candidatura_id, tipo, clase, rubro, campo, inicio, fin,
               fragmento, estado, otra_candidatura_id, similitud)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (revision_id, tipo, clase, rubro, campo, inicio) DO UPDATE SET estado = EXCLUDED.estado
           RETURNING id""",
        review_id,
        row["candidatura_id"],
        values["tipo"],
        values["clase"],
        values["rubro"],
        values["campo"],
        values["inicio"],
        values["fin"],
        values["fragmento"],
        values["estado"],
        values["otra_candidatura_id"],
        values["similitud"],
    )
    return flag_id
