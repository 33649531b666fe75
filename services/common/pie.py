"""The page footer's process name, read from ``registro.procesos`` once per request (base.html)."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from .db import DB_POOL

log = logging.getLogger(__name__)

PROCESO_NOMBRE_SQL = "SELECT nombre FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1"
REQUEST_KEY = "proceso_nombre"
READ_TIMEOUT = 2


async def request_proceso_nombre(request: web.Request) -> str:
    """The active process's name for the page footer; empty when there is none or PostgreSQL is away."""
    cached = request.get(REQUEST_KEY)
    if isinstance(cached, str):
        return cached
    try:
        name = await asyncio.wait_for(request.app[DB_POOL].fetchval(PROCESO_NOMBRE_SQL), READ_TIMEOUT) or ""
    except Exception as exc:  # an error page must still render
        log.warning("process name unavailable (%s)", type(exc).__name__)
        name = ""
    request[REQUEST_KEY] = name
    return str(name)
