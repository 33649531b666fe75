"""The history of a candidacy: every submitted version, as sent, and every observation received."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from services.common import identidad
from services.common.access import CANDIDATE_SIDE, requires
from services.common.curricular import RUBROS
from services.common.db import DB_POOL
from services.common.observaciones import ETIQUETAS

from .scope import candidatura_in_scope
from .sql import HISTORY_ENVIOS_SQL, HISTORY_OBSERVACIONES_SQL


@requires(*CANDIDATE_SIDE)
@aiohttp_jinja2.template("captura/historial.html")
async def history(request: web.Request) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    candidatura = await candidatura_in_scope(request, pool)
    observaciones: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for row in await pool.fetch(HISTORY_OBSERVACIONES_SQL, candidatura["id"]):
        observaciones[(row["cuestionario"], row["numero"])].append(row)
    envios = await pool.fetch(HISTORY_ENVIOS_SQL, candidatura["id"])
    cuestionario = await identidad.for_candidatura(pool, candidatura["id"])
    dimensiones = cuestionario.dimensiones if cuestionario else ()
    # People read the titles of rubros and dimensions and the questions with their answers, never storage keys.
    identidad_enviada = {
        e["numero"]: identidad.describe(cuestionario, e["datos"]) if cuestionario else []
        for e in envios
        if e["cuestionario"] == identidad.IDENTIDAD
    }
    return {
        "candidatura": candidatura,
        "envios": envios,
        "observaciones": observaciones,
        "rubros": RUBROS,
        "titulos": {
            "curricular": {**{r.clave: r.titulo for r in RUBROS}, "foto": "Fotografía"},
            identidad.IDENTIDAD: {d.clave: d.titulo for d in dimensiones},
        },
        "identidad_enviada": identidad_enviada,
        "fundamentos": ETIQUETAS,
    }
