"""``/validacion/registro/candidaturas/{id}/publicacion``: what the public site shows of one candidacy, and
coordinación's exceptional decisions about it (publish now, pause, resume), each with its reason."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import ValidationError

from services.common.access import PUBLICATION_MANAGERS, requires, writes
from services.common.boundary import path_int
from services.common.db import DB_POOL
from services.common.web import identity

from . import acciones, sql
from .forms import Motivo, errores

TEMPLATE = "validacion/publicacion.html"
AVISOS = {
    "publicada": "Se envió la versión aprobada al sitio público; aparecerá en cuanto se procese.",
    "pausada": "La candidatura quedó en pausa y salió del sitio público.",
    "reanudada": "Se reanudó la publicación con la última versión aprobada.",
}
ACCIONES = {"publicar": acciones.publish_now, "pausar": acciones.pause, "reanudar": acciones.resume}
PROCESO_SQL = """
SELECT publicacion_inicio, acuerdo_publicacion_numero, acuerdo_publicacion_fecha
FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1
"""


async def _context(request: web.Request, candidatura_id: int) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    candidatura = await pool.fetchrow(sql.CANDIDATURA_SQL, candidatura_id)
    if candidatura is None:
        raise web.HTTPNotFound()
    return {
        "c": candidatura,
        "situacion": await acciones.situacion(pool, candidatura_id),
        "pausas": await pool.fetch(sql.PAUSAS_SQL, candidatura_id),
        "proceso": await pool.fetchrow(PROCESO_SQL),
        "aviso": AVISOS.get(request.query.get("hecho", "")),
        "errors": {},
        "valores": {},
    }


@requires(*PUBLICATION_MANAGERS)
@aiohttp_jinja2.template(TEMPLATE)
async def show(request: web.Request) -> dict[str, Any]:
    return await _context(request, path_int(request))


async def _decide(request: web.Request, accion: str, hecho: str) -> web.StreamResponse:
    candidatura_id = path_int(request)
    form = await request.post()
    valores = {f"motivo_{accion}": str(form.get("motivo", ""))}
    errors: dict[str, str] = {}
    try:
        motivo = Motivo.model_validate({"motivo": form.get("motivo", "")}).motivo
    except ValidationError as exc:
        errors = {f"motivo_{accion}": m for m in errores(exc).values()}
    else:
        try:
            async with request.app[DB_POOL].acquire() as conn, conn.transaction():
                await ACCIONES[accion](conn, candidatura_id, motivo, request, identity(request))
        except acciones.NoProcedeError as exc:
            errors = {f"motivo_{accion}": str(exc)}
    if errors:
        context = await _context(request, candidatura_id)
        context.update(errors=errors, valores=valores, aviso=None)
        return aiohttp_jinja2.render_template(TEMPLATE, request, context, status=422)
    url = request.app.router["publicacion"].url_for(id=str(candidatura_id)).with_query(hecho=hecho)
    raise web.HTTPSeeOther(str(url))


@requires(*PUBLICATION_MANAGERS)
@writes
async def publish_now(request: web.Request) -> web.StreamResponse:
    return await _decide(request, "publicar", "publicada")


@requires(*PUBLICATION_MANAGERS)
@writes
async def pause(request: web.Request) -> web.StreamResponse:
    return await _decide(request, "pausar", "pausada")


@requires(*PUBLICATION_MANAGERS)
@writes
async def resume(request: web.Request) -> web.StreamResponse:
    return await _decide(request, "reanudar", "reanudada")
