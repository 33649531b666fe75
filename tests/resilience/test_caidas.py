"""Redis killed and restarted empty, PostgreSQL stopped and started, both under a small load (issue #13, faults 2
and 3), against a system of this module's own: real servers, services, workers, relay and gateway.

What must hold: no acknowledged save lost and every outbox row done; whoever lost a session is asked to log in
again and gets back the text they had sent; login answers 503 (never 500) while Redis is away; with PostgreSQL
away every page that needs it is a 503 with Retry-After and no request hangs, the cached public pages keep
answering, and the relay listens for NOTIFY again as soon as PostgreSQL is back; no ERROR line or traceback for
these expected outages.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import shutil
import signal
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import aiohttp
import asyncpg
import pytest

from launcher.system import System
from services.common import contracts
from services.common.db import create_pool, database_unavailable
from services.common.texto_perdido import MAX_FIELDS

from .. import factories
from ..helpers import CSRF, CURRICULAR_COMPLETO, DEMO_PASSWORD, Client, eventually, fill_curricular
from .sistema import pool_of, running_system

# Longer than any configured wait (CONOCELES_DB_*_TIMEOUT, CONOCELES_REDIS_TIMEOUT): a request past it hung.
HANG = 40
LOAD_SECONDS = 1.5
TIMESTAMPED = re.compile(r"\d\d:\d\d:\d\d ")


@pytest.fixture(scope="module")
def caidas() -> Iterator[System]:
    extra_env = {
        "GATEWAY_LOGIN_ATTEMPTS_PER_MINUTE": "1000",
        # A job Redis lost is handed over again after 3 s instead of 30, so the suite stays short.
        "CONOCELES_OUTBOX_REDELIVER_AFTER": "3",
    }
    with running_system("caidas", publico_processes=1, extra_env=extra_env) as system:
        yield system


@pytest.fixture(scope="module")
async def caidas_db(caidas: System) -> AsyncIterator[asyncpg.Pool]:
    async with pool_of(caidas) as pool:
        yield pool


@pytest.fixture
async def clients(caidas: System) -> AsyncIterator[list[Client]]:
    made: list[Client] = []
    yield made
    for c in made:
        await c.close()


def _client(caidas: System, made: list[Client]) -> Client:
    c = Client(caidas.url)
    # A request that takes longer than every configured timeout hung: the test fails on it.
    c.session._timeout = aiohttp.ClientTimeout(total=HANG)
    made.append(c)
    return c


def _log_offset(system: System) -> int:
    assert system.config.log_file is not None
    return system.config.log_file.stat().st_size


def _errors_since(system: System, offset: int) -> list[str]:
    assert system.config.log_file is not None
    with system.config.log_file.open("rb") as log:
        log.seek(offset)
        lines = log.read().decode(errors="replace").splitlines()
    found: list[str] = []
    in_traceback = False
    for line in lines:
        # A traceback's own lines (indented, or the exception's) follow it until the next log line: kept, so a
        # failure says where the error came from.
        in_traceback = "Traceback" in line or (in_traceback and not TIMESTAMPED.match(line))
        if in_traceback or " ERROR " in line or " CRITICAL " in line:
            found.append(line)
    return found


async def _login(client: Client, username: str) -> None:
    """Log in, waiting out a 503 while a server is away."""

    async def logged_in() -> bool:
        page = await client.get("/cuenta/entrar")
        if page.status != 200:
            return False
        token = CSRF.search(await page.text())
        assert token
        response = await client.post(
            "/cuenta/entrar", data={"csrf_token": token.group(1), "usuario": username, "contrasena": DEMO_PASSWORD}
        )
        assert response.status in (303, 503), (response.status, await response.text())
        return response.status == 303

    await eventually(logged_in, within=30, what=f"{username} to log in")


@dataclass
class Capturista:
    """One candidate saving the proposals rubro over and over, keeping count of what the server acknowledged."""

    client: Client
    username: str
    candidatura_id: int
    acknowledged: list[str] = field(default_factory=list)
    shown_back: int = 0
    unavailable: int = 0
    unexpected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/captura/candidaturas/{self.candidatura_id}/curricular/propuestas"

    async def save_once(self, n: int) -> None:
        page = await self.client.get(self.path)
        if page.status in (303, 401):  # the session is gone: log in again, as a person would
            await _login(self.client, self.username)
            return
        if page.status == 503:
            self.unavailable += 1
            return
        text = await page.text()
        version = re.search(r'name="version" value="(\d+)"', text)
        token = CSRF.search(text)
        if page.status != 200 or not version or not token:
            self.unexpected.append((page.status, self.path))
            return
        propuesta = f"Propuesta {self.username} número {n} {uuid.uuid4().hex[:6]}"
        data = {
            "csrf_token": token.group(1),
            "version": version.group(1),
            **CURRICULAR_COMPLETO["propuestas"],
            "propuesta_1": propuesta,
        }
        response = await self.client.post(self.path, data=data)
        body = await response.text()
        if response.status == 303:
            self.acknowledged.append(propuesta)
        elif response.status == 401 and "Tu sesión terminó" in body:
            # The session vanished between the form and the save: not saved, and the text is handed back.
            assert html.escape(propuesta) in body, body
            self.shown_back += 1
            await _login(self.client, self.username)
        elif response.status == 503:
            assert response.headers["Retry-After"].isdigit()
            self.unavailable += 1
        else:
            self.unexpected.append((response.status, body[:300]))

    async def run(self, stop: asyncio.Event) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            await self.save_once(n)
            await asyncio.sleep(0.05)


async def _capturistas(system: System, db: asyncpg.Pool, made: list[Client], count: int) -> list[Capturista]:
    people = []
    for _ in range(count):
        candidata = await factories.candidata(db)
        client = _client(system, made)
        await _login(client, candidata.username)
        people.append(Capturista(client, candidata.username, candidata.candidatura_id))
    return people


async def _submitted(system: System, db: asyncpg.Pool, made: list[Client]) -> int:
    """A candidacy whose curricular is submitted and waiting for review; returns the review id."""
    candidata = await factories.candidata(db)
    client = _client(system, made)
    await _login(client, candidata.username)
    await fill_curricular(client, candidata.candidatura_id)
    overview = f"/captura/candidaturas/{candidata.candidatura_id}/curricular"
    assert (await client.submit(overview, f"{overview}/enviar", {})).status == 303
    review_id: int = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.revisiones WHERE candidatura_id = $1 AND estado = 'pendiente'",
            candidata.candidatura_id,
        ),
        what="the review",
    )
    return review_id


async def _approve(client: Client, username: str, review_id: int) -> None:
    """Approve as a validator would, logging in again and retrying while a server is away."""
    detail = f"/validacion/revisiones/{review_id}"

    async def approved() -> bool:
        page = await client.get(detail)
        if page.status == 303:
            await _login(client, username)
            return False
        if page.status == 503:
            return False
        token = CSRF.search(await page.text())
        assert page.status == 200 and token, page.status
        response = await client.post(f"{detail}/aprobar", data={"csrf_token": token.group(1)})
        assert response.status in (303, 401, 503), (response.status, await response.text())
        return response.status == 303

    await eventually(approved, within=60, what=f"review {review_id} approved")


async def _all_jobs_done(db: asyncpg.Pool, after_id: int) -> bool:
    pending = await db.fetchval(
        "SELECT count(*) FROM outbox.jobs WHERE id > $1 AND (done_at IS NULL OR failed_at IS NOT NULL)", after_id
    )
    return pending == 0


def _kill_redis_and_empty_it(system: System) -> None:
    assert system.redis is not None and system.redis.process is not None
    os.kill(system.redis.process.pid, signal.SIGKILL)
    system.redis.process.wait(10)
    # Restarted EMPTY: the append-only file goes too, as if the server had lost its disk.
    for path in system.redis.data_dir.iterdir():
        if path.name.startswith("appendonly") or path.suffix in (".aof", ".rdb"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()


async def test_redis_killed_and_restarted_empty_loses_no_save_and_no_job(
    caidas: System, caidas_db: asyncpg.Pool, clients: list[Client]
) -> None:
    assert caidas.redis is not None, "this test kills the embedded Redis"
    db = caidas_db
    people = await _capturistas(caidas, db, clients, 3)
    reviews = [await _submitted(caidas, db, clients) for _ in range(2)]
    validador_name = await factories.cuenta(db, "validador")
    validador = _client(caidas, clients)
    await _login(validador, validador_name)
    first_job = await db.fetchval("SELECT coalesce(max(id), 0) FROM outbox.jobs")
    versions_before = {
        p.candidatura_id: await db.fetchval(
            "SELECT coalesce(max(version), 0) FROM captura.respuestas "
            "WHERE candidatura_id = $1 AND cuestionario = 'curricular' AND rubro = 'propuestas'",
            p.candidatura_id,
        )
        for p in people
    }
    offset = _log_offset(caidas)

    stop = asyncio.Event()
    load = [asyncio.create_task(p.run(stop)) for p in people]
    try:
        await asyncio.sleep(LOAD_SECONDS)
        await asyncio.to_thread(_kill_redis_and_empty_it, caidas)
        try:
            # Redis away: the login page and the login itself are a Spanish 503 with Retry-After, never a 500.
            visitor = _client(caidas, clients)
            form = await visitor.get("/cuenta/entrar")
            assert form.status == 503 and form.headers["Retry-After"].isdigit()
            assert "sesiones" in await form.text()
            login = await visitor.post(
                "/cuenta/entrar", data={"csrf_token": "x", "usuario": people[0].username, "contrasena": "x"}
            )
            assert login.status == 503 and login.headers["Retry-After"].isdigit()
            assert "sesiones" in await login.text()
            await asyncio.sleep(LOAD_SECONDS)
        finally:
            await asyncio.to_thread(caidas.redis.start)
        # Staff validate right after the restart, while the candidates keep saving.
        for review_id in reviews:
            await _approve(validador, validador_name, review_id)
        await asyncio.sleep(LOAD_SECONDS)
    finally:
        stop.set()
        await asyncio.gather(*load)

    for p in people:
        assert not p.unexpected, p.unexpected
        assert p.acknowledged, f"{p.username} saved nothing"
        # Every acknowledged save is in PostgreSQL: one version each, and the last one is what is stored.
        row = await db.fetchrow(
            "SELECT version, datos FROM captura.respuestas "
            "WHERE candidatura_id = $1 AND cuestionario = 'curricular' AND rubro = 'propuestas'",
            p.candidatura_id,
        )
        assert row["version"] == versions_before[p.candidatura_id] + len(p.acknowledged)
        assert row["datos"]["propuesta_1"] == p.acknowledged[-1]

    # No job lost: every row written since (saves' facts, approvals' follow-ups) runs, those Redis lost included.
    await eventually(lambda: _all_jobs_done(db, first_job), within=90, what="every outbox job done")
    for review_id in reviews:
        candidatura_id = await db.fetchval("SELECT candidatura_id FROM validacion.revisiones WHERE id = $1", review_id)
        await eventually(
            lambda c=candidatura_id: db.fetchval(
                "SELECT 1 FROM publico.candidaturas WHERE id = $1 AND curricular IS NOT NULL", c
            ),
            within=60,
            what="the approved candidacy published",
        )
    assert _errors_since(caidas, offset) == []


async def test_a_save_whose_session_vanished_shows_the_text_back(
    caidas: System, caidas_db: asyncpg.Pool, clients: list[Client]
) -> None:
    """The form was loaded with a live session; the session is gone when it is sent (expired, or Redis lost it):
    a 401 page that says nothing was saved, gives the text back to copy and links to the login."""
    candidata = await factories.candidata(caidas_db)
    client = _client(caidas, clients)
    await _login(client, candidata.username)
    path = f"/captura/candidaturas/{candidata.candidatura_id}/curricular/propuestas"
    page = await (await client.get(path)).text()
    token = CSRF.search(page)
    assert token
    client.session.cookie_jar.clear()  # what a lost session looks like from the browser's side
    propuesta = "Agua <potable> & drenaje en cada colonia"
    data = {"csrf_token": token.group(1), "version": "0", **CURRICULAR_COMPLETO["propuestas"], "propuesta_1": propuesta}
    response = await client.post(path, data=data)
    body = await response.text()
    assert response.status == 401
    assert "Tu sesión terminó" in body and "no se guardó" in body
    assert html.escape(propuesta) in body and propuesta not in body  # shown, and escaped
    assert token.group(1) not in body  # plumbing is not shown back
    assert "/cuenta/entrar?siguiente=" in body
    assert len(re.findall("<textarea", body)) <= MAX_FIELDS
    assert (
        await caidas_db.fetchval(
            "SELECT count(*) FROM captura.respuestas WHERE candidatura_id = $1", candidata.candidatura_id
        )
        == 0
    )


async def _listening(db: asyncpg.Pool) -> bool:
    count = await db.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%outbox%' AND pid <> pg_backend_pid()"
    )
    return bool(count)


async def test_postgresql_stopped_under_load_is_a_503_and_the_relay_listens_again(
    caidas: System, caidas_db: asyncpg.Pool, clients: list[Client]
) -> None:
    assert caidas.postgres is not None, "this test stops the embedded PostgreSQL"
    db = caidas_db
    candidata = await factories.candidata(db)
    logged_in = _client(caidas, clients)
    await _login(logged_in, candidata.username)
    visitor = _client(caidas, clients)
    for cached in ("/", "/estadisticas"):
        assert (await visitor.get(cached)).status == 200
    assert await _listening(db), "the relay listens before the outage"
    other = _client(caidas, clients)
    login_token = CSRF.search(await (await other.get("/cuenta/entrar")).text())
    assert login_token
    offset = _log_offset(caidas)

    statuses: dict[str, list[int]] = {"public": [], "private": []}
    missing_retry_after: list[str] = []
    stop = asyncio.Event()

    async def browse(client: Client, paths: tuple[str, ...], kind: str) -> None:
        while not stop.is_set():
            for path in paths:
                response = await client.get(path)
                statuses[kind].append(response.status)
                if response.status == 503 and not response.headers.get("Retry-After", "").isdigit():
                    missing_retry_after.append(path)
            await asyncio.sleep(0.05)

    private = ("/captura/", f"/captura/candidaturas/{candidata.candidatura_id}/curricular")
    load = [
        asyncio.create_task(browse(visitor, ("/", "/estadisticas"), "public")),
        asyncio.create_task(browse(logged_in, private, "private")),
    ]
    try:
        await asyncio.sleep(LOAD_SECONDS)
        await asyncio.to_thread(caidas.postgres.stop)
        try:
            during = len(statuses["private"])
            await eventually(
                lambda: asyncio.sleep(0, len(statuses["private"]) > during + 4), what="requests during the outage"
            )
            never_cached = await other.get(f"/candidaturas?q=nadie-{uuid.uuid4().hex[:12]}")
            assert never_cached.status == 503 and never_cached.headers["Retry-After"].isdigit()
            assert "intenta de nuevo" in await never_cached.text()
            login = await other.post(
                "/cuenta/entrar",
                data={"csrf_token": login_token.group(1), "usuario": candidata.username, "contrasena": "x"},
            )
            assert login.status == 503 and login.headers["Retry-After"].isdigit()
        finally:
            await asyncio.to_thread(caidas.postgres.start)

        async def recovered() -> bool:
            return statuses["private"][-2:] == [200, 200]

        await eventually(recovered, within=30, what="the logged-in pages back")
    finally:
        stop.set()
        await asyncio.gather(*load)

    served = set(statuses["public"])
    assert served == {200}, "cached public pages are served throughout:\n" + "\n".join(_errors_since(caidas, offset))
    assert 503 in statuses["private"] and set(statuses["private"]) <= {200, 503}
    assert not missing_retry_after

    # The relay's LISTEN connection died with PostgreSQL; it listens again at once (the old relay never did, and
    # fell back to one poll a second until it was restarted), and a job sent now goes the NOTIFY way.
    await eventually(lambda: _listening(db), within=15, what="the relay to LISTEN again")
    key = f"tras-reinicio-{uuid.uuid4()}"
    async with db.acquire() as conn, conn.transaction():
        job_id = await contracts.send(
            conn,
            contracts.RecordStatus(
                candidatura_id=candidata.candidatura_id,
                cuestionario="curricular",
                estado="en_captura",
                at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                job_key=key,
            ),
        )
    await eventually(
        lambda: db.fetchval("SELECT done_at IS NOT NULL FROM outbox.jobs WHERE id = $1", job_id), what="the job"
    )
    assert _errors_since(caidas, offset) == []
    assert caidas.config.log_file is not None
    assert "listening for NOTIFY outbox again" in caidas.config.log_file.read_text(errors="replace")


async def test_a_busy_pool_answers_within_the_configured_acquire_timeout(caidas: System) -> None:
    """asyncpg waits forever for a free connection; the pool waits CONOCELES_DB_ACQUIRE_TIMEOUT and then raises
    what the error middleware turns into a 503."""
    settings = caidas.settings().model_copy(update={"db_acquire_timeout": 0.5})
    pool = await create_pool(settings, min_size=1, max_size=1)
    try:
        async with pool.acquire():
            with pytest.raises(TimeoutError) as raised:
                await asyncio.wait_for(pool.fetchval("SELECT 1"), HANG)
        assert database_unavailable(raised.value)
        assert await pool.fetchval("SELECT 1") == 1
    finally:
        await pool.close()


async def test_a_frozen_redis_costs_seconds_not_a_hang(
    caidas: System, caidas_db: asyncpg.Pool, clients: list[Client]
) -> None:
    """Redis stopped with SIGSTOP (it accepts connections and never answers): the gateway's session lookup gives
    up after CONOCELES_REDIS_TIMEOUT and serves the request anonymously, and the login page is a 503."""
    assert caidas.redis is not None and caidas.redis.process is not None
    candidata = await factories.candidata(caidas_db)
    client = _client(caidas, clients)
    await _login(client, candidata.username)
    offset = _log_offset(caidas)
    os.kill(caidas.redis.process.pid, signal.SIGSTOP)
    try:
        dashboard = await client.get("/captura/")
        assert dashboard.status == 303 and dashboard.headers["Location"].startswith("/cuenta/entrar")
        login = await client.get("/cuenta/entrar")
        assert login.status == 503 and login.headers["Retry-After"].isdigit()
    finally:
        os.kill(caidas.redis.process.pid, signal.SIGCONT)

    # Redis kept everything: the same session works again as soon as it answers.
    async def back() -> bool:
        return (await client.get("/captura/")).status == 200

    await eventually(back, within=30, what="the session to work again")
    assert _errors_since(caidas, offset) == []
