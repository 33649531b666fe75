"""The counts of what waits, next to the staff menu's entries ("Cola de revisión 12").

Each count belongs to the service that owns its data (no service reads another's schema): a service that has
counts registers a counter (:data:`CONTADOR`, one query over its own tables) and, when it renders a staff page,
refreshes its own Redis key at most every :data:`FRESH_SECONDS`; every service reads all the keys with one MGET.
A key lives :data:`TTL_SECONDS`: a count nobody refreshed for that long disappears rather than mislead, and an
entry without a known count shows none. If Redis or PostgreSQL fail, the menu shows no counts, never an error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import asyncpg
import orjson
from aiohttp import web
from redis.asyncio import Redis

from .access import STAFF_ROLES

log = logging.getLogger(__name__)

Contador = Callable[[asyncpg.Pool], Awaitable[dict[str, int]]]
CONTADOR: web.AppKey[Contador] = web.AppKey("menu_contador")
SERVICIOS = ("auth", "captura", "validacion", "reportes")
KEY = "conoceles:menu:cuentas:{}"
FRESCO = "conoceles:menu:fresco:{}"
FRESH_SECONDS = 10
TTL_SECONDS = 120
TIMEOUT = 2


def merge(values: list[bytes | None]) -> dict[str, int]:
    """The counts every service published, by menu path (a value that does not parse is ignored)."""
    merged: dict[str, int] = {}
    for value in values:
        if not value:
            continue
        try:
            counts = orjson.loads(value)
        except orjson.JSONDecodeError:
            continue
        if isinstance(counts, dict):
            merged.update({str(k): v for k, v in counts.items() if isinstance(v, int) and v >= 0})
    return merged


async def cuentas(
    redis: Redis | None, pool: asyncpg.Pool | None, servicio: str, contador: Contador | None, role: str | None
) -> dict[str, int]:
    if role not in STAFF_ROLES or redis is None or pool is None:
        return {}
    try:
        if contador is not None and await redis.set(FRESCO.format(servicio), b"1", ex=FRESH_SECONDS, nx=True):
            counts = await asyncio.wait_for(contador(pool), TIMEOUT)
            await redis.set(KEY.format(servicio), orjson.dumps(counts), ex=TTL_SECONDS)
        return merge(await redis.mget([KEY.format(s) for s in SERVICIOS]))
    except Exception as exc:  # counts are a convenience: the page renders without them
        log.warning("staff menu counts unavailable (%s)", type(exc).__name__)
        return {}
