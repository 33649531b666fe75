"""What the gateway sends a service and what it relays back, seen from a service of the test's own.

The gateway (``create_app``, the real Redis of the test system) forwards to a small aiohttp server that
records what reached it: a small form goes whole with its Content-Length, a large or chunked upload still streams
(its limit checked as it goes), the identity is signed, and a small answer or a gzipped one reaches the client
intact with the gateway's headers.
"""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from urllib.parse import parse_qs

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis

from gateway.app import WHOLE_BODY, create_app
from gateway.settings import DEFAULT_UPSTREAMS, GatewaySettings
from launcher.system import System
from services.common import sessions
from services.common.signed_identity import verify

SECRET = "s" * 48
PAGE = "<!doctype html><p>" + "Conóceles " * 400 + "</p>"


async def _recording_service(seen: list[dict[str, object]]) -> AsyncIterator[TestServer]:
    async def handle(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        seen.append(
            {
                "content_length": request.headers.get("Content-Length"),
                "chunked": "chunked" in request.headers.get("Transfer-Encoding", ""),
                "body": body,
                "identity": verify(request.headers, SECRET, 90),
            }
        )
        if request.method == "POST":
            return web.Response(status=303, headers={"Location": "/captura/listo"})
        return web.Response(text=PAGE, content_type="text/html")

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_get("/health", health)
    app.router.add_route("*", "/{path:.*}", handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
async def gateway(system: System) -> AsyncIterator[tuple[TestServer, list[dict[str, object]], str]]:
    seen: list[dict[str, object]] = []
    async for service in _recording_service(seen):
        url = f"http://127.0.0.1:{service.port}"
        settings = GatewaySettings(
            upstreams={name: [url] for name in DEFAULT_UPSTREAMS},
            REDIS_URL=system.redis_url,
            CONOCELES_GATEWAY_SECRET=SECRET,
            page_cache_mb=0,
        )
        redis = Redis.from_url(system.redis_url)
        session = await sessions.create(redis, user_id=4242, username="reenvio", role="candidatura")
        server = TestServer(create_app(settings), host="127.0.0.1")
        await server.start_server()
        try:
            yield server, seen, session.id
        finally:
            await server.close()
            await sessions.destroy(redis, session)
            await redis.aclose()


async def test_a_small_form_goes_whole_and_a_large_upload_streams(
    gateway: tuple[TestServer, list[dict[str, object]], str],
) -> None:
    server, seen, session_id = gateway
    base = f"http://127.0.0.1:{server.port}"
    form = {"csrf_token": "t" * 43, "historia_profesional": "Trayectoria ñ " * 50}
    big = b"x" * (WHOLE_BODY + 1)

    async def chunks() -> AsyncIterator[bytes]:
        yield b"a=" + b"y" * 1000
        yield b"z" * 1000

    async with aiohttp.ClientSession(cookies={sessions.COOKIE_NAME: session_id}) as http:
        async with http.post(f"{base}/captura/rubro", data=form, allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/captura/listo"
        async with http.post(f"{base}/captura/foto", data=big, allow_redirects=False) as response:
            assert response.status == 303
        async with http.post(f"{base}/captura/lotes", data=chunks(), allow_redirects=False) as response:
            assert response.status == 303
    small, large, streamed = seen
    assert small["content_length"] == str(len(small["body"])) and not small["chunked"]  # type: ignore[arg-type]
    assert {k: v for k, [v] in parse_qs(small["body"].decode()).items()} == form  # type: ignore[union-attr]
    assert large["chunked"] and large["body"] == big
    assert streamed["chunked"] and streamed["body"] == b"a=" + b"y" * 1000 + b"z" * 1000
    for request in seen:
        identity = request["identity"]
        assert identity.user_id == 4242 and identity.session_id == session_id  # type: ignore[attr-defined]


async def test_a_small_answer_reaches_the_client_whole_plain_or_gzipped(
    gateway: tuple[TestServer, list[dict[str, object]], str],
) -> None:
    server, _, _ = gateway
    base = f"http://127.0.0.1:{server.port}"
    async with aiohttp.ClientSession(auto_decompress=False) as http:
        async with http.get(f"{base}/candidaturas", headers={"Accept-Encoding": "identity"}) as response:
            body = await response.read()
            assert response.status == 200 and body.decode() == PAGE
            assert response.headers["Content-Length"] == str(len(body))
            assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Server"] == "conoceles"
        async with http.get(f"{base}/candidaturas", headers={"Accept-Encoding": "gzip"}) as response:
            body = await response.read()
            assert response.status == 200 and response.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(body).decode() == PAGE
        async with http.head(f"{base}/candidaturas", headers={"Accept-Encoding": "identity"}) as response:
            assert response.status == 200 and await response.read() == b""
