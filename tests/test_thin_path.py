"""The path that proves the architecture, through the gateway, with real PostgreSQL, Redis and arq workers."""

from __future__ import annotations

import re

import asyncpg

from .helpers import Client, eventually

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

    saved = await candidata.submit(rubro, rubro, {"version": "0", "propuesta_1": PROPUESTA})
    assert saved.status == 303, await saved.text()
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
    api = await citizen.get("/api/v1/candidaturas")
    assert api.status == 200
    body = await api.json()
    published_row = next(r for r in body["resultados"] if r["id"] == candidatura_id)
    assert published_row["curricular"]["propuestas"]["propuesta_1"] == PROPUESTA

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
    from . import factories

    person = await factories.candidata(db)
    candidata = make_client()
    await candidata.login(person.username)
    rubro = f"/captura/candidaturas/{person.candidatura_id}/curricular/trayectoria"
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    assert (
        await candidata.submit(rubro, rubro, {"version": "0", "trayectoria_politica": "Votad por mí"})
    ).status == 303
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
        rubro, rubro, {"version": str(version), "trayectoria_politica": "Regidora 2018-2021."}
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
