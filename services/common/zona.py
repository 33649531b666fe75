"""What every page needs of the active process: its time zone (every date filter) and its name (the footer).

Read in one query, once per request, from ``registro.procesos`` (one indexed row, so a change on the settings
screen shows on the very next page of every service). The last zone read is kept per app so an error page still
renders in the right zone while PostgreSQL is away; the name is then left out.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiohttp import web

from . import tiempo
from .db import DB_POOL

log = logging.getLogger(__name__)

PAGINA_SQL = "SELECT zona_horaria, nombre FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1"
REQUEST_KEY = "proceso_de_la_pagina"
# Mutable holder set once by base_app: {"zona": last zone read}.
LAST_ZONA: web.AppKey[dict[str, ZoneInfo]] = web.AppKey("last_zona", dict)
READ_TIMEOUT = 2


@dataclass(frozen=True)
class ProcesoDePagina:
    zona: ZoneInfo
    nombre: str  # empty when there is no active process or PostgreSQL is away


async def request_proceso(request: web.Request) -> ProcesoDePagina:
    cached = request.get(REQUEST_KEY)
    if isinstance(cached, ProcesoDePagina):
        return cached
    last = request.app.get(LAST_ZONA, {})
    try:
        row = await asyncio.wait_for(request.app[DB_POOL].fetchrow(PAGINA_SQL), READ_TIMEOUT)
        tz = tiempo.zona(row["zona_horaria"] if row else tiempo.DEFAULT_ZONA)
        last["zona"] = tz
        proceso = ProcesoDePagina(tz, str(row["nombre"]) if row else "")
    except Exception as exc:  # an error page (PostgreSQL down, say) must still render, in the last zone known
        log.warning("active process unavailable (%s); using the last zone read", type(exc).__name__)
        proceso = ProcesoDePagina(last.get("zona") or ZoneInfo(tiempo.DEFAULT_ZONA), "")
    request[REQUEST_KEY] = proceso
    return proceso


async def request_zona(request: web.Request) -> ZoneInfo:
    return (await request_proceso(request)).zona
