"""The gateway: one entry for every service (docs/design.md §2).

It routes by path prefix, balances over the upstreams of a service, resolves the session cookie in Redis and
forwards the identity in signed headers (dropping any such header a client sent), adds a request id and the
security headers, rate-limits login and the public API, and streams bodies both ways without buffering them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from ipaddress import IPv4Network, IPv6Network, ip_address

import aiohttp
import orjson
from aiohttp import web, web_response
from multidict import CIMultiDict
from redis.asyncio import Redis
from redis.exceptions import RedisError

from services.common import sessions
from services.common.limites import too_large_message
from services.common.logs import REQUEST_ID
from services.common.signed_identity import ANONYMOUS, FORWARDED_IDENTITY_HEADERS, REQUEST_ID_HEADER, Identity, sign

from . import compression, operadores, page_cache
from .quiet import quiet_client_faults
from .retry import may_retry
from .routing import service_for
from .settings import GatewaySettings
from .upstreams import PoolBusyError, Upstream, UpstreamPool, health_loop

log = logging.getLogger(__name__)

SETTINGS: web.AppKey[GatewaySettings] = web.AppKey("settings", GatewaySettings)
REDIS: web.AppKey[Redis] = web.AppKey("redis", Redis)
CLIENT: web.AppKey[aiohttp.ClientSession] = web.AppKey("client", aiohttp.ClientSession)
POOLS: web.AppKey[dict[str, UpstreamPool]] = web.AppKey("pools", dict)
PAGE_CACHE: web.AppKey[page_cache.PageCache] = web.AppKey("page_cache", page_cache.PageCache)

HOP_BY_HOP = frozenset(
    h.lower()
    for h in (
        "Connection",
        "Keep-Alive",
        "Proxy-Authenticate",
        "Proxy-Authorization",
        "TE",
        "Trailer",
        "Transfer-Encoding",
        "Upgrade",
        "Host",
        "Content-Length",
    )
)
# The gateway sets these itself; a client's copy could forge its address or identity.
CLIENT_HEADERS_DROPPED = frozenset(
    h.lower() for h in (*FORWARDED_IDENTITY_HEADERS, REQUEST_ID_HEADER, "X-Forwarded-For", "X-Forwarded-Proto")
)
# What never goes to a service, and what never goes back to a client (the unions built once, not per header).
NOT_FORWARDED = HOP_BY_HOP | CLIENT_HEADERS_DROPPED
NOT_RELAYED = HOP_BY_HOP | page_cache.INTERNAL_HEADERS
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
CHUNK = 64 * 1024
# A body that says it is at most this long (a form, a small JSON) is read whole and sent with its Content-Length:
# one write to the service instead of a chunked stream (a chunk, its framing and the last chunk, each its own
# write), and a plain body for the service to parse. Larger or chunked uploads still stream (the limit as they go).
WHOLE_BODY = 64 * 1024
# Names no software or version (the default reads "Python/3.11 aiohttp/3.x"), on every answer of the gateway.
SERVER_HEADER = "conoceles"


class BodyTooLargeError(Exception):
    pass


def client_address(remote: str | None, forwarded_for: str, trusted: list[IPv4Network | IPv6Network]) -> str:
    """The client's address: the peer's, or, behind trusted proxies, the last address they did not add."""
    chain = [a.strip() for a in forwarded_for.split(",") if a.strip()] if forwarded_for else []
    address = remote or "unknown"
    while chain and _trusted(address, trusted):
        address = chain.pop()
    return address


def _trusted(address: str, trusted: list[IPv4Network | IPv6Network]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


async def _identity(request: web.Request) -> Identity:
    session_id = request.cookies.get(sessions.COOKIE_NAME)
    if not session_id:
        return ANONYMOUS
    session = await sessions.load(request.app[REDIS], session_id)
    if session is None:
        return ANONYMOUS
    return session.identity()


async def _over_limit(redis: Redis, bucket: str, limit: int) -> bool:
    """Fixed one-minute window per client address."""
    key = f"rl:{bucket}:{int(time.time() // 60)}"
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, 120)
        count, _ = await pipe.execute()
    return int(count) > limit


SESSIONS_UNAVAILABLE = "Por el momento no podemos iniciar sesiones. Intenta de nuevo en unos minutos."


def retry_after(now: float) -> int:
    """Seconds until the rate limit's one-minute window ends (at least 1): what a 429's Retry-After says."""
    return max(1, 60 - int(now % 60))


def _error(request: web.Request, status: int, message: str) -> web.Response:
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        body = orjson.dumps({"error": message, "details": None})
        response = web.Response(body=body, status=status, content_type="application/json")
    else:
        html = (
            '<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Conóceles</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main><h1>{status}</h1>'
            f"<p>{message}</p></main></body></html>"
        )
        response = web.Response(text=html, status=status, content_type="text/html")
    response.headers.update(SECURITY_HEADERS)
    # A refusal or an outage describes this moment, not the page: no cache (Apache's, a browser's) may keep it.
    response.headers["Cache-Control"] = "no-store"
    if status == 503:
        response.headers["Retry-After"] = "30"
    elif status == 429:
        response.headers["Retry-After"] = str(retry_after(time.time()))
    return response


async def _body(request: web.Request, limit: int) -> AsyncIterator[bytes]:
    # A chunked upload has no Content-Length to check up front, so the limit is enforced as it streams.
    size = 0
    async for chunk in request.content.iter_chunked(CHUNK):
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError
        yield chunk


async def proxy(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    redis = request.app[REDIS]
    request_id = uuid.uuid4().hex
    REQUEST_ID.set(request_id)  # the gateway's log lines about this request carry it too
    ip = client_address(request.remote, request.headers.get("X-Forwarded-For", ""), settings.trusted_proxies)

    try:
        if request.method == "POST" and request.path == "/cuenta/entrar":
            if await _over_limit(redis, f"login:{ip}", settings.login_attempts_per_minute):
                return _error(request, 429, "Demasiados intentos de acceso. Espera un minuto y vuelve a intentarlo.")
        elif request.path.startswith("/api/"):
            if await _over_limit(redis, f"api:{ip}", settings.api_requests_per_minute):
                return _error(request, 429, "Demasiadas solicitudes. Espera un minuto y vuelve a intentarlo.")
        # After the API's rate limit (a hit counts too), before the session lookup (an anonymous hit needs none).
        if _may_use_cache(request):
            hit = await _cached_answer(request, request_id)
            if hit is not None:
                return hit
        ident = await _identity(request)
    except RedisError:
        if request.method == "POST" and request.path == "/cuenta/entrar":
            # A login could neither be counted nor create its session: say so, rather than let auth refuse a
            # CSRF token nobody could look up.
            log.warning("redis unavailable: login refused with 503 (request %s)", request_id)
            return _error(request, 503, SESSIONS_UNAVAILABLE)
        # Without Redis nobody can be identified; the public site still works anonymously.
        log.warning("redis unavailable: request %s served anonymously", request_id)
        ident = ANONYMOUS

    headers = CIMultiDict((k, v) for k, v in request.headers.items() if k.lower() not in NOT_FORWARDED)
    headers[REQUEST_ID_HEADER] = request_id
    headers["X-Forwarded-For"] = ip
    headers["X-Forwarded-Proto"] = request.headers.get("X-Forwarded-Proto", request.scheme)
    headers["X-Forwarded-Host"] = request.host

    if (request.content_length or 0) > settings.max_body_size:
        return _error(request, 413, too_large_message(settings.max_upload_mb))

    pool = request.app[POOLS][service_for(request.path)]
    try:
        try:
            # Until the answer starts: the signature made at sending outlives this wait (settings check).
            async with asyncio.timeout(settings.upstream_timeout):
                forwarded = await _forward(request, pool, headers, ident, request_id)
        except TimeoutError:
            log.warning("request %s to %s: no answer after %g s", request_id, pool.service, settings.upstream_timeout)
            return _error(request, 504, TIMEOUT_MESSAGE)
        if isinstance(forwarded, web.Response):
            return forwarded
        upstream, upstream_response = forwarded
        try:
            async with upstream_response:
                return await _relay_response(request, upstream_response, request_id)
        finally:
            pool.give_back(upstream)
    except asyncio.CancelledError:
        # The client hung up (aiohttp cancels the handler): the upstream request is dropped with it.
        log.info("request %s: the client left; its %s request was cancelled", request_id, pool.service)
        raise


def _may_use_cache(request: web.Request) -> bool:
    # A request with the session cookie always reaches publico: nothing of a session is ever kept or answered here.
    return (
        request.app[PAGE_CACHE].enabled
        and request.method in ("GET", "HEAD")
        and sessions.COOKIE_NAME not in request.cookies
    )


async def _cached_answer(request: web.Request, request_id: str) -> web.Response | None:
    cache = request.app[PAGE_CACHE]
    generation = await cache.current_generation(request.app[REDIS])
    if generation is None:
        return None
    entry = cache.get(request.raw_path, generation)
    if entry is None:
        return None
    cache.count_visit(entry, request.method, request.headers.get("User-Agent", ""))
    return _answer_from(request, entry, request_id)


def _answer_from(request: web.Request, entry: page_cache.Entry, request_id: str) -> web.Response:
    """A kept answer, in the representation this client accepts, or 304 when its copy is still good."""
    zipped = entry.gzip_headers is not None and compression.accepts_gzip(request.headers.get("Accept-Encoding", ""))
    headers: CIMultiDict[str] = CIMultiDict(entry.gzip_headers if zipped and entry.gzip_headers else entry.headers)
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    headers[REQUEST_ID_HEADER] = request_id
    if page_cache.etag_matches(request.headers.get("If-None-Match", ""), entry.etag):
        for name in ("Content-Type", "Content-Encoding"):
            headers.popall(name, None)
        return web.Response(status=304, headers=headers)
    body = request.app[PAGE_CACHE].gzipped(request.raw_path, entry) if zipped else entry.body
    return web.Response(status=200, body=body, headers=headers)


async def _keep_and_answer(
    request: web.Request, upstream: aiohttp.ClientResponse, generation: int, request_id: str
) -> web.StreamResponse | None:
    """Read a marked answer whole, keep it, and answer from the kept copy; None if it turns out not keepable."""
    cache = request.app[PAGE_CACHE]
    if upstream.content_length is None or upstream.content_length > cache.max_entry_bytes:
        return None
    try:
        body = await upstream.read()
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("request %s: the upstream's answer broke off: %s", request_id, type(exc).__name__)
        return _error(request, 502, "El servicio no respondió. Intenta de nuevo en un momento.")
    entry = page_cache.make_entry(generation, upstream.headers, body)
    if entry is None:
        return None  # pragma: no cover - publico marks only answers with an ETag
    cache.put(request.raw_path, entry)
    return _answer_from(request, entry, request_id)


TIMEOUT_MESSAGE = (
    "El servicio tardó demasiado en responder. Tu sesión sigue abierta: vuelve a la página anterior y "
    "envía de nuevo en un momento."
)
BUSY_MESSAGE = "El servicio está muy ocupado en este momento. Intenta de nuevo en un momento."
UNAVAILABLE_MESSAGE = "El servicio no está disponible por el momento. Intenta de nuevo en un momento."


async def _forward(
    request: web.Request, pool: UpstreamPool, headers: CIMultiDict[str], ident: Identity, request_id: str
) -> tuple[Upstream, aiohttp.ClientResponse] | web.Response:
    """Send the request to a member of ``pool``: the upstream (whose place the caller gives back) and its answer,
    or the gateway's own error answer."""
    settings = request.app[SETTINGS]
    body: bytes | AsyncIterator[bytes] | None = None
    if request.body_exists:
        # proxy() refused a Content-Length over the limit already, so a whole read stays within it.
        small = request.content_length is not None and request.content_length <= WHOLE_BODY
        body = await request.read() if small else _body(request, settings.max_body_size)
    tried: set[str] = set()
    retries = 0
    while True:
        try:
            upstream = await pool.take(tried)
        except PoolBusyError:
            log.warning("request %s: every %s upstream is full, refused", request_id, pool.service)
            return _error(request, 503, BUSY_MESSAGE)
        if upstream is None:
            return _error(request, 503, UNAVAILABLE_MESSAGE)
        tried.add(upstream.url)
        sent = False
        try:
            # Signed once it has its place, so a wait in the gateway's line does not age it.
            headers.update(sign(ident, settings.gateway_secret, request_id))
            upstream_response = await request.app[CLIENT].request(
                request.method, upstream.url + request.raw_path, headers=headers, data=body, allow_redirects=False
            )
            sent = True
            return upstream, upstream_response
        except aiohttp.ClientConnectorError as exc:
            # Nothing was sent yet, so the next upstream can take the request.
            pool.mark_down(upstream, type(exc).__name__)
        except BodyTooLargeError:
            return _error(request, 413, too_large_message(settings.max_upload_mb))
        except aiohttp.ClientError as exc:
            if isinstance(exc.__cause__, BodyTooLargeError) or isinstance(exc.__context__, BodyTooLargeError):
                return _error(request, 413, too_large_message(settings.max_upload_mb))
            if not may_retry(request.method, body is not None, exc, retries):
                log.warning("request %s to %s failed: %s", request_id, upstream.url, exc)
                return _error(request, 502, "El servicio no respondió. Intenta de nuevo en un momento.")
            retries += 1
            pool.mark_down(upstream, type(exc).__name__)
            log.info("request %s: %s dropped it (%s); sent to another upstream", request_id, upstream.url, exc)
        finally:
            if not sent:
                pool.give_back(upstream)


async def _relay_response(
    request: web.Request, upstream: aiohttp.ClientResponse, request_id: str
) -> web.StreamResponse:
    generation = page_cache.marked_generation(
        request.method, upstream.status, upstream.headers, sessions.COOKIE_NAME in request.cookies
    )
    if generation is not None and request.app[PAGE_CACHE].enabled:
        kept = await _keep_and_answer(request, upstream, generation, request_id)
        if kept is not None:
            return kept
    response = web.StreamResponse(status=upstream.status, reason=upstream.reason)
    for name, value in upstream.headers.items():
        if name.lower() not in NOT_RELAYED:
            response.headers.add(name, value)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers[REQUEST_ID_HEADER] = request_id
    gzip = None
    if compression.compressible(request.method, upstream.status, upstream.headers):
        compression.add_vary(response.headers, "Accept-Encoding")
        secret = compression.carries_secret(request.cookies, upstream.headers, sessions.COOKIE_NAME)
        if not secret and compression.accepts_gzip(request.headers.get("Accept-Encoding", "")):
            gzip = compression.gzip_compressor()
            compression.mark_compressed(response.headers)
    if gzip is None and upstream.content_length is not None and "Content-Encoding" not in upstream.headers:
        response.content_length = upstream.content_length
    try:
        await response.prepare(request)
        if request.method == "HEAD":
            await response.write_eof()
        elif upstream.content_length is not None and upstream.content_length <= WHOLE_BODY:
            # A small answer of known length is read whole: its headers, body (and a chunked answer's end) go to
            # the client in one write instead of one per piece.
            body = await upstream.read()
            await response.write_eof(gzip.compress(body) + gzip.flush() if gzip is not None else body)
        else:
            async for chunk in upstream.content.iter_chunked(CHUNK):
                data = gzip.compress(chunk) if gzip is not None else chunk
                if data:
                    await response.write(data)
            await response.write_eof(gzip.flush() if gzip is not None else b"")
    except ConnectionResetError:
        # The client went away mid-response (a closed tab, a load tester stopping): nothing is wrong here.
        log.info("request %s: client disconnected during the response", request_id)
    except (aiohttp.ClientError, TimeoutError) as exc:
        # The upstream broke or stalled mid-answer: the status is sent, so the answer can only be cut short.
        log.warning("request %s: the upstream's answer broke off: %s", request_id, type(exc).__name__)
        response.force_close()
    return response


async def _is_admin(request: web.Request) -> bool:
    try:
        ident = await _identity(request)
    except RedisError:
        return False
    return ident.is_authenticated and ident.role == "admin" and not ident.must_change_password


async def health(request: web.Request) -> web.Response:
    """Up or degraded for everyone (200/503); the details of every upstream only for an admin."""
    report = await operadores.health_report(request.app[CLIENT], request.app[POOLS])
    response = operadores.health_response(report, detailed=await _is_admin(request))
    response.headers.update(SECURITY_HEADERS)
    return response


async def metrics(request: web.Request) -> web.Response:
    """Every process's metrics for an admin; for anyone else this page does not exist."""
    if not await _is_admin(request):
        return _error(request, 404, "No encontramos esta página.")
    response = operadores.metrics_response(await operadores.metrics_text(request.app[CLIENT], request.app[POOLS]))
    response.headers.update(SECURITY_HEADERS)
    return response


async def _resources(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    # Bounded, so a Redis that hangs (not just one that refuses) costs each request seconds, not forever.
    app[REDIS] = Redis.from_url(
        settings.redis_url, socket_connect_timeout=settings.redis_timeout, socket_timeout=settings.redis_timeout
    )
    app[CLIENT] = aiohttp.ClientSession(
        auto_decompress=False,
        # Between two reads of an answer already started; the wait for its start is settings.upstream_timeout.
        timeout=aiohttp.ClientTimeout(total=None, connect=2, sock_read=settings.upstream_timeout),
        # Per process the gateway's own limit (UpstreamPool.take) holds first; this one only backs it up.
        connector=aiohttp.TCPConnector(limit=0, limit_per_host=settings.upstream_concurrency, keepalive_timeout=30),
        cookie_jar=aiohttp.DummyCookieJar(),
    )
    app[POOLS] = {
        name: UpstreamPool(name, urls, settings.down_for, settings.upstream_concurrency, settings.upstream_queue)
        for name, urls in settings.upstreams.items()
    }
    checker = asyncio.create_task(health_loop(app[CLIENT], app[POOLS], settings.health_interval))
    async with contextlib.asynccontextmanager(page_cache.background)(app[PAGE_CACHE], app[REDIS]):
        yield
    checker.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await checker
    await app[CLIENT].close()
    await app[REDIS].aclose()


async def _server_header(request: web.Request, response: web.StreamResponse) -> None:
    # Replaces the upstream's header too: the answer comes from the gateway, whoever rendered it.
    response.headers["Server"] = SERVER_HEADER


def create_app(settings: GatewaySettings | None = None) -> web.Application:
    settings = settings or GatewaySettings()
    # aiohttp's own answers to malformed requests never reach the app's signals; this module value is the
    # default they take, and aiohttp offers no other setting for it.
    setattr(web_response, "SERVER_SOFTWARE", SERVER_HEADER)  # noqa: B010 - not re-exported for mypy
    quiet_client_faults()
    app = web.Application(client_max_size=settings.max_body_size)
    app[SETTINGS] = settings
    mib, kib = 1024 * 1024, 1024
    app[PAGE_CACHE] = page_cache.PageCache(
        int(settings.page_cache_mb * mib), settings.page_cache_entry_kb * kib, settings.page_cache_check_interval
    )
    app.on_response_prepare.append(_server_header)
    app.cleanup_ctx.append(_resources)
    app.cleanup_ctx.append(operadores.operator_site(settings, lambda: (app[CLIENT], app[POOLS])))
    app.router.add_get("/health", health)
    app.router.add_get("/metrics", metrics)
    app.router.add_route("*", "/{path:.*}", proxy)
    return app
