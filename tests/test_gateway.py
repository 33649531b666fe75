"""The gateway in front of the real services: routing, balancing, health, headers, limits."""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import time
from collections.abc import AsyncIterator
from ipaddress import ip_network

import aiohttp

from gateway.app import client_address
from launcher.embedded import wait_for_port
from launcher.system import System

from .conftest import LOGIN_LIMIT
from .helpers import Client, eventually


async def _served(http: aiohttp.ClientSession, port: int) -> int:
    async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
        text = await response.text()
    return sum(int(float(v)) for v in re.findall(r"conoceles_http_requests_total\{[^}]*\} (\S+)", text))


async def test_public_requests_are_balanced_over_both_publico_processes(system: System) -> None:
    ports = [system.process(name).spec.port for name in ("publico-1", "publico-2")]
    async with aiohttp.ClientSession() as http:
        before = [await _served(http, p) for p in ports if p]
        for n in range(12):
            # A new address each time: a repeated one is answered by the gateway's own page cache, not publico.
            async with http.get(f"{system.url}/candidaturas?vuelta={n}") as response:
                assert response.status == 200
        after = [await _served(http, p) for p in ports if p]
    # Health checks add a few requests of their own; each process must have served at least a third.
    assert all(a - b >= 4 for a, b in zip(after, before, strict=True)), (before, after)


async def test_a_dead_publico_process_is_skipped_and_health_reports_it(system: System) -> None:
    victim = system.process("publico-1")
    os.killpg(victim.process.pid, signal.SIGKILL)
    victim.process.wait()
    async with aiohttp.ClientSession() as http:
        statuses = []
        for _ in range(10):
            async with http.get(f"{system.url}/") as response:
                statuses.append(response.status)
        assert statuses == [200] * 10
        # The supervisor restarts the process; the aggregated health sees both again.
        assert victim.spec.port
        await asyncio.to_thread(wait_for_port, victim.spec.port, 30, "publico-1")

        async def both_healthy() -> bool:
            async with http.get(f"{system.operator_url}/health") as response:
                body = await response.json()
            return response.status == 200 and body["services"]["publico"]["healthy"] == 2

        await eventually(both_healthy, what="publico-1 to be healthy again")


async def test_health_aggregates_every_service(system: System) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{system.operator_url}/health") as response:
        body = await response.json()
    assert response.status == 200, body
    assert set(body["services"]) == {"auth", "captura", "validacion", "publico", "reportes"}
    for service in body["services"].values():
        assert service["healthy"] >= 1
        assert all(u["checks"] == {"postgresql": "ok", "redis": "ok"} for u in service["upstreams"] if "checks" in u)


async def test_security_headers_and_request_id(client: Client) -> None:
    response = await client.get("/candidaturas")
    assert response.status == 200
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-Id"])
    other = await client.get("/candidaturas")
    assert other.headers["X-Request-Id"] != headers["X-Request-Id"]


async def test_routes_by_prefix(client: Client) -> None:
    login = await client.get("/cuenta/entrar")
    assert login.status == 200 and "Usuario o correo electrónico" in await login.text()
    captura = await client.get("/captura/")
    assert captura.status == 303 and captura.headers["Location"].startswith("/cuenta/entrar")
    missing = await client.get("/no-existe")
    assert missing.status == 404 and "Página no encontrada" in await missing.text()
    api_missing = await client.get("/api/v1/candidaturas/999999")
    assert api_missing.status == 404
    assert (await api_missing.json())["error"] == "Esta candidatura no está publicada."


async def test_static_files_stream_with_their_length(client: Client) -> None:
    # Uncompressed: a gzip answer streams without a length (tests/test_hostil.py covers it).
    response = await client.get("/static/conoceles.css", headers={"Accept-Encoding": "identity"})
    body = await response.read()
    assert response.status == 200
    assert int(response.headers["Content-Length"]) == len(body) > 100


async def test_oversized_body_is_refused_before_reaching_a_service(client: Client) -> None:
    response = await client.post("/captura/", data=io.BytesIO(b"x" * (13 * 1024 * 1024)))
    assert response.status == 413
    assert "demasiado grande" in await response.text()
    assert response.headers["Cache-Control"] == "no-store"


async def test_login_attempts_are_rate_limited_per_client_address(base_url: str) -> None:
    # The limit is per clock minute: LOGIN_LIMIT attempts on a loaded machine can take many seconds, and a loop
    # that crossed into the next minute would start counting again. Start it early in a minute.
    if time.time() % 60 > 30:
        await asyncio.sleep(60.5 - time.time() % 60)
    # A loopback address of its own, so the limit it reaches does not block the other tests' logins.
    connector = aiohttp.TCPConnector(local_addr=("127.0.0.77", 0))
    async with aiohttp.ClientSession(connector=connector) as http:
        statuses = []
        for _ in range(LOGIN_LIMIT + 2):
            async with http.post(f"{base_url}/cuenta/entrar", data={"usuario": "x", "contrasena": "y"}) as response:
                statuses.append(response.status)
                text = await response.text()
    assert statuses[0] == 403  # no CSRF token: refused by the service
    assert statuses[-1] == 429
    assert "Demasiados intentos" in text
    assert response.headers["Cache-Control"] == "no-store"


async def test_oversized_chunked_body_is_cut_off_while_streaming(client: Client) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(14):
            yield b"x" * (1024 * 1024)

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = await client.post("/cuenta/entrar", data=chunks(), headers=form)
    assert response.status == 413


def test_client_address_believes_only_trusted_proxies() -> None:
    apache = [ip_network("172.16.0.0/12")]
    assert client_address("172.18.0.5", "201.141.3.9", apache) == "201.141.3.9"
    # A client cannot pick its address by sending the header itself.
    assert client_address("201.141.3.9", "1.2.3.4", apache) == "201.141.3.9"
    assert client_address("172.18.0.5", "1.2.3.4, 201.141.3.9", apache) == "201.141.3.9"
    assert client_address("127.0.0.1", "1.2.3.4", []) == "127.0.0.1"
