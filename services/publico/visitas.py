"""How many public pages and open-data files the site serves per local day: counters only, nothing about who asked.

Every GET publico answers with a page (200, or 304 when the browser's copy is still good) or an open-data file adds
one to the Redis counter of (local day of the process, kind). A page answered from the cache (``cache.cached``) is
counted too: the count is taken here, on the way out, whatever produced the answer. The increment runs in the
background and gives up after a second, so a slow or absent Redis never delays nor fails a request; the counts
of that moment are lost, which is the price of counting cheaply.

The cron ``publico.flush_visitas`` sends reportes each day's running total (``reportes.record_visitas``); reportes
keeps the largest total it was told, so a retry or a second run never counts twice. Never stored anywhere: the
address, the browser, the page, any cookie or session. Requests that say they are robots (User-Agent with "bot",
"crawler", "spider"…) are not counted; anything else is, as it cannot be told apart without personal data.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import RedisError

from services.common import contracts, tiempo
from services.common.conteo_visitas import PREFIJO, ROBOT, TTL, Tipo, clave
from services.common.web import REDIS
from services.common.zona import LAST_ZONA, request_zona

log = logging.getLogger(__name__)

__all__ = ["PREFIJO", "TTL", "Tipo", "clave", "flush", "leer_clave", "middleware", "tipo_de"]
CLAVE = re.compile(r"^publico:visitas:(\d{4}-\d{2}-\d{2}):(pagina|descarga)$")
TIMEOUT = 1.0
DESCARGAS = frozenset({"datos-archivo", "datos-diccionario-csv"})  # open-data files (route names)
NO_PAGINAS = ("/api/", "/static/", "/media/", "/favicon.ico", "/health", "/metrics")

_pendientes: set[asyncio.Task[None]] = set()  # the increments running, kept so none is garbage-collected


def leer_clave(texto: str) -> tuple[date, Tipo] | None:
    m = CLAVE.match(texto)
    if m is None:
        return None
    tipo: Tipo = "pagina" if m.group(2) == "pagina" else "descarga"
    return date.fromisoformat(m.group(1)), tipo


def tipo_de(method: str, path: str, ruta: str | None, status: int, content_type: str, agente: str) -> Tipo | None:
    """What this answer counts as, or None: not a GET, not successful, not a page or a file, or a robot."""
    if method != "GET" or status not in (200, 304) or ROBOT.search(agente):
        return None
    if ruta in DESCARGAS:
        return "descarga" if status == 200 else None
    if path.startswith(NO_PAGINAS):
        return None
    if content_type == "text/html":
        return "pagina"
    # A 304 carries no type: a page if its address names no file (a profile's PDF, the open-data list's JSON…).
    if status == 304 and "." not in path.rsplit("/", 1)[-1]:
        return "pagina"
    return None


async def _incrementar(redis: Redis, key: str) -> None:
    try:
        async with asyncio.timeout(TIMEOUT), redis.pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, TTL)
            await pipe.execute()
    except (RedisError, OSError, TimeoutError) as exc:
        log.info("visit not counted (%s)", type(exc).__name__)


async def _contar(request: web.Request, tipo: Tipo, now: datetime) -> None:
    # The zone the page itself was rendered in; read only if this worker has not read it yet.
    zona = request.app[LAST_ZONA].get("zona") or await request_zona(request)
    await _incrementar(request.app[REDIS], clave(tiempo.today(now, zona), tipo))


@web.middleware
async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    response: web.StreamResponse = await handler(request)
    ruta = request.match_info.route.name
    agente = request.headers.get("User-Agent", "")
    tipo = tipo_de(request.method, request.path, ruta, response.status, response.content_type, agente)
    if tipo is not None and REDIS in request.app:
        task = asyncio.create_task(_contar(request, tipo, datetime.now(UTC)))
        _pendientes.add(task)
        task.add_done_callback(_pendientes.discard)
    return response


async def flush(ctx: dict[str, Any], job: contracts.FlushVisitas) -> int:
    """Send reportes every counter still in Redis (today's and the last days'), in one transaction."""
    redis: Redis = ctx["redis"]
    totales: list[contracts.RecordVisitas] = []
    async for raw in redis.scan_iter(match=PREFIJO + "*", count=100):
        leida = leer_clave(raw.decode() if isinstance(raw, bytes) else str(raw))
        valor = await redis.get(raw)
        if leida is None or valor is None:
            continue
        totales.append(contracts.RecordVisitas(fecha=leida[0], tipo=leida[1], total=int(valor)))
    if not totales:
        return 0
    pool: asyncpg.Pool = ctx["db_pool"]
    async with pool.acquire() as conn, conn.transaction():
        for total in totales:
            await contracts.send(conn, total)
    return len(totales)
