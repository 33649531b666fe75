"""The gateway in front of processes that die or freeze (issue #13: faults 4 and 5, findings 2 and 5).

These tests kill and freeze processes, so they run a system of their own (not the session's) with lowered
limits: the gateway waits 6 s for a service (CONOCELES_UPSTREAM_TIMEOUT, 60 s by default) and holds at most 4
requests per process plus 8 waiting per service. Whatever they SIGSTOP they SIGCONT in ``finally``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import uuid
from collections.abc import Iterator

import aiohttp
import pytest

from bench.memory import status_kib
from launcher.system import System
from services.common.db import create_pool

from .. import factories
from ..helpers import Client, eventually
from .sistema import running_system

UPSTREAM_TIMEOUT = 6
HANG_UPS = 60
CONCURRENCY = 4
QUEUE = 8
ENV = {
    "CONOCELES_UPSTREAM_TIMEOUT": str(UPSTREAM_TIMEOUT),
    # The shortest the startup check accepts: 6 s plus the 10 s margin.
    "CONOCELES_SIGNATURE_MAX_AGE": str(UPSTREAM_TIMEOUT + 10),
    "GATEWAY_UPSTREAM_CONCURRENCY": str(CONCURRENCY),
    "GATEWAY_UPSTREAM_QUEUE": str(QUEUE),
    "GATEWAY_LOGIN_ATTEMPTS_PER_MINUTE": "200",
}
# The sustained load of the memory check: this many clients at once, half of them hanging up, several rounds.
MEMORY_CLIENTS = 200
MEMORY_ROUNDS = 3
# Growth of the gateway's resident memory allowed over a sustained load on the frozen service, in KiB. Measured
# on the 2-core machine, loaded: 356 KiB for this load (5.5 MiB for 400 clients each sending 64 KiB of headers).
# 8 MiB leaves room for the allocator and a busy machine, and is what a gateway exceeds if it keeps about 14 KiB
# per request of the 600 measured (one patched to keep 48 KiB per request grew 27 MiB and failed): a body read
# whole, a task kept per client that left, a line of waiters that only grows. A memory bound (VmRSS), not a
# time. With both limits lifted the growth was 524 KiB, as flat: the frozen process's listen backlog (128)
# bounds what reaches it; what fails then is the refusal, 502 from an overflowing backlog, not the 503 page.
MEMORY_GROWTH_KIB = 8 * 1024
# Generous: the old gateway waited 120 s for a frozen service.
ANSWER_WITHIN = aiohttp.ClientTimeout(total=4 * UPSTREAM_TIMEOUT)
pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def own_system() -> Iterator[System]:
    with running_system("gateway_faults", extra_env=ENV) as system:
        yield system


def _signal(system: System, name: str, sig: signal.Signals) -> None:
    os.killpg(system.process(name).process.pid, sig)


def _port(system: System, name: str) -> int:
    port = system.process(name).spec.port
    assert port is not None
    return port


async def _healthy(system: System, name: str) -> bool:
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{_port(system, name)}/health", timeout=aiohttp.ClientTimeout(total=2)) as r,
        ):
            return r.status == 200
    except (aiohttp.ClientError, TimeoutError):
        return False


async def _counted(system: System, name: str, status: int) -> int:
    """Requests the process answered with ``status`` so far, from its own /metrics."""
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{_port(system, name)}/metrics") as r:
        text = await r.text()
    return sum(int(float(line.rsplit(" ", 1)[1])) for line in text.splitlines() if f'status="{status}"' in line)


def _gateway_log(system: System) -> list[str]:
    assert system.config.log_file is not None
    return [line for line in system.config.log_file.read_text(errors="replace").splitlines() if " gateway " in line]


class PeakRss:
    """The highest VmRSS of a process while the ``with`` block runs, sampled every 20 ms by a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak_kib = max(self.peak_kib, status_kib(self.pid, "VmRSS") or 0)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _connections_to(port: int) -> int:
    """Established TCP connections on this host whose far end is ``port`` (the gateway's, to one upstream)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for row in f.read().splitlines()[1:]:
                fields = row.split()
                if fields[3] == "01" and int(fields[2].rsplit(":", 1)[1], 16) == port:
                    count += 1
    return count


async def test_publico_killed_under_load_fails_no_public_request(own_system: System) -> None:
    base = own_system.url
    failures: list[str] = []
    done = 0
    stop = asyncio.Event()

    async def visitor() -> None:
        nonlocal done
        async with aiohttp.ClientSession() as session:
            while not stop.is_set():
                for path in ("/", "/candidaturas", "/estadisticas"):
                    try:
                        async with session.get(base + path, timeout=ANSWER_WITHIN) as r:
                            await r.read()
                            if r.status != 200:
                                failures.append(f"{path}: {r.status}")
                    except (aiohttp.ClientError, TimeoutError) as exc:
                        failures.append(f"{path}: {type(exc).__name__}")
                    done += 1

    visitors = [asyncio.create_task(visitor()) for _ in range(6)]
    try:
        for name in ("publico-1", "publico-2", "publico-1"):
            await eventually(lambda: _healthy(own_system, "publico-1"), within=60, what="publico-1 up")
            await eventually(lambda: _healthy(own_system, "publico-2"), within=60, what="publico-2 up")
            before = done
            await eventually(lambda b=before: asyncio.sleep(0, done > b + 20), within=60, what="load running")
            _signal(own_system, name, signal.SIGKILL)
            killed = done
            # The supervisor restarts it; the load goes on meanwhile, then until it serves again.
            await eventually(lambda k=killed: asyncio.sleep(0, done > k + 30), within=60, what="load after kill")
            await eventually(lambda n=name: _healthy(own_system, n), within=60, what=f"{name} restarted")
    finally:
        stop.set()
        await asyncio.gather(*visitors)
    assert failures == []
    assert done > 100


async def test_a_frozen_service_times_out_clearly_and_holds_nothing_for_clients_that_left(
    own_system: System,
) -> None:
    base = own_system.url
    missing = f"/reportes/no-existe-{uuid.uuid4().hex[:8]}"  # a 404 at reportes: counted apart from /health
    await eventually(lambda: _healthy(own_system, "reportes"), within=60, what="reportes up")
    answered_before = await _counted(own_system, "reportes", 404)
    reportes_port = _port(own_system, "reportes")

    async def get(path: str, limit: aiohttp.ClientTimeout, **headers: str) -> tuple[int, str, str]:
        async with (
            aiohttp.ClientSession() as session,
            session.get(base + path, timeout=limit, headers=headers, allow_redirects=False) as r,
        ):
            return r.status, r.content_type, await r.text()

    async def hang_up() -> str:
        try:
            status, _, _ = await get(missing, aiohttp.ClientTimeout(total=0.5))
        except TimeoutError:
            return "left"
        return str(status)

    _signal(own_system, "reportes", signal.SIGSTOP)
    try:
        page = asyncio.create_task(get(missing, ANSWER_WITHIN))
        api = asyncio.create_task(get(missing, ANSWER_WITHIN, Accept="application/json"))
        # Other services answer meanwhile, and fast (each within its own usual bound).
        for path in ("/", "/cuenta/entrar", "/candidaturas"):
            status, _, _ = await get(path, aiohttp.ClientTimeout(total=UPSTREAM_TIMEOUT / 2))
            assert status == 200, path
        status, content_type, text = await page
        assert (status, content_type) == (504, "text/html")
        assert "tardó demasiado en responder" in text and 'lang="es"' in text
        status, content_type, text = await api
        assert (status, content_type) == (504, "application/json")
        assert '"error":"El servicio tardó demasiado' in text and '"details":null' in text

        # Clients that hang up on a frozen service: a few hold its places, a few wait in line and leave, the
        # rest are refused at once. The gateway never holds more connections to it than its places.
        outcomes = await asyncio.gather(*(hang_up() for _ in range(HANG_UPS)))
        assert set(outcomes) <= {"left", "503"} and outcomes.count("left") >= CONCURRENCY + QUEUE
        assert _connections_to(reportes_port) <= CONCURRENCY
        # Nothing is kept for them: the next request finds a free place (so a 504 after the wait), not a line
        # still full of clients that left (a 503 at once).
        status, _, _ = await get(missing, ANSWER_WITHIN)
        assert status == 504
        for path in ("/", "/cuenta/entrar"):
            status, _, _ = await get(path, aiohttp.ClientTimeout(total=UPSTREAM_TIMEOUT / 2))
            assert status == 200, path

    finally:
        _signal(own_system, "reportes", signal.SIGCONT)

    probes = 0

    async def answers_again() -> bool:
        nonlocal probes
        probes += 1  # each reaches reportes, even one the gateway times out while reportes works through its backlog
        status, _, _ = await get(missing, ANSWER_WITHIN)
        return status == 404

    await eventually(answers_again, within=60, what="reportes answering again")
    # Of the hang-ups, only those that held a place reached reportes: on an idle machine about CONCURRENCY + QUEUE
    # (a queued hang-up takes a place freed by another before its own cancellation lands, and a late arrival finds
    # room in the line again), 14 at most seen; the old gateway forwarded all HANG_UPS.
    forwarded = await _counted(own_system, "reportes", 404) - answered_before - 3 - probes
    assert forwarded < HANG_UPS // 2, (forwarded, outcomes.count("left"), probes)
    log = _gateway_log(own_system)
    assert not [line for line in log if " ERROR " in line or " CRITICAL " in line], log[-20:]
    assert any("the client left" in line for line in log)
    assert own_system.config.log_file is not None
    assert "Traceback" not in own_system.config.log_file.read_text(errors="replace")


async def test_a_frozen_service_keeps_the_gateway_memory_flat(own_system: System) -> None:
    missing = f"/reportes/no-existe-{uuid.uuid4().hex[:8]}"
    await eventually(lambda: _healthy(own_system, "reportes"), within=60, what="reportes up")
    _signal(own_system, "reportes", signal.SIGSTOP)
    try:
        # A sustained load on the frozen service: many clients at once, half of them hanging up, round after
        # round. One round first, so the baseline already holds what that many connections cost (buffers, the
        # allocator's arenas); then the gateway's peak RSS over the next rounds is compared with it.
        gateway = own_system.process("gateway").process.pid
        outcomes = await _sustained_load(own_system.url + missing, rounds=1)
        baseline = status_kib(gateway, "VmRSS")
        assert baseline is not None
        with PeakRss(gateway) as rss:
            outcomes += await _sustained_load(own_system.url + missing, rounds=MEMORY_ROUNDS)
        # Refused at once or timed out after the wait: the load really reached the frozen service's limits.
        assert {"503", "504", "left"} >= set(outcomes) and "503" in outcomes, set(outcomes)
        assert rss.peak_kib - baseline < MEMORY_GROWTH_KIB, (baseline, rss.peak_kib)
        assert _connections_to(_port(own_system, "reportes")) <= CONCURRENCY
    finally:
        _signal(own_system, "reportes", signal.SIGCONT)
    await eventually(lambda: _healthy(own_system, "reportes"), within=60, what="reportes answering again")


async def _sustained_load(url: str, rounds: int) -> list[str]:
    """``rounds`` times, MEMORY_CLIENTS requests at once: the even ones hang up after half a second, the odd
    ones wait for the gateway's answer. Each outcome: the status, or "left"."""
    outcomes: list[str] = []
    left = aiohttp.ClientTimeout(total=0.5)

    async def one(http: aiohttp.ClientSession, hang_up: bool) -> str:
        try:
            async with http.get(url, timeout=left if hang_up else ANSWER_WITHIN) as r:
                await r.read()
                return str(r.status)
        except TimeoutError:
            return "left"

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        for _ in range(rounds):
            outcomes += await asyncio.gather(*(one(http, i % 2 == 0) for i in range(MEMORY_CLIENTS)))
    return outcomes


async def test_a_slow_request_still_answers_as_the_logged_in_user(own_system: System) -> None:
    pool = await create_pool(own_system.settings(), min_size=1, max_size=2)
    try:
        candidata = await factories.candidata(pool)
    finally:
        await pool.close()
    client = Client(own_system.url)
    try:
        await client.login(candidata.username)
        assert (await client.get("/captura/")).status == 200
        _signal(own_system, "captura", signal.SIGSTOP)
        try:
            slow = asyncio.create_task(client.get("/captura/", timeout=ANSWER_WITHIN))
            # Frozen for half the gateway's wait: the request reaches captura late, its signature still valid.
            await asyncio.sleep(UPSTREAM_TIMEOUT / 2)
        finally:
            _signal(own_system, "captura", signal.SIGCONT)
        response = await slow
        # Not 303 to the login page (nor 401 for a save): the identity signed by the gateway was still valid.
        assert response.status == 200, response.headers.get("Location")
    finally:
        await client.close()
