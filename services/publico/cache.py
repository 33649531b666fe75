"""Pages and API answers cached in Redis under the publication generation.

Every publish bumps the generation, so a cached answer is never stale: the key of the fresh one is new.
Redis being away only costs speed: answers are then rendered from PostgreSQL each time.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable

import asyncpg
from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import RedisError

from services.common.shared_cache import CACHE_CONTROL, GENERATION_HEADER, GENERATION_KEY, VISITA_HEADER
from services.common.web import METRICS
from services.common.zona import LAST_ZONA, request_zona

from .sql import GENERATION_SQL

log = logging.getLogger(__name__)

__all__ = ["GENERATION_KEY", "cached", "catch_up_generation", "generation"]
# The generation a render runs at, for what it keeps in the process under it (.catalogos).
GENERATION: web.RequestKey[int] = web.RequestKey("publico_generacion", int)
CachedRender = Callable[[], Awaitable[tuple[bytes, str]]]
# Raise the generation, never lower it: a late writer holding an older number must not revive old pages.
ADVANCE_GENERATION_LUA = """
local current = tonumber(redis.call('get', KEYS[1]) or '-1')
if current < tonumber(ARGV[1]) then redis.call('set', KEYS[1], ARGV[1]) return 1 end
return 0
"""
# The generation and the page of that generation in one round trip (not a GET, then an HGETALL): false when Redis
# has no generation (publico then reads PostgreSQL's, as ``generation`` does), else {generation, the hash's fields}.
LOOKUP_LUA = """
local g = redis.call('get', KEYS[1])
if not g then return false end
return {g, redis.call('hgetall', ARGV[1] .. g .. ARGV[2])}
"""
KEY_PREFIX = "publico:cache:"
# Pages the gateway may keep (``gateway=True``) go to Redis on their second render in this process, not the first:
# a page asked again is normally answered from the gateway's memory, so most first renders (one filter set asked
# once) would only have cost a copy in Redis nobody reads. A page rendered again here (the gateway lost it, or
# the request was one the gateway does not answer) is stored then. Keys of this process, a bounded map.
RENDERED_KEPT = 8192
_rendered: OrderedDict[str, None] = OrderedDict()


def _seen_before(key: str) -> bool:
    if key in _rendered:
        _rendered.move_to_end(key)
        return True
    _rendered[key] = None
    while len(_rendered) > RENDERED_KEPT:
        _rendered.popitem(last=False)
    return False


async def generation(redis: Redis, pool: asyncpg.Pool) -> int:
    try:
        value = await redis.get(GENERATION_KEY)
        if value is not None:
            return int(value)
    except RedisError:
        pass
    row = await pool.fetchrow(GENERATION_SQL)
    gen = int(row["generacion"])
    try:
        await redis.set(GENERATION_KEY, gen, nx=True)
    except RedisError:
        pass
    return gen


async def catch_up_generation(redis: Redis, conn: asyncpg.Connection) -> None:
    """Bring Redis's generation up to PostgreSQL's. A publish whose worker died between its commit and its
    Redis write runs again as a no-op (nothing changed, so no bump): this makes its bump visible anyway.
    On the job's own connection: a second one from the worker's small pool deadlocks a burst of publishes."""
    row = await conn.fetchrow(GENERATION_SQL)
    await redis.eval(ADVANCE_GENERATION_LUA, 1, GENERATION_KEY, str(row["generacion"]))  # type: ignore[misc]


async def advance_generation(redis: Redis, generation: int) -> None:
    """Make a committed bump visible: Redis's generation becomes ``generation`` unless a later one got there first."""
    await redis.eval(ADVANCE_GENERATION_LUA, 1, GENERATION_KEY, str(generation))  # type: ignore[misc]


async def cached(
    request: web.Request,
    redis: Redis,
    pool: asyncpg.Pool,
    ttl: int,
    render: CachedRender,
    variant: str = "",
    *,
    gateway: bool = False,
) -> web.Response:
    """Serve ``render()``'s bytes from the cache of this generation, with ETag and Cache-Control.

    The key is the path plus ``variant``, the *validated* parameters the answer depends on, never the raw query
    string: otherwise every made-up parameter would store one more copy in Redis.

    ``gateway``: the answer depends on nothing but the generation and the address (no process row, no progress
    version, no avisos in ``variant``), so the gateway may keep it and answer it itself while the generation
    stays (services/common/shared_cache.py). Pages whose ``variant`` holds anything else must leave it off.
    """
    suffix = f":{request.path}?{variant}"
    gen: int | None = None
    body: bytes | None = None
    content_type = "text/html"
    try:
        found = await redis.eval(LOOKUP_LUA, 1, GENERATION_KEY, KEY_PREFIX, suffix)  # type: ignore[misc]
        if found:
            gen, fields = int(found[0]), dict(zip(found[1][::2], found[1][1::2], strict=True))
            if fields:
                body, content_type = fields[b"body"], fields[b"type"].decode()
    except RedisError:
        log.warning("redis unavailable: rendering %s without cache", request.path_qs)
    if gen is None:
        gen = await generation(redis, pool)
    request[GENERATION] = gen
    key = f"{KEY_PREFIX}{gen}{suffix}"
    # The hit ratio operators watch on /metrics (conoceles_publico_cache_{hits,misses}_total).
    request.app[METRICS]["publico_cache_misses_total" if body is None else "publico_cache_hits_total"] += 1
    if body is None:
        body, content_type = await render()
        if not gateway or _seen_before(key):
            try:
                async with redis.pipeline(transaction=True) as pipe:
                    pipe.hset(key, mapping={"body": body, "type": content_type})
                    pipe.expire(key, ttl)
                    await pipe.execute()
            except RedisError:
                pass
    etag = f'W/"{gen}-{hashlib.sha256(body).hexdigest()[:16]}"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
    if gateway:
        headers[GENERATION_HEADER] = str(gen)
        if content_type == "text/html":
            # The gateway counts the visits it answers in the zone publico counts its own in (visitas.py).
            zona = request.app[LAST_ZONA].get("zona") or await request_zona(request)
            headers[VISITA_HEADER] = zona.key
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=headers)
    charset = "utf-8"
    return web.Response(body=body, content_type=content_type, charset=charset, headers=headers)
