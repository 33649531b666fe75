"""Screens: the list of candidacies with search, one candidacy, and its cancellation or substitution."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import ValidationError

from services.common.access import REGISTRY_MANAGERS, requires, writes
from services.common.boundary import like_contains, path_int
from services.common.db import DB_POOL
from services.common.web import identity
from services.validacion.importacion.parse import fold

from . import cambios, sql
from .forms import Baja, Sustitucion, errores

ESTATUS = {"registrada": "Registrada", "sustituida": "Sustituida", "cancelada": "Cancelada"}
AVISOS = {"cancelada": "La candidatura quedó cancelada.", "sustituida": "La sustitución quedó registrada."}


def _id(request: web.Request) -> int:
    return path_int(request)


@requires(*REGISTRY_MANAGERS)
@aiohttp_jinja2.template("validacion/candidaturas.html")
async def list_candidaturas(request: web.Request) -> dict[str, Any]:
    q = request.query.get("q", "").strip()[:100]
    estatus = request.query.get("estatus", "")
    estatus = estatus if estatus in ESTATUS else ""
    rows = await request.app[DB_POOL].fetch(sql.LIST_SQL, like_contains(fold(q)) if q else "", estatus)
    return {"candidaturas": rows, "q": q, "estatus": estatus, "estatuses": ESTATUS}


async def _detail_context(request: web.Request, candidatura_id: int) -> dict[str, Any]:
    row = await request.app[DB_POOL].fetchrow(sql.DETAIL_SQL, candidatura_id)
    if row is None:
        raise web.HTTPNotFound()
    return {
        "c": row,
        "estatuses": ESTATUS,
        "aviso": AVISOS.get(request.query.get("hecho", "")),
        "errors": {},
        "valores": {},
        "accion": "",
    }


@requires(*REGISTRY_MANAGERS)
@aiohttp_jinja2.template("validacion/candidatura.html")
async def detail(request: web.Request) -> dict[str, Any]:
    return await _detail_context(request, _id(request))


async def _render_errors(
    request: web.Request, candidatura_id: int, accion: str, errors: dict[str, str], valores: dict[str, Any]
) -> web.Response:
    context = await _detail_context(request, candidatura_id)
    if accion == "cancelar":
        # Both forms have a "motivo"; the summary's links must reach the one that failed.
        errors = {f"{campo}_cancelacion": mensaje for campo, mensaje in errors.items()}
    context.update(errors=errors, valores=valores, accion=accion, aviso=None)
    return aiohttp_jinja2.render_template("validacion/candidatura.html", request, context, status=422)


@requires(*REGISTRY_MANAGERS)
@writes
async def cancel(request: web.Request) -> web.StreamResponse:
    return await _change(request, "cancelar")


@requires(*REGISTRY_MANAGERS)
@writes
async def substitute(request: web.Request) -> web.StreamResponse:
    return await _change(request, "sustituir")


async def _change(request: web.Request, accion: str) -> web.StreamResponse:
    candidatura_id = _id(request)
    valores = {k: v for k, v in (await request.post()).items() if isinstance(v, str) and k != "csrf_token"}
    try:
        form = Sustitucion.model_validate(valores) if accion == "sustituir" else Baja.model_validate(valores)
    except ValidationError as exc:
        return await _render_errors(request, candidatura_id, accion, errores(exc), valores)
    ident = identity(request)
    try:
        async with request.app[DB_POOL].acquire() as conn, conn.transaction():
            if isinstance(form, Sustitucion):
                target = await cambios.substitute(conn, candidatura_id, form, request, ident)
                hecho = "sustituida"
            else:
                await cambios.cancel(conn, candidatura_id, form, request, ident)
                target, hecho = candidatura_id, "cancelada"
    except cambios.NoProcedeError as exc:
        campo = "curp" if "CURP" in str(exc) else "fecha_nacimiento" if "años" in str(exc) else "motivo"
        return await _render_errors(request, candidatura_id, accion, {campo: str(exc)}, valores)
    url = request.app.router["candidatura"].url_for(id=str(target)).with_query(hecho=hecho)
    raise web.HTTPSeeOther(str(url))
