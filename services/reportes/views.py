"""Quantitative progress of capture per postulante (the monthly and inclusion reports come in later issues)."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from services.common.access import REPORT_READERS, requires
from services.common.db import DB_POOL
from services.common.estados import STATE_LABELS
from services.common.etiquetas import postulante_nombre

from .sql import PROGRESS_SQL


@requires(*REPORT_READERS)
@aiohttp_jinja2.template("reportes/avance.html")
async def progress(request: web.Request) -> dict[str, Any]:
    rows = await request.app[DB_POOL].fetch(PROGRESS_SQL)
    table: dict[str, dict[str, Any]] = {}
    for row in rows:
        nombre = postulante_nombre(row["nombre"], row["siglas"], row["tipo"])
        entry = table.setdefault(row["siglas"], {"nombre": nombre, "estados": {}, "total": 0})
        entry["estados"][row["estado"]] = row["total"]
        entry["total"] += row["total"]
    return {"table": table, "estados": list(STATE_LABELS), "labels": STATE_LABELS}
