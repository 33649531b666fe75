"""The public pages the gateway answers from its own memory (gateway/page_cache.py), against the running system:
a repeated page never reaches publico, a publication or a withdrawal shows on the next request, nothing of a
session is kept; and deploy/apache's configuration in front of this gateway shows a publication within a minute.
"""

from __future__ import annotations

import http.client
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import aiohttp
import asyncpg
import pytest
from redis.asyncio import Redis

from launcher.system import System
from services.common import contracts
from services.common.contracts import Version
from services.common.shared_cache import GENERATION_HEADER, GENERATION_KEY, VISITA_HEADER

from . import factories
from .helpers import Client, eventually
from .test_compose import deploy_apache

PUBLICO_PAGES = re.compile(
    r'^conoceles_http_route_requests_total\{service="publico",method="(?:GET|HEAD)",'
    r'route="/(?:api/v1/)?candidaturas(?:/:id)?"[^\n]* (\S+)$',
    re.MULTILINE,
)


async def publico_page_requests(system: System) -> float:
    """How many list and profile requests every publico process has answered (its own /metrics)."""
    async with aiohttp.ClientSession() as http_client, http_client.get(f"{system.operator_url}/metrics") as response:
        assert response.status == 200
        return sum(float(v) for v in PUBLICO_PAGES.findall(await response.text()))


async def generations(system: System, db: asyncpg.Pool) -> tuple[int | None, int]:
    redis = Redis.from_url(system.redis_url)
    try:
        value = await redis.get(GENERATION_KEY)
    finally:
        await redis.aclose()
    return (int(value) if value is not None else None), int(await db.fetchval(GENERATION_SQL))


GENERATION_SQL = "SELECT generacion FROM publico.publicacion"


async def settled(system: System, db: asyncpg.Pool) -> None:
    """Until Redis holds PostgreSQL's generation: a job that committed has also made its bump visible."""

    async def same() -> bool:
        redis_gen, db_gen = await generations(system, db)
        return redis_gen == db_gen

    await eventually(same, what="Redis's generation to reach PostgreSQL's")


async def publicar(db: asyncpg.Pool, candidatura_id: int) -> None:
    now = datetime.now(UTC)
    version = Version(respuestas={"propuestas": {"propuesta_1": "Bibliotecas abiertas de noche."}})
    async with db.acquire() as conn, conn.transaction():
        await contracts.send(
            conn,
            contracts.Publish(
                candidatura_id=candidatura_id,
                cuestionario="curricular",
                numero=1,
                version=version,
                declarado_at=now,
                revisado_at=now,
            ),
        )


async def retirar(db: asyncpg.Pool, candidatura_id: int) -> None:
    async with db.acquire() as conn, conn.transaction():
        await contracts.send(conn, contracts.Withdraw(candidatura_id=candidatura_id))


async def published(db: asyncpg.Pool, candidatura_id: int) -> bool:
    return bool(await db.fetchval("SELECT true FROM publico.candidaturas WHERE id = $1", candidatura_id))


async def without_publico(
    system: System, db: asyncpg.Pool, request: Callable[[], Awaitable[aiohttp.ClientResponse]]
) -> tuple[aiohttp.ClientResponse, float]:
    """Run ``request`` once to fill the cache, then again: its answer and how many requests publico saw meanwhile.
    The demo publishes in the background (a burst right after the system starts), and a new generation rightly
    empties the cache: tried again then, for up to four minutes."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        before_gen = await generations(system, db)
        await request()
        before = await publico_page_requests(system)
        response = await request()
        after = await publico_page_requests(system)
        if await generations(system, db) == before_gen:
            return response, after - before
    raise AssertionError("the generation moved during every attempt")


@pytest.mark.timeout(300)  # the generation must hold still between two requests: see without_publico
async def test_a_repeated_public_page_is_answered_by_the_gateway_without_publico(
    system: System, client: Client, db: asyncpg.Pool
) -> None:
    candidata = await factories.candidata(db)
    await publicar(db, candidata.candidatura_id)
    await eventually(lambda: published(db, candidata.candidatura_id), what="the publication")
    await settled(system, db)
    cid = candidata.candidatura_id
    paths = [f"/candidaturas/{cid}", f"/candidaturas?q={quote(candidata.nombre)}", f"/api/v1/candidaturas/{cid}"]
    for path in paths:
        first = await client.get(path)
        assert first.status == 200, path
        body = await first.read()
        response, seen = await without_publico(system, db, lambda p=path: client.get(p))  # type: ignore[misc]
        assert seen == 0, f"{path} reached publico"
        assert response.status == 200 and await response.read() == body
        assert response.headers["ETag"] == first.headers["ETag"]
        assert response.headers["Cache-Control"].startswith("public, max-age=")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Request-Id"] != first.headers["X-Request-Id"]
        assert GENERATION_HEADER not in response.headers and VISITA_HEADER not in response.headers
        assert GENERATION_HEADER not in first.headers and VISITA_HEADER not in first.headers
        # aiohttp asks for gzip: the stored gzipped body is sent (and unpacked here).
        assert response.headers["Content-Encoding"] == "gzip"
        plain, seen = await without_publico(
            system,
            db,
            lambda p=path: client.get(p, headers={"Accept-Encoding": "identity"}),  # type: ignore[misc]
        )
        assert seen == 0 and "Content-Encoding" not in plain.headers and await plain.read() == body
        assert plain.headers["Vary"] == "Accept-Encoding"

    profile = paths[0]
    head, seen = await without_publico(system, db, lambda: client.request("HEAD", profile))
    assert seen == 0 and head.status == 200 and await head.read() == b""
    assert head.headers["Content-Type"].startswith("text/html")
    etag = (await client.get(profile)).headers["ETag"]
    revalidated, seen = await without_publico(system, db, lambda: client.get(profile, headers={"If-None-Match": etag}))
    assert seen == 0 and revalidated.status == 304 and await revalidated.read() == b""
    assert revalidated.headers["ETag"] == etag
    changed = await client.get(profile, headers={"If-None-Match": 'W/"0-otra"'})
    assert changed.status == 200


@pytest.mark.timeout(300)  # two jobs through the queue, behind the demo's own on a loaded machine
async def test_a_publication_and_a_withdrawal_show_on_the_next_request(
    system: System, client: Client, db: asyncpg.Pool
) -> None:
    candidata = await factories.candidata(db)
    cid = candidata.candidatura_id
    listing = f"/candidaturas?q={quote(candidata.nombre)}"
    link = f'href="/candidaturas/{cid}"'
    for _ in range(2):  # the second comes from the gateway's memory
        assert link not in await (await client.get(listing)).text()
        assert (await client.get(f"/api/v1/candidaturas/{cid}")).status == 404

    await publicar(db, cid)
    await eventually(lambda: published(db, cid), what="the publication")
    await settled(system, db)
    assert link in await (await client.get(listing)).text()
    assert (await client.get(f"/candidaturas/{cid}")).status == 200
    assert (await client.get(f"/candidaturas/{cid}")).status == 200

    await retirar(db, cid)

    async def withdrawn() -> bool:
        return not await published(db, cid)

    await eventually(withdrawn, what="the withdrawal")
    await settled(system, db)
    assert (await client.get(f"/candidaturas/{cid}")).status == 404
    assert link not in await (await client.get(listing)).text()


@pytest.mark.timeout(300)  # the generation must hold still between two requests: see without_publico
async def test_nothing_of_a_session_is_kept_or_answered_from_the_gateway(
    system: System, client: Client, make_client: type[Client], db: asyncpg.Pool
) -> None:
    candidata = await factories.candidata(db)
    await publicar(db, candidata.candidatura_id)
    await eventually(lambda: published(db, candidata.candidatura_id), what="the publication")
    await settled(system, db)
    profile = f"/candidaturas/{candidata.candidatura_id}?sesion=1"
    staff = make_client()
    await staff.login(await factories.cuenta(db, "validador"))
    try:
        # A signed-in visitor's requests always reach publico, whether or not an anonymous one filled the cache.
        _, seen = await without_publico(system, db, lambda: staff.get(profile))
        assert seen == 1
        _, seen = await without_publico(system, db, lambda: client.get(profile))
        assert seen == 0
        _, seen = await without_publico(system, db, lambda: staff.get(profile))
        assert seen == 1
        # A page of the session (here the validator's queue) is never kept: it differs per session anyway.
        first, again = await staff.get("/validacion/"), await staff.get("/validacion/")
        assert first.status == again.status == 200
        assert again.headers["X-Request-Id"] != first.headers["X-Request-Id"]
        assert "no-store" in again.headers["Cache-Control"]
    finally:
        await staff.close()
    # An answer that sets a cookie (the login form opens a session) is answered afresh every time.
    cookies = set()
    for _ in range(2):
        anonymous = make_client()
        try:
            response = await anonymous.get("/cuenta/entrar")
            assert "Set-Cookie" in response.headers
            cookies.add(response.headers["Set-Cookie"])
        finally:
            await anonymous.close()
    assert len(cookies) == 2


# --- deploy/apache in front of this gateway ------------------------------------------------------------------------


@pytest.fixture
def apache_port(system: System) -> Iterator[int]:
    """Debian's apache2 with deploy/apache's site (debian-test.conf), in front of the test system's gateway."""
    gateway = urlsplit(system.url)
    with deploy_apache(f"http://{gateway.hostname}:{gateway.port}") as port:
        yield port


def apache_get(port: int, path: str) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": "conoceles.test"})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        conn.close()


def cached_by_apache(port: int, path: str) -> list[str]:
    """Fetch ``path`` until Apache answers it from its cache (a few tries: a loaded machine may make the first
    copy's store lag); the X-Cache values seen, the last one a HIT, or an empty list if it never was."""
    seen = []
    for _ in range(5):
        status, headers, _ = apache_get(port, path)
        assert status == 200, path
        seen.append(headers.get("x-cache", ""))
        if seen[-1].startswith("HIT"):
            return seen
    print("X-Cache of", path, seen)
    return []


@pytest.mark.timeout(300)  # up to a minute for Apache's copies to age, on a machine shared with other tests
async def test_deploy_apache_in_front_of_the_gateway_caches_and_shows_a_publication_within_a_minute(
    system: System, db: asyncpg.Pool, apache_port: int
) -> None:
    antes, despues = await factories.candidata(db), await factories.candidata(db)
    await publicar(db, antes.candidatura_id)
    await eventually(lambda: published(db, antes.candidatura_id), what="the publication")
    await settled(system, db)
    profile = f"/candidaturas/{antes.candidatura_id}"
    listing = f"/candidaturas?q={quote(despues.nombre)}"
    link = f'href="/candidaturas/{despues.candidatura_id}"'
    # Every public page the site serves most is answered from Apache's copy (X-Cache: HIT), not the gateway's:
    # the profile, the whole list, a filtered one and the API's (bench/produccion.py loads the first two).
    municipio = "municipio=16053"  # the factories' municipio, so the filtered lists hold these candidacies
    lists = ("/candidaturas", f"/candidaturas?{municipio}", "/api/v1/candidaturas", f"/api/v1/candidaturas?{municipio}")
    for path in (profile, listing, *lists):
        assert cached_by_apache(apache_port, path), path
    assert link not in apache_get(apache_port, listing)[2]

    # A withdrawal and a publication at once: Apache keeps its copies up to their max-age, then revalidates
    # them (If-None-Match) through the gateway, which finds the generation moved.
    await retirar(db, antes.candidatura_id)
    await publicar(db, despues.candidatura_id)

    async def both_done() -> bool:
        return not await published(db, antes.candidatura_id) and await published(db, despues.candidatura_id)

    await eventually(both_done, what="the withdrawal and the publication in publico")
    await settled(system, db)

    # Within a minute of both taking effect (the bound deploy/apache promises, docs/deploy.md §5).
    async def both_visible() -> bool:
        return apache_get(apache_port, profile)[0] == 404 and link in apache_get(apache_port, listing)[2]

    await eventually(both_visible, within=60, what="the withdrawal and the publication through Apache")
