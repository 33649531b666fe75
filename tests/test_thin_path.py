"""The path that proves the architecture, through the gateway, with real PostgreSQL, Redis and arq workers."""

from __future__ import annotations

import asyncio
import re

import asyncpg

from . import factories
from .helpers import CURRICULAR_COMPLETO, Client, eventually, fill_curricular

PROPUESTA = "Agua potable en cada colonia de Morelia en los primeros dos años"


async def test_candidate_submits_validator_approves_citizen_reads(make_client: type[Client], db: asyncpg.Pool) -> None:
    candidata = make_client()
    response = await candidata.login("demo-candidata")
    assert response.headers["Location"] == "/captura/"

    dashboard = await candidata.get("/captura/")
    text = await dashboard.text()
    assert dashboard.status == 200, text
    candidatura_id = int(re.search(r"/captura/candidaturas/(\d+)/curricular", text).group(1))  # type: ignore[union-attr]
    rubro = f"/captura/candidaturas/{candidatura_id}/curricular/propuestas"

    propuestas = {**CURRICULAR_COMPLETO["propuestas"], "propuesta_1": PROPUESTA}
    await fill_curricular(candidata, candidatura_id, propuestas=propuestas)
    page = await (await candidata.get(rubro)).text()
    assert PROPUESTA in page

    overview = f"/captura/candidaturas/{candidatura_id}/curricular"
    sent = await candidata.submit(overview, f"{overview}/enviar", {})
    assert sent.status == 303, await sent.text()
    assert "Enviado a validación" in await (await candidata.get(overview)).text()

    # The submit reaches validacion through the outbox, the relay and the validacion worker.
    review_id = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.revisiones WHERE candidatura_id = $1 AND estado = 'pendiente'", candidatura_id
        ),
        what="the review task",
    )

    validador = make_client()
    response = await validador.login("demo-validador")
    assert response.headers["Location"] == "/validacion/"
    queue = await (await validador.get("/validacion/")).text()
    assert f"/validacion/revisiones/{review_id}" in queue
    detail = f"/validacion/revisiones/{review_id}"
    assert PROPUESTA in await (await validador.get(detail)).text()
    approved = await validador.submit(detail, f"{detail}/aprobar", {})
    assert approved.status == 303, await approved.text()

    # The publish job lands it in publico's read model; an anonymous citizen sees it.
    citizen = make_client()

    async def published() -> str | None:
        response = await citizen.get(f"/candidaturas/{candidatura_id}")
        return await response.text() if response.status == 200 else None

    profile = await eventually(published, what="the published profile")
    assert PROPUESTA in profile
    # Narrowed to its contest: the published demo process fills the first pages.
    api = await citizen.get("/api/v1/candidaturas", params={"cargo": "DIP_MR", "distrito": "10", "postulante": "PAN"})
    assert api.status == 200
    body = await api.json()
    published_row = next(r for r in body["resultados"] if r["id"] == candidatura_id)
    # A list row is a summary; its url is the whole record, questionnaire included.
    full = await (await citizen.get(published_row["url"])).json()
    assert full["curricular"]["propuestas"]["propuesta_1"] == PROPUESTA

    # The state flows back to captura and into the report history.
    assert await eventually(
        lambda: db.fetchval(
            "SELECT estado = 'publicado' FROM captura.cuestionarios WHERE candidatura_id = $1", candidatura_id
        ),
        what="captura to learn of the publication",
    )

    async def history() -> list[str] | None:
        rows = await db.fetch(
            "SELECT estado FROM reportes.historial_estados WHERE candidatura_id = $1 ORDER BY at, id", candidatura_id
        )
        estados = [r["estado"] for r in rows]
        return estados if "publicado" in estados else None

    assert await eventually(history, what="the status history") == ["en_captura", "enviado", "validado", "publicado"]
    events = await db.fetch("SELECT action FROM audit.eventos WHERE entity_id = $1::text", str(candidatura_id))
    assert {"guardar_rubro", "enviar", "aprobar"} <= {e["action"] for e in events}


async def test_a_returned_version_shows_its_observations_and_can_be_sent_again(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    person = await factories.candidata(db)
    candidata = make_client()
    await candidata.login(person.username)
    rubro = f"/captura/candidaturas/{person.candidatura_id}/curricular/trayectoria"
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    trayectoria = {"trayectoria_politica": "Votad por mí", "motivo_cargo_publico": "Servir."}
    await fill_curricular(candidata, person.candidatura_id, trayectoria=trayectoria)
    assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
    review_id = await eventually(
        lambda: db.fetchval("SELECT id FROM validacion.revisiones WHERE candidatura_id = $1", person.candidatura_id),
        what="the review task",
    )
    validador = make_client()
    await validador.login("demo-validador")
    detail = f"/validacion/revisiones/{review_id}"
    empty = await validador.submit(detail, f"{detail}/devolver", {})
    assert empty.status == 422
    assert "Marca al menos un rubro" in await empty.text()
    no_text = await validador.submit(
        detail, f"{detail}/devolver", {"observar_trayectoria": "1", "fundamento_trayectoria": "eslogan"}
    )
    assert no_text.status == 422
    assert 'value="eslogan" selected' in await no_text.text()
    returned = await validador.submit(
        detail,
        f"{detail}/devolver",
        {"observar_trayectoria": "1", "fundamento_trayectoria": "eslogan", "texto_trayectoria": "Quita el lema."},
    )
    assert returned.status == 303, await returned.text()

    async def reopened() -> str | None:
        text = await (await candidata.get(overview)).text()
        return text if "Con observaciones" in text else None

    page = await eventually(reopened, what="captura to reopen the questionnaire")
    assert "Usa lemas o imágenes de campaña" in page and "Quita el lema." in page
    assert "Quita el lema." in await (await candidata.get(rubro)).text()
    version = await db.fetchval(
        "SELECT version FROM captura.respuestas WHERE candidatura_id = $1 AND rubro = 'trayectoria'",
        person.candidatura_id,
    )
    fixed = await candidata.submit(
        rubro,
        rubro,
        {"version": str(version), "trayectoria_politica": "Regidora 2018-2021.", "motivo_cargo_publico": "Servir."},
    )
    assert fixed.status == 303
    assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
    second = await eventually(
        lambda: db.fetchval(
            "SELECT datos->'trayectoria'->>'trayectoria_politica' FROM validacion.revisiones "
            "WHERE candidatura_id = $1 AND numero = 2",
            person.candidatura_id,
        ),
        what="the second review",
    )
    assert second == "Regidora 2018-2021."


async def test_only_a_complete_questionnaire_is_submitted_and_limits_are_the_configured_ones(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    from . import factories

    person = await factories.candidata(db)
    candidata = make_client()
    await candidata.login(person.username)
    await fill_curricular(candidata, person.candidatura_id, propuestas={"propuesta_1": "Solo una propuesta."})
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    page = await (await candidata.get(overview)).text()
    assert "Enviar a validación" not in page and "incompleto" in page
    refused = await candidata.submit(overview, f"{overview}/enviar", {})
    assert refused.status == 422
    assert "Antes de enviar, completa: Propuestas." in await refused.text()

    rubro = f"/captura/candidaturas/{person.candidatura_id}/curricular/propuestas"
    original = await db.fetchval("SELECT configuracion FROM registro.procesos WHERE activo")
    await db.execute(
        "UPDATE registro.procesos SET configuracion = configuracion || '{\"limite_propuesta\": 300}' WHERE activo"
    )
    try:
        form = await (await candidata.get(rubro)).text()
        assert 'maxlength="300"' in form
        too_long = await candidata.submit(rubro, rubro, {"version": "1", "propuesta_1": "x" * 301})
        assert too_long.status == 422
        assert "Propuesta 1: admite como máximo 300 caracteres." in await too_long.text()
    finally:
        await db.execute("UPDATE registro.procesos SET configuracion = $1 WHERE activo", original)


async def test_history_shows_every_version_and_observation(make_client: type[Client], db: asyncpg.Pool) -> None:
    from . import factories

    person = await factories.candidata(db)
    candidata = make_client()
    await candidata.login(person.username)
    await fill_curricular(candidata, person.candidatura_id)
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
    review_id = await eventually(
        lambda: db.fetchval("SELECT id FROM validacion.revisiones WHERE candidatura_id = $1", person.candidatura_id),
        what="the review task",
    )
    validador = make_client()
    await validador.login("demo-validador")
    detail = f"/validacion/revisiones/{review_id}"
    form = {
        "observar_propuestas": "1",
        "fundamento_propuestas": "propuesta_copiada",
        "texto_propuestas": "Es igual a otra.",
    }
    assert (await validador.submit(detail, f"{detail}/devolver", form)).status == 303

    async def history() -> str | None:
        text = await (await candidata.get(f"/captura/candidaturas/{person.candidatura_id}/historial")).text()
        return text if "Es igual a otra." in text else None

    text = await eventually(history, what="the observation in the history")
    assert "envío 1" in text and "Propuesta copiada de otra candidatura" in text
    assert CURRICULAR_COMPLETO["propuestas"]["propuesta_1"] in text
    other = make_client()
    await other.login("demo-candidata")
    assert (await other.get(f"/captura/candidaturas/{person.candidatura_id}/historial")).status == 404


async def test_first_saves_of_a_questionnaire_at_once_are_all_kept_and_start_it_once(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    """Saves lock the questionnaire row; the first ones, racing to create it, wait for each other."""
    person = await factories.candidata(db)
    candidata = make_client()
    await candidata.login(person.username)
    base = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    token = await candidata.csrf(f"{base}/profesional")
    rubros = ("contacto", "formacion", "profesional", "trayectoria", "propuestas")
    answers = await asyncio.gather(
        *(
            candidata.post(f"{base}/{r}", data={"csrf_token": token, "version": "0", **CURRICULAR_COMPLETO[r]})
            for r in rubros
        )
    )
    assert [a.status for a in answers] == [303] * len(rubros), [await a.text() for a in answers]
    saved = await db.fetch(
        "SELECT rubro, version FROM captura.respuestas WHERE candidatura_id = $1 AND cuestionario = 'curricular'",
        person.candidatura_id,
    )
    assert {(r["rubro"], r["version"]) for r in saved} == {(r, 1) for r in rubros}
    estado = await db.fetchval(
        "SELECT estado FROM captura.cuestionarios WHERE candidatura_id = $1 AND cuestionario = 'curricular'",
        person.candidatura_id,
    )
    assert estado == "en_captura"
    inicios = await db.fetchval(
        "SELECT count(*) FROM outbox.jobs WHERE function = 'reportes.record_status' AND args->>'job_key' = $1",
        f"captura:{person.candidatura_id}:curricular:inicio",
    )
    assert inicios == 1
    # Written without waking the relay (many first saves at once would queue on NOTIFY's commit lock): its next
    # poll still hands it to reportes.
    historial = "SELECT estado FROM reportes.historial_estados WHERE job_key = $1"
    key = f"captura:{person.candidatura_id}:curricular:inicio"
    assert await eventually(lambda: db.fetchval(historial, key), what="the start of the capture in reportes") == (
        "en_captura"
    )
    # Each save is one audit row, which report 3 counts; no other job is sent per save.
    audited = await db.fetchval(
        "SELECT count(*) FROM audit.eventos WHERE service = 'captura' AND action = 'guardar_rubro'"
        " AND entity = 'candidatura' AND entity_id = $1",
        str(person.candidatura_id),
    )
    assert audited == len(rubros)
    jobs = await db.fetchval(
        "SELECT count(*) FROM outbox.jobs WHERE args->>'candidatura_id' = $1::text", str(person.candidatura_id)
    )
    assert jobs == 1
