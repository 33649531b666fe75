"""PostgreSQL stopped: a friendly 503 with Retry-After (HTML or JSON), cached public pages still served, and every
service recovers on its own once PostgreSQL is back.

The test stops the session's embedded PostgreSQL, so it restores it in ``finally`` and waits for every service to
answer again before it ends; later tests find the system as it was.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest

from launcher.system import System

from . import factories
from .helpers import CSRF, Client, eventually


async def _status(client: Client, path: str) -> int:
    return (await client.get(path)).status


@pytest.fixture
async def candidata_username(db: object) -> str:
    candidata = await factories.candidata(db)  # type: ignore[arg-type]
    return candidata.username


async def test_postgresql_down_is_a_503_that_recovers(
    system: System, make_client: type[Client], candidata_username: str
) -> None:
    assert system.postgres is not None, "this test stops the embedded PostgreSQL"
    client = make_client()
    logged_in = make_client()
    await logged_in.login(candidata_username)
    # Cached before the outage: the public site keeps serving it (docs/design.md §6).
    assert await _status(client, "/") == 200
    assert await _status(client, "/estadisticas") == 200  # keyed by the progress version too
    login_page = await client.get("/cuenta/entrar")
    token = CSRF.search(await login_page.text())
    assert token
    never_cached = f"/candidaturas?q=nadie-{uuid.uuid4().hex[:12]}"

    await asyncio.to_thread(system.postgres.stop)
    try:
        page = await client.get(never_cached)
        assert page.status == 503
        assert page.content_type == "text/html"
        assert page.headers["Retry-After"].isdigit() and page.headers["Cache-Control"] == "no-store"
        text = await page.text()
        assert "intenta de nuevo" in text and "Ocurrió un error inesperado" not in text
        assert '<html lang="es-MX">' in text

        api = await client.get(f"/api/v1/candidaturas?q=nadie-{uuid.uuid4().hex[:12]}")
        assert api.status == 503 and api.headers["Retry-After"].isdigit()
        problem = await api.json()
        assert set(problem) == {"error", "details"} and "intenta de nuevo" in problem["error"]

        login = await client.post(
            "/cuenta/entrar",
            data={"csrf_token": token.group(1), "usuario": candidata_username, "contrasena": "x"},
        )
        assert login.status == 503 and login.headers["Retry-After"].isdigit()

        dashboard = await logged_in.get("/captura/")
        assert dashboard.status == 503 and dashboard.headers["Retry-After"].isdigit()
        assert "intenta de nuevo" in await dashboard.text()
        save = await logged_in.post("/captura/", data={"csrf_token": "x"})
        assert save.status in (403, 405, 503), save.status  # never a 500, whatever the route says

        assert await _status(client, "/") == 200
        assert await _status(client, "/estadisticas") == 200
    finally:
        await asyncio.to_thread(system.postgres.start)

    async def recovered() -> bool:
        statuses = [await _status(client, never_cached), await _status(logged_in, "/captura/")]
        return statuses == [200, 200]

    await eventually(recovered, within=60, what="the services to reach PostgreSQL again")
    again = make_client()
    await again.login(candidata_username)
    assert await _status(again, "/captura/") == 200
