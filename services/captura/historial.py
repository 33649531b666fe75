"""The history of a candidacy: every submitted version, as sent, and every observation received."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from services.common.access import requires
from services.common.curricular import RUBROS
from services.common.db import DB_POOL
from services.common.observaciones import ETIQUETAS

from .scope import CANDIDATE_ROLES, candidatura_in_scope
from .sql import HISTORY_ENVIOS_SQL, HISTORY_OBSERVACIONES_SQL


@requires(*CANDIDATE_ROLES)
@aiohttp_jinja2.template("captura/historial.html")
async def history(request: web.Request) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    candidatura = await candidatura_in_scope(request, pool)
    observaciones: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for row in await pool.fetch(HISTORY_OBSERVACIONES_SQL, candidatura["id"]):
        observaciones[(row["cuestionario"], row["numero"])].append(row)
    return {
        "candidatura": candidatura,
        "envios": await pool.fetch(HISTORY_ENVIOS_SQL, candidatura["id"]),
        "observaciones": observaciones,
        "rubros": RUBROS,
        "fundamentos": ETIQUETAS,
    }
