"""What every page needs of the active process: its time zone (every date filter), its name (the footer) and its
settings (the forms' text limits: captura's save reads them here instead of a second query).

Read in one query, once per request, from ``registro.procesos`` (one indexed row, so a change on the settings
screen shows on the very next page of every staff service). An app may keep the row it read for a short while
instead (:class:`ProcesoLeido`, publico: one second): its anonymous pages are the bulk of the traffic, they are kept
whole in caches already (the footer's name with them), and the query was a round-trip of every uncached page.
The last zone read is kept per app so an error page still renders in the right zone while PostgreSQL is away; the
name is then left out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from . import tiempo
from .db import DB_POOL

log = logging.getLogger(__name__)

PAGINA_SQL = "SELECT zona_horaria, nombre, configuracion FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1"
REQUEST_KEY = "proceso_de_la_pagina"
# Mutable holder set once by base_app: {"zona": last zone read}.
LAST_ZONA: web.AppKey[dict[str, ZoneInfo]] = web.AppKey("last_zona", dict)
READ_TIMEOUT = 2


@dataclass(frozen=True)
class ProcesoDePagina:
    zona: ZoneInfo
    nombre: str  # empty when there is no active process or PostgreSQL is away
    # registro.procesos.configuracion as stored (services.common.proceso.Configuracion validates it); empty then too.
    configuracion: dict[str, Any] = field(default_factory=dict)


@dataclass
class ProcesoLeido:
    """The row an app reuses for ``ttl`` seconds, until ``hasta`` (time.monotonic()); ttl 0 (the default): read
    on every request. publico sets it (services/publico/app.py)."""

    ttl: float = 0.0
    proceso: ProcesoDePagina | None = None
    hasta: float = 0.0


LEIDO: web.AppKey[ProcesoLeido] = web.AppKey("proceso_leido", ProcesoLeido)


async def request_proceso(request: web.Request) -> ProcesoDePagina:
    cached = request.get(REQUEST_KEY)
    if isinstance(cached, ProcesoDePagina):
        return cached
    app = request.app
    leido = app.get(LEIDO) or ProcesoLeido()
    if leido.proceso is not None and time.monotonic() < leido.hasta:
        request[REQUEST_KEY] = leido.proceso
        return leido.proceso
    last = app.get(LAST_ZONA, {})
    try:
        async with asyncio.timeout(READ_TIMEOUT):  # no task of its own, unlike wait_for: this runs on every request
            row = await app[DB_POOL].fetchrow(PAGINA_SQL)
        tz = tiempo.zona(row["zona_horaria"] if row else tiempo.DEFAULT_ZONA)
        last["zona"] = tz
        if row is None:
            proceso = ProcesoDePagina(tz, "")
        else:
            proceso = ProcesoDePagina(tz, str(row["nombre"]), row["configuracion"] or {})
        if leido.ttl > 0:  # only a row read is kept: a failure is retried on the next request
            leido.proceso, leido.hasta = proceso, time.monotonic() + leido.ttl
    except Exception as exc:  # an error page (PostgreSQL down, say) must still render, in the last zone known
        log.warning("active process unavailable (%s); using the last zone read", type(exc).__name__)
        proceso = ProcesoDePagina(last.get("zona") or ZoneInfo(tiempo.DEFAULT_ZONA), "")
    request[REQUEST_KEY] = proceso
    return proceso


async def request_zona(request: web.Request) -> ZoneInfo:
    return (await request_proceso(request)).zona
