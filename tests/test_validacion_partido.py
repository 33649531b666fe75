"""The optional party-validation step: with `validacion_partido` on, a submitted questionnaire waits for the
candidacy's representante, who approves it (then it goes to the institute) or returns it with comments."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from services.common import contracts

from . import factories
from .helpers import CURRICULAR_COMPLETO, Client, eventually, fill_curricular

ESTADO_SQL = "SELECT estado FROM captura.cuestionarios WHERE candidatura_id = $1 AND cuestionario = 'curricular'"
REVIEWS_SQL = "SELECT count(*) FROM validacion.revisiones WHERE candidatura_id = $1"
REVIEW_JOBS_SQL = """
SELECT count(*) FROM outbox.jobs WHERE function = 'validacion.open_review' AND (args ->> 'candidatura_id')::int = $1
"""


@asynccontextmanager
async def paso_del_partido(db: asyncpg.Pool, on: bool = True) -> AsyncIterator[None]:
    """The active process with the step on (or off) for the test; the shared database gets its value back."""
    original = await db.fetchval("SELECT configuracion FROM registro.procesos WHERE activo")
    value = "true" if on else "false"
    await db.execute(
        "UPDATE registro.procesos SET configuracion = configuracion || "
        f"'{{\"validacion_partido\": {value}}}'::jsonb WHERE activo"
    )
    try:
        yield
    finally:
        await db.execute("UPDATE registro.procesos SET configuracion = $1 WHERE activo", original)


async def _submitted(make_client: type[Client], db: asyncpg.Pool) -> tuple[factories.Candidata, Client, str]:
    person = await factories.candidata(db)
    candidata = make_client()
    await candidata.login(person.username)
    await fill_curricular(candidata, person.candidatura_id)
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    sent = await candidata.submit(overview, f"{overview}/enviar", {})
    assert sent.status == 303, await sent.text()
    return person, candidata, overview


async def test_the_party_approves_and_only_then_the_institute_reviews(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    async with paso_del_partido(db):
        person, candidata, overview = await _submitted(make_client, db)
        assert await db.fetchval(ESTADO_SQL, person.candidatura_id) == "revision_partido"
        assert await db.fetchval(REVIEW_JOBS_SQL, person.candidatura_id) == 0
        page = await (await candidata.get(overview + "?enviado=1")).text()
        assert "En revisión del partido" in page and "se envió a tu partido" in page
        assert "Aprobar y enviar al Instituto" not in page

        # The candidate cannot approve their own questionnaire.
        token = await candidata.csrf(overview)
        own = await candidata.post(f"{overview}/partido/aprobar", data={"csrf_token": token})
        assert own.status == 403
        assert await db.fetchval(ESTADO_SQL, person.candidatura_id) == "revision_partido"

        representante = make_client()
        await representante.login("demo-representante")
        tablero = await (await representante.get("/captura/")).text()
        assert "Esperan la validación del partido" in tablero and person.nombre.split()[0] in tablero
        filtered = await (await representante.get("/captura/?estado=revision_partido")).text()
        assert f"/captura/candidaturas/{person.candidatura_id}/curricular" in filtered
        decision = await (await representante.get(overview)).text()
        assert "Aprobar y enviar al Instituto" in decision and "Devolver a la candidatura" in decision

        approved = await representante.submit(overview, f"{overview}/partido/aprobar", {})
        assert approved.status == 303
        assert approved.headers["Location"].endswith("?partido=aprobado")
        assert "se envió al Instituto" in await (await representante.get(approved.headers["Location"])).text()
        assert await db.fetchval(ESTADO_SQL, person.candidatura_id) == "enviado"
        await eventually(
            lambda: db.fetchval(REVIEWS_SQL, person.candidatura_id), what="the institute's review after approval"
        )
        job = await db.fetchval(
            "SELECT args FROM outbox.jobs WHERE function = $2 AND (args ->> 'candidatura_id')::int = $1",
            person.candidatura_id,
            contracts.OpenReview.name,
        )
        assert job["numero"] == 1 and job["version"]["respuestas"]["propuestas"]["propuesta_1"]
        assert await db.fetchval(
            "SELECT count(*) FROM audit.eventos WHERE action = 'partido_aprobar' AND entity_id = $1",
            str(person.candidatura_id),
        )
        again = await representante.submit("/captura/", f"{overview}/partido/aprobar", {})
        assert again.status == 409


async def test_the_party_returns_with_comments_and_the_candidate_resubmits(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    async with paso_del_partido(db):
        person, candidata, overview = await _submitted(make_client, db)
        representante = make_client()
        await representante.login("demo-representante")
        devolver = f"{overview}/partido/devolver"

        empty = await representante.submit(overview, devolver, {"comentario_propuestas": "   "})
        assert empty.status == 422
        assert "Escribe al menos un comentario" in await empty.text()

        comment = "La propuesta de género debe ser más concreta."
        returned = await representante.submit(overview, devolver, {"comentario_propuestas": comment})
        assert returned.status == 303, await returned.text()
        assert await db.fetchval(ESTADO_SQL, person.candidatura_id) == "con_observaciones"
        assert await db.fetchval(REVIEW_JOBS_SQL, person.candidatura_id) == 0
        assert await db.fetchval(
            "SELECT count(*) FROM audit.eventos WHERE action = 'partido_devolver' AND entity_id = $1",
            str(person.candidatura_id),
        )

        page = await (await candidata.get(overview)).text()
        assert "Tu partido devolvió tu cuestionario" in page
        assert "Observación del partido" in page and comment in page
        rubro = await (await candidata.get(f"{overview}/propuestas")).text()
        assert comment in rubro and "Observación del partido" in rubro
        history = await (await candidata.get(f"/captura/candidaturas/{person.candidatura_id}/historial")).text()
        assert "Observaciones del partido" in history and comment in history

        # Corrected and sent again: it waits for the party once more, as version 2.
        await fill_curricular(
            candidata,
            person.candidatura_id,
            propuestas={
                **CURRICULAR_COMPLETO["propuestas"],
                "propuesta_genero": "Estancias infantiles en cada tenencia.",
            },
        )
        assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
        row = await db.fetchrow(ESTADO_SQL.replace("estado", "estado, envios", 1), person.candidatura_id)
        assert (row["estado"], row["envios"]) == ("revision_partido", 2)


async def test_a_representative_of_another_party_cannot_decide(make_client: type[Client], db: asyncpg.Pool) -> None:
    async with paso_del_partido(db):
        person, _candidata, overview = await _submitted(make_client, db)
        pri = await db.fetchval("SELECT id FROM registro.postulantes WHERE siglas = 'PRI'")
        otro = make_client()
        await otro.login(await factories.cuenta(db, "representante", postulante_id=pri))
        assert (await otro.get(overview)).status == 404
        token = await otro.csrf("/captura/")
        for accion in ("aprobar", "devolver"):
            refused = await otro.post(
                f"{overview}/partido/{accion}", data={"csrf_token": token, "comentario_propuestas": "No."}
            )
            assert refused.status == 404
        tablero = await (await otro.get("/captura/")).text()
        assert f"/captura/candidaturas/{person.candidatura_id}/" not in tablero
        assert await db.fetchval(ESTADO_SQL, person.candidatura_id) == "revision_partido"


async def test_without_the_step_a_submit_goes_to_the_institute(make_client: type[Client], db: asyncpg.Pool) -> None:
    async with paso_del_partido(db, on=False):
        person, _candidata, overview = await _submitted(make_client, db)
        assert await db.fetchval(ESTADO_SQL, person.candidatura_id) == "enviado"
        await eventually(lambda: db.fetchval(REVIEWS_SQL, person.candidatura_id), what="the institute's review")
        representante = make_client()
        await representante.login("demo-representante")
        page = await (await representante.get(overview)).text()
        assert "Aprobar y enviar al Instituto" not in page
        token = await representante.csrf(overview)
        late = await representante.post(f"{overview}/partido/aprobar", data={"csrf_token": token})
        assert late.status == 409
