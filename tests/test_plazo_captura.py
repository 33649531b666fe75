"""The capture window is enforced on every write of a candidacy, and staff reopen it by prórroga (issue 7, 1)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg

from . import factories
from .helpers import CURRICULAR_COMPLETO, Client, fill_curricular
from .uploads import encode, halves, upload

CERRO = "La captura cerró el"
ZONA = ZoneInfo("America/Mexico_City")  # the clock the settings and prórroga forms are typed in
PROPUESTAS = CURRICULAR_COMPLETO["propuestas"]


@asynccontextmanager
async def ventana(db: asyncpg.Pool, inicio: str, fin: str) -> AsyncIterator[None]:
    """The active process's capture window moved for the test (SQL intervals from now); the shared database
    gets its dates back whatever happens."""
    original = await db.fetchrow("SELECT id, captura_inicio, captura_fin FROM registro.procesos WHERE activo")
    await db.execute(
        f"UPDATE registro.procesos SET captura_inicio = now() + interval '{inicio}', "
        f"captura_fin = now() + interval '{fin}' WHERE id = $1",
        original["id"],
    )
    try:
        yield
    finally:
        await db.execute(
            "UPDATE registro.procesos SET captura_inicio = $2, captura_fin = $3 WHERE id = $1", *original.values()
        )


def cerrada(db: asyncpg.Pool) -> AbstractAsyncContextManager[None]:
    return ventana(db, "-30 days", "-1 hour")


async def _logged_in(make_client: type[Client], person: factories.Candidata) -> Client:
    client = make_client()
    await client.login(person.username)
    return client


async def _save_rubro(client: Client, candidatura_id: int, rubro: str, data: dict[str, str]) -> tuple[int, str]:
    path = f"/captura/candidaturas/{candidatura_id}/curricular/{rubro}"
    page = await (await client.get(path)).text()
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version, page
    response = await client.submit(path, path, {"version": version.group(1), **data})
    return response.status, await response.text()


async def _answers(db: asyncpg.Pool, candidatura_id: int) -> list[asyncpg.Record]:
    return await db.fetch(
        "SELECT cuestionario, rubro, version, datos FROM captura.respuestas WHERE candidatura_id = $1 "
        "ORDER BY cuestionario, rubro",
        candidatura_id,
    )


async def test_every_write_of_a_candidacy_is_refused_after_the_close(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    person = await factories.candidata(db)
    client = await _logged_in(make_client, person)
    cid = person.candidatura_id
    base = f"/captura/candidaturas/{cid}"
    await fill_curricular(client, cid)
    autorizaciones = f"{base}/consentimiento/autorizaciones"
    consent = await client.submit(
        f"{base}/consentimiento", autorizaciones, {"consentimiento_1": "1", "consentimiento_2": "1"}
    )
    assert consent.status == 303
    before = await _answers(db, cid)
    consents_before = await db.fetchval("SELECT count(*) FROM captura.consentimientos WHERE candidatura_id = $1", cid)

    async with cerrada(db):
        dashboard = await (await client.get("/captura/")).text()
        assert CERRO in dashboard
        form = await (await client.get(f"{base}/curricular/propuestas")).text()
        assert "<fieldset disabled>" in form and CERRO in form

        status, text = await _save_rubro(client, cid, "propuestas", {**PROPUESTAS, "propuesta_1": "Tarde."})
        assert status == 409 and CERRO in text and "Se guardó el rubro" not in text
        # Invalid input is told the window first: fixing it would not help.
        status, text = await _save_rubro(client, cid, "contacto", {"correo_publico": "esto no es correo"})
        assert status == 409 and CERRO in text

        identidad = f"{base}/identidad/joven"
        refused = await client.submit(identidad, identidad, {"version": "0", "joven": "si"})
        assert refused.status == 409 and CERRO in await refused.text()

        jpeg = encode(halves(), "JPEG")
        photo = await upload(client, f"{base}/foto", f"{base}/foto", "foto", jpeg, "f.jpg", "image/jpeg")
        assert photo.status == 409 and CERRO in await photo.text()
        assert await db.fetchval("SELECT count(*) FROM captura.fotos WHERE candidatura_id = $1", cid) == 0

        page = await (await client.get(f"{base}/consentimiento")).text()
        assert CERRO in page and "Puedes retirar tus autorizaciones en cualquier momento" in page
        pdf = b"%PDF-1.4\n%%EOF\n"
        documento = f"{base}/consentimiento/documento"
        signed = await upload(client, f"{base}/consentimiento", documento, "documento", pdf, "f.pdf", "application/pdf")
        assert signed.status == 409 and CERRO in await signed.text()
        documentos = "SELECT count(*) FROM captura.documentos_consentimiento WHERE candidatura_id = $1"
        assert await db.fetchval(documentos, cid) == 0

        # Granting a consent waits for the window; withdrawing one is a right at any time.
        todas = {"consentimiento_1": "1", "consentimiento_2": "1", "consentimiento_3": "1"}
        grant = await client.submit(f"{base}/consentimiento", autorizaciones, todas)
        assert grant.status == 409 and "no otorgar nuevas" in await grant.text()
        assert await db.fetchval("SELECT count(*) FROM captura.consentimientos WHERE candidatura_id = $1", cid) == (
            consents_before
        )
        withdraw = await client.submit(f"{base}/consentimiento", autorizaciones, {"consentimiento_1": "1"})
        assert withdraw.status == 303, await withdraw.text()

        for cuestionario in ("curricular", "identidad"):
            sent = await client.submit(f"{base}/{cuestionario}", f"{base}/{cuestionario}/enviar", {})
            assert sent.status == 409 and CERRO in await sent.text(), cuestionario

        correccion = f"{base}/curricular/correccion"
        correction = await client.submit(
            correccion, correccion, {"rubro": "propuestas", "motivo": "Quiero cambiar mi propuesta."}
        )
        assert correction.status == 409 and CERRO in await correction.text()

    assert await _answers(db, cid) == before
    assert await db.fetchval("SELECT count(*) FROM captura.envios WHERE candidatura_id = $1", cid) == 0
    assert await db.fetchval("SELECT count(*) FROM captura.solicitudes_correccion WHERE candidatura_id = $1", cid) == 0
    # Open again: the same save goes through.
    status, text = await _save_rubro(client, cid, "propuestas", {**PROPUESTAS, "propuesta_1": "A tiempo."})
    assert status == 303, text


async def test_nothing_is_written_before_the_capture_opens(make_client: type[Client], db: asyncpg.Pool) -> None:
    person = await factories.candidata(db)
    client = await _logged_in(make_client, person)
    async with ventana(db, "1 day", "30 days"):
        assert "La captura abre el" in await (await client.get("/captura/")).text()
        status, text = await _save_rubro(client, person.candidatura_id, "propuestas", PROPUESTAS)
        assert status == 409 and "La captura todavía no empieza: abre el" in text
    assert await _answers(db, person.candidatura_id) == []


async def test_after_the_close_the_party_may_approve_but_not_return(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    original = await db.fetchval("SELECT configuracion FROM registro.procesos WHERE activo")
    await db.execute(
        "UPDATE registro.procesos SET configuracion = configuracion || '{\"validacion_partido\": true}' WHERE activo"
    )
    try:
        people = [await factories.candidata(db, siglas="PAN") for _ in range(2)]
        for person in people:
            client = await _logged_in(make_client, person)
            await fill_curricular(client, person.candidatura_id)
            overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
            assert (await client.submit(overview, f"{overview}/enviar", {})).status == 303
        representante = make_client()
        await representante.login("demo-representante")
        async with cerrada(db):
            devolver, aprobar = (f"/captura/candidaturas/{p.candidatura_id}/curricular" for p in people)
            returned = await representante.submit(
                devolver, f"{devolver}/partido/devolver", {"comentario_propuestas": "Falta precisar metas."}
            )
            text = await returned.text()
            assert returned.status == 409 and CERRO in text and "apruébala o pide al Instituto una prórroga" in text
            approved = await representante.submit(aprobar, f"{aprobar}/partido/aprobar", {})
            assert approved.status == 303, await approved.text()
        estados = [
            await db.fetchval(
                "SELECT estado FROM captura.cuestionarios WHERE candidatura_id = $1 AND cuestionario = 'curricular'",
                p.candidatura_id,
            )
            for p in people
        ]
        assert estados[0] == "revision_partido" and estados[1] != "revision_partido"
    finally:
        await db.execute("UPDATE registro.procesos SET configuracion = $1 WHERE activo", original)


def _local(delta: timedelta) -> str:
    return (datetime.now(ZONA) + delta).strftime("%Y-%m-%dT%H:%M")


async def test_a_prorroga_reopens_one_candidacy_only_and_is_audited(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    extended, other = await factories.candidata(db), await factories.candidata(db)
    independiente = await factories.candidata_independiente(db)
    postulante_id = await db.fetchval(
        "SELECT postulante_id FROM registro.candidaturas WHERE id = $1", independiente.candidatura_id
    )
    clients = {p.candidatura_id: await _logged_in(make_client, p) for p in (extended, other, independiente)}
    coordinacion = make_client()
    await coordinacion.login("demo-coordinacion")
    page = "/validacion/prorrogas"
    try:
        async with cerrada(db):
            listing = await coordinacion.get(f"{page}?candidatura={extended.candidatura_id}")
            text = await listing.text()
            assert listing.status == 200 and extended.nombre in text
            assert 'href="/validacion/prorrogas"' in text  # linked from the registry navigation
            good = {
                "destino": "candidatura",
                "candidatura_id": str(extended.candidatura_id),
                "fin": _local(timedelta(days=2)),
                "acuerdo": "IEM-CG-045/2024",
                "motivo": "La candidatura acreditó una falla del sistema el día del cierre.",
            }
            no_acuerdo = await coordinacion.submit(page, page, {**good, "acuerdo": " "})
            text = await no_acuerdo.text()
            assert no_acuerdo.status == 422 and "Escribe el número o el texto del acuerdo" in text
            assert "La candidatura acreditó una falla" in text  # the form keeps what was typed
            early = await coordinacion.submit(page, page, {**good, "fin": _local(-timedelta(days=3))})
            assert early.status == 422 and "debe terminar después del cierre general" in await early.text()
            missing = await coordinacion.submit(page, page, {**good, "candidatura_id": "999999"})
            assert missing.status == 422 and "No hay una candidatura registrada con ese número" in await missing.text()
            granted = await coordinacion.submit(page, page, good)
            assert granted.status == 303, await granted.text()

            status, text = await _save_rubro(
                clients[extended.candidatura_id], extended.candidatura_id, "propuestas", PROPUESTAS
            )
            assert status == 303, text
            status, text = await _save_rubro(
                clients[other.candidatura_id], other.candidatura_id, "propuestas", PROPUESTAS
            )
            assert status == 409 and CERRO in text
            dashboard = await (await clients[extended.candidatura_id].get("/captura/")).text()
            assert "(con prórroga); quedan" in dashboard
            assert CERRO in await (await clients[other.candidatura_id].get("/captura/")).text()
            representante = make_client()
            await representante.login("demo-representante")
            tablero = await (await representante.get("/captura/?cargo=PRES_MUN")).text()
            assert CERRO in tablero and "(con prórroga); quedan" in tablero  # the process's close, and this row's

            event = await db.fetchrow(
                "SELECT actor_username, details FROM audit.eventos WHERE action = 'otorgar_prorroga' "
                "AND entity = 'candidatura' AND entity_id = $1",
                str(extended.candidatura_id),
            )
            assert event["actor_username"] == "demo-coordinacion"
            assert event["details"]["acuerdo"] == "IEM-CG-045/2024"
            listing = await (await coordinacion.get(page)).text()
            assert "IEM-CG-045/2024" in listing and extended.nombre in listing
            prorroga_id = await db.fetchval(
                "SELECT id FROM registro.prorrogas WHERE candidatura_id = $1", extended.candidatura_id
            )

            # Per postulante: every candidacy of that independent candidacy, nobody else.
            por_postulante = {
                **good,
                "destino": "postulante",
                "candidatura_id": "",
                "postulante_id": str(postulante_id),
            }
            assert (await coordinacion.submit(page, page, por_postulante)).status == 303
            status, text = await _save_rubro(
                clients[independiente.candidatura_id], independiente.candidatura_id, "propuestas", PROPUESTAS
            )
            assert status == 303, text

            revoked = await coordinacion.submit(page, f"{page}/{prorroga_id}/revocar", {})
            assert revoked.status == 303, await revoked.text()
            again = await coordinacion.submit(page, f"{page}/{prorroga_id}/revocar", {})
            assert again.status == 409
            status, text = await _save_rubro(
                clients[extended.candidatura_id],
                extended.candidatura_id,
                "propuestas",
                {**PROPUESTAS, "propuesta_1": "Otra."},
            )
            assert status == 409 and CERRO in text
            assert (
                await db.fetchval(
                    "SELECT count(*) FROM audit.eventos WHERE action = 'revocar_prorroga' AND entity_id = $1",
                    str(extended.candidatura_id),
                )
                == 1
            )
    finally:
        await db.execute(
            "UPDATE registro.prorrogas SET revocada_at = now(), revocada_por = 'test' "
            "WHERE revocada_at IS NULL AND (candidatura_id = ANY($1::int[]) OR postulante_id = $2)",
            [extended.candidatura_id, other.candidatura_id],
            postulante_id,
        )


async def test_only_coordinacion_and_admin_grant_prorrogas(make_client: type[Client]) -> None:
    for username, status in (("demo-validador", 403), ("demo-admin", 200), ("demo-candidata", 403)):
        client = make_client()
        await client.login(username)
        assert (await client.get("/validacion/prorrogas")).status == status, username


async def test_reading_the_pages_writes_nothing(make_client: type[Client], db: asyncpg.Pool) -> None:
    person = await factories.candidata(db)
    client = await _logged_in(make_client, person)
    base = f"/captura/candidaturas/{person.candidatura_id}"
    for path in (
        "/captura/",
        f"{base}/curricular",
        f"{base}/curricular/propuestas",
        f"{base}/foto",
        f"{base}/identidad",
        f"{base}/identidad/joven",
        f"{base}/consentimiento",
        f"{base}/curricular/correccion",
        f"{base}/historial",
    ):
        response = await client.get(path)
        assert response.status == 200, path
    for table in ("cuestionarios", "respuestas", "fotos", "consentimientos"):
        count = await db.fetchval(
            f"SELECT count(*) FROM captura.{table} WHERE candidatura_id = $1", person.candidatura_id
        )
        assert count == 0, table
