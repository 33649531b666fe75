"""Attack 3: SQL injection in every filter and search parameter (public list and API, staff searches, reports).

Each query parameter a GET handler reads (found in its source as tests/test_hostil.py does) gets the classic
payloads, as a role that may open the page: the answer is a normal one (2xx/3xx with no extra rows, or a 4xx
validation error), never a 5xx, nothing alarming in the log, and a canary table the payloads try to drop or
empty is still there, whole.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import quote

import asyncpg
import pytest

from launcher.system import System

from ..helpers import Client
from ..test_hostil import QUERY_NAMES, World, _alarms, _concrete, _log_size, _new_log, _role_for
from ..test_matrix import ROUTES, Route

pytestmark = pytest.mark.usefixtures("quiet_log")
CANARIO = "public.seguridad_canario"
PAYLOADS = [
    "' OR '1'='1",
    "1; DROP TABLE public.seguridad_canario; --",
    "'); DELETE FROM public.seguridad_canario; --",
    "1' UNION SELECT username, password_hash FROM auth.users --",
    "\\'; TRUNCATE public.seguridad_canario; --",
    "1)::text; SELECT 1/0; --",
]
# Free-text searches whose answer must not grow with a tautology.
SEARCHES = [("/api/v1/candidaturas", "q"), ("/candidaturas", "q")]

WITH_QUERY = [r for r in ROUTES if r.method == "GET" and QUERY_NAMES.get((r.method, r.path))]


@pytest.fixture(scope="module")
async def canario(db: asyncpg.Pool) -> AsyncIterator[None]:
    await db.execute(f"CREATE TABLE IF NOT EXISTS {CANARIO} (n int)")
    await db.execute(f"INSERT INTO {CANARIO} SELECT generate_series(1, 3)")
    yield
    await db.execute(f"DROP TABLE IF EXISTS {CANARIO}")


async def _canario_intact(db: asyncpg.Pool) -> None:
    assert await db.fetchval(f"SELECT count(*) FROM {CANARIO}") == 3


@pytest.mark.parametrize("route", WITH_QUERY, ids=[f"GET {r.path}" for r in WITH_QUERY])
async def test_injection_in_every_filter_is_a_normal_answer(
    route: Route, world: World, system: System, db: asyncpg.Pool, canario: None
) -> None:
    r = route
    assert r.access is not None
    since = await _log_size(system)
    persona = world.personas[None if r.access.public else _role_for(r)]
    (path, *_) = _concrete(r, world)
    gate = asyncio.Semaphore(4)  # a few at a time, as a page's visitors would

    async def attempt(name: str, payload: str) -> str | None:
        async with gate:
            response = await persona.client.get(f"{path}?{name}={quote(payload)}")
        return f"{name}={payload!r}: {response.status}" if response.status >= 500 else None

    names = QUERY_NAMES[(r.method, r.path)]
    answers = await asyncio.gather(*(attempt(n, p) for n in names for p in PAYLOADS))
    assert [a for a in answers if a] == []
    await _canario_intact(db)
    assert _alarms(_new_log(system, since)) == []


@pytest.mark.parametrize(("path", "name"), SEARCHES)
async def test_a_tautology_finds_nothing(path: str, name: str, make_client: type[Client], canario: None) -> None:
    client = make_client()
    for payload in PAYLOADS:
        response = await client.get(path, params={name: payload})
        assert response.status in (200, 422, 429), payload
        if path.startswith("/api/") and response.status == 200:
            assert (await response.json())["total"] == 0, payload


async def test_injection_in_path_ids_is_a_404(world: World, canario: None, db: asyncpg.Pool) -> None:
    client = world.personas[None].client
    for payload in ("1 OR 1=1", "1;DROP TABLE public.seguridad_canario", "1' --"):
        for path in ("/candidaturas/", "/api/v1/candidaturas/"):
            assert (await client.get(path + quote(payload))).status == 404, (path, payload)
    await _canario_intact(db)
