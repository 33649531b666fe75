"""Issue #9's whole path through the gateway, with nothing planted by hand: the automatic checks find a CURP, a
private phone and a copied proposal; approval alone publishes nothing; Transparencia clears two and confirms one;
the corrected submission is published, and what was cleared once is not asked again."""

from __future__ import annotations

import uuid
from datetime import date

import asyncpg

from . import factories
from .helpers import CURRICULAR_COMPLETO, Client, approve_review, eventually, fill_curricular, publish_requests

OPEN_FLAGS_SQL = """
SELECT id, clase, campo, inicio, fin, fragmento FROM validacion.banderas
WHERE revision_id = $1 AND estado = 'abierta' ORDER BY clase
"""


def _propuesta() -> str:
    tema = uuid.uuid4().hex[:8]  # no other test's proposal matches this one
    return (
        f"Abriré un centro de atención {tema} para personas cuidadoras en cada tenencia, con horario extendido, "
        "alimentos para sus hijas e hijos y acompañamiento de trabajo social durante todo el trienio."
    )


async def _submit(candidata: Client, candidatura_id: int, **rubros: dict[str, str]) -> None:
    await fill_curricular(candidata, candidatura_id, **rubros)
    overview = f"/captura/candidaturas/{candidatura_id}/curricular"
    response = await candidata.submit(overview, f"{overview}/enviar", {})
    assert response.status == 303, await response.text()


async def _checked_review(db: asyncpg.Pool, candidatura_id: int) -> int:
    review_id: int = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.revisiones WHERE candidatura_id = $1 AND estado = 'pendiente' "
            "AND revisada_automaticamente_at IS NOT NULL",
            candidatura_id,
        ),
        what="the checked review of the submission",
    )
    return review_id


async def test_three_automatic_flags_hold_publication_until_transparencia_decides(
    make_client: type[Client], client: Client, db: asyncpg.Pool
) -> None:
    original = _propuesta()
    otra = await factories.candidata(db, siglas=(await factories.postulante(db, "partido"))[1])
    otra_client = make_client()
    await otra_client.login(otra.username)
    await _submit(
        otra_client,
        otra.candidatura_id,
        propuestas={**CURRICULAR_COMPLETO["propuestas"], "propuesta_1": original},
    )
    await _checked_review(db, otra.candidatura_id)

    person = await factories.candidata(db, siglas=(await factories.postulante(db, "partido"))[1])
    candidata = make_client()
    await candidata.login(person.username)
    curp = factories._curp(date(1979, 11, 3))
    plantada = f"Mi CURP es {curp}; llámenme a mi celular particular 443 871 2290 cuando gusten."
    propuestas = {**CURRICULAR_COMPLETO["propuestas"], "propuesta_1": plantada, "propuesta_2": original}
    await _submit(candidata, person.candidatura_id, propuestas=propuestas)
    review_id = await _checked_review(db, person.candidatura_id)

    flags = {r["clase"]: r for r in await db.fetch(OPEN_FLAGS_SQL, review_id)}
    assert set(flags) == {"copia", "curp", "telefono"}
    for flag in flags.values():
        texto = propuestas[flag["campo"]]
        assert texto[flag["inicio"] : flag["fin"]] == flag["fragmento"]
    assert flags["curp"]["fragmento"] == curp and flags["telefono"]["fragmento"] == "443 871 2290"

    validador = make_client()
    await validador.login(await factories.cuenta(db, "validador"))
    page = await (await validador.get(f"/validacion/revisiones/{review_id}")).text()
    assert f'<mark class="bandera">{curp}</mark>' in page and '<mark class="bandera">443 871 2290</mark>' in page
    await approve_review(validador, db, person.candidatura_id)
    assert not await publish_requests(db, person.candidatura_id), (
        "approval alone must not publish a version with open flags"
    )
    assert (await client.get(f"/candidaturas/{person.candidatura_id}")).status == 404

    transparencia = make_client()
    await transparencia.login(await factories.cuenta(db, "transparencia"))
    queue = "/validacion/transparencia/"
    for clase, motivo in (("telefono", "Es el teléfono de la oficina de campaña."), ("copia", "Plataforma común.")):
        cleared = await transparencia.submit(
            queue, f"/validacion/transparencia/banderas/{flags[clase]['id']}/descartar", {"motivo": motivo}
        )
        assert cleared.status == 303, await cleared.text()
    confirmed = await transparencia.submit(
        queue, f"/validacion/transparencia/banderas/{flags['curp']['id']}/confirmar", {}
    )
    assert confirmed.status == 303, await confirmed.text()
    assert await db.fetchval("SELECT estado FROM validacion.revisiones WHERE id = $1", review_id) == "devuelta"
    assert (await client.get(f"/candidaturas/{person.candidatura_id}")).status == 404

    # The candidacy sees «datos sensibles» on the rubro, takes the CURP out and submits again.
    await eventually(
        lambda: db.fetchval(
            "SELECT estado = 'con_observaciones' FROM captura.cuestionarios "
            "WHERE candidatura_id = $1 AND cuestionario = 'curricular'",
            person.candidatura_id,
        ),
        what="the questionnaire back with the candidacy",
    )
    overview = await (await candidata.get(f"/captura/candidaturas/{person.candidatura_id}/curricular")).text()
    assert "datos sensibles" in overview.lower()
    corregida = "Llámenme a mi celular particular 443 871 2290 cuando gusten."
    await _submit(
        candidata, person.candidatura_id, propuestas={**propuestas, "propuesta_1": corregida, "propuesta_2": original}
    )
    second = await _checked_review(db, person.candidatura_id)
    # Cleared once, cleared again: the same phone and the same copy arrive decided, nothing waits on Transparencia.
    assert not await db.fetch(OPEN_FLAGS_SQL, second)
    assert (
        await db.fetchval(
            "SELECT count(*) FROM validacion.banderas WHERE revision_id = $1 AND estado = 'descartada' "
            "AND motivo LIKE 'Descartada por Transparencia en una versión anterior%'",
            second,
        )
        == 2
    )

    await approve_review(validador, db, person.candidatura_id)

    async def published() -> str | None:
        response = await client.get(f"/candidaturas/{person.candidatura_id}")
        return await response.text() if response.status == 200 else None

    profile = await eventually(published, what="the corrected version published")
    assert "443 871 2290" in profile and curp not in profile
