"""The process's time zone for the request being answered: read once per request from ``registro.procesos``
(one indexed row, so a change on the settings screen shows on the very next page of every service), and the
last zone read kept per app so an error page still renders in the right zone while PostgreSQL is away."""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo

from aiohttp import web

from . import tiempo
from .db import DB_POOL
from .proceso import zona_activa

log = logging.getLogger(__name__)

REQUEST_KEY = "zona_horaria"
# Mutable holder set once by base_app: {"zona": last zone read}.
LAST_ZONA: web.AppKey[dict[str, ZoneInfo]] = web.AppKey("last_zona", dict)
READ_TIMEOUT = 2


async def request_zona(request: web.Request) -> ZoneInfo:
    cached = request.get(REQUEST_KEY)
    if isinstance(cached, ZoneInfo):
        return cached
    last = request.app.get(LAST_ZONA, {})
    try:
        tz = await asyncio.wait_for(zona_activa(request.app[DB_POOL]), READ_TIMEOUT)
        last["zona"] = tz
    except Exception as exc:  # an error page (PostgreSQL down, say) must still render, in the last zone known
        log.warning("process time zone unavailable (%s); using the last one read", type(exc).__name__)
        tz = last.get("zona") or ZoneInfo(tiempo.DEFAULT_ZONA)
    request[REQUEST_KEY] = tz
    return tz
