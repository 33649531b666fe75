"""The candidacy's screens: dashboard, cuestionario curricular by rubro, and submit."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web

from services.common.access import requires
from services.common.boundary import parse_int
from services.common.curricular import (
    RUBROS,
    RUBROS_BY_KEY,
    Rubro,
    clean_rubro,
    is_captured,
    limits_for,
    rubro_complete,
)
from services.common.db import DB_POOL
from services.common.estados import STATE_LABELS
from services.common.observaciones import ETIQUETAS
from services.common.proceso import Configuracion, active_proceso
from services.common.web import identity

from . import guardado, partido
from .domain import EDITABLE_STATES, curricular_missing
from .scope import CANDIDATE_ROLES, candidatura_in_scope
from .sql import (
    APPROVED_CORRECTION_RUBROS_SQL,
    CUESTIONARIO_FOR_UPDATE_SQL,
    CUESTIONARIO_SQL,
    ENSURE_CUESTIONARIO_SQL,
    OPEN_OBSERVACIONES_SQL,
    RESPUESTA_SQL,
    RESPUESTAS_SQL,
    SAVE_SQL,
)

CURRICULAR = "curricular"


@requires(*CANDIDATE_ROLES)
@aiohttp_jinja2.template("captura/curricular.html")
async def curricular(request: web.Request) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    candidatura = await candidatura_in_scope(request, pool)
    await pool.execute(ENSURE_CUESTIONARIO_SQL, candidatura["id"], CURRICULAR)
    estado = await pool.fetchrow(CUESTIONARIO_SQL, candidatura["id"], CURRICULAR)
    saved = {r["rubro"]: r["datos"] for r in await pool.fetch(RESPUESTAS_SQL, candidatura["id"], CURRICULAR)}
    return {
        "candidatura": candidatura,
        "rubros": [(r, rubro_complete(r.clave, saved.get(r.clave)), is_captured(saved.get(r.clave))) for r in RUBROS],
        "estado": estado["estado"],
        "estado_label": STATE_LABELS[estado["estado"]],
        "editable": estado["estado"] in EDITABLE_STATES,
        "can_submit": estado["estado"] in EDITABLE_STATES and not curricular_missing(saved),
        "enviado": request.query.get("enviado") == "1",
        "observaciones": await _observaciones(pool, candidatura["id"]),
        "fundamentos": ETIQUETAS,
        # The photo belongs to rubro 1; captura/foto_views.py saves it as the draft's `foto` row.
        "foto": saved.get("foto"),
        **partido.overview_context(request, CURRICULAR, [(r.clave, r.titulo) for r in RUBROS]),
    }


async def _observaciones(conn: asyncpg.Connection | asyncpg.Pool, candidatura_id: int) -> dict[str, asyncpg.Record]:
    return {r["rubro"]: r for r in await conn.fetch(OPEN_OBSERVACIONES_SQL, candidatura_id, CURRICULAR)}


def _rubro(request: web.Request) -> Any:
    rubro = RUBROS_BY_KEY.get(request.match_info["rubro"])
    if rubro is None:
        raise web.HTTPNotFound()
    return rubro


@requires(*CANDIDATE_ROLES)
async def rubro_form(request: web.Request) -> web.Response:
    pool = request.app[DB_POOL]
    candidatura = await candidatura_in_scope(request, pool)
    rubro = _rubro(request)
    await pool.execute(ENSURE_CUESTIONARIO_SQL, candidatura["id"], CURRICULAR)
    estado = await pool.fetchrow(CUESTIONARIO_SQL, candidatura["id"], CURRICULAR)
    saved = await pool.fetchrow(RESPUESTA_SQL, candidatura["id"], CURRICULAR, rubro.clave)
    context = {
        "candidatura": candidatura,
        "rubro": rubro,
        "values": saved["datos"] if saved else {},
        "version": saved["version"] if saved else 0,
        "errors": {},
        "conflict": None,
        "editable": estado["estado"] in EDITABLE_STATES,
        "guardado": request.query.get("guardado") == "1",
        "observacion": (await _observaciones(pool, candidatura["id"])).get(rubro.clave),
        "fundamentos": ETIQUETAS,
        "limits": await _limits(pool, rubro),
    }
    return aiohttp_jinja2.render_template("captura/rubro.html", request, context)


async def _limits(conn: asyncpg.Connection | asyncpg.Pool, rubro: Rubro) -> dict[str, int]:
    proceso = await active_proceso(conn)
    config = proceso.configuracion if proceso else Configuracion()
    return limits_for(rubro, config.limite_texto_largo, config.limite_propuesta)


@requires(*CANDIDATE_ROLES)
async def rubro_save(request: web.Request) -> web.StreamResponse:
    form = dict(await request.post())
    return await asyncio.shield(_rubro_save(request, form))


async def _rubro_save(request: web.Request, form: dict[str, Any]) -> web.StreamResponse:
    pool = request.app[DB_POOL]
    ident = identity(request)
    rubro = _rubro(request)
    limits = await _limits(pool, rubro)
    values, errors = clean_rubro(rubro, form, limits)
    parsed = parse_int(form.get("version", "0"))
    version = -1 if parsed is None else parsed  # -1 never matches: a made-up version is a conflict
    async with pool.acquire() as conn, conn.transaction():
        candidatura = await candidatura_in_scope(request, conn)
        await conn.execute(ENSURE_CUESTIONARIO_SQL, candidatura["id"], CURRICULAR)
        estado = await conn.fetchrow(CUESTIONARIO_FOR_UPDATE_SQL, candidatura["id"], CURRICULAR)
        context: dict[str, Any] = {
            "candidatura": candidatura,
            "rubro": rubro,
            "values": values,
            "version": version,
            "errors": errors,
            "conflict": None,
            "editable": True,
            "guardado": False,
            "observacion": None,
            "fundamentos": ETIQUETAS,
            "limits": limits,
        }
        if estado["estado"] not in EDITABLE_STATES:
            context["editable"] = False
            context["errors"] = {"_": "El cuestionario ya se envió a validación y no puede modificarse ahora."}
            return aiohttp_jinja2.render_template("captura/rubro.html", request, context, status=409)
        if estado["estado"] == "en_correccion" and rubro.clave not in await conn.fetchval(
            APPROVED_CORRECTION_RUBROS_SQL, candidatura["id"], CURRICULAR
        ):
            context["errors"] = {"_": "Solo puedes modificar los rubros cuya corrección aprobó el Instituto."}
            return aiohttp_jinja2.render_template("captura/rubro.html", request, context, status=409)
        if errors:
            return aiohttp_jinja2.render_template("captura/rubro.html", request, context, status=422)
        new_version = await conn.fetchval(
            SAVE_SQL, candidatura["id"], CURRICULAR, rubro.clave, values, ident.user_id, version
        )
        if new_version is None:
            current = await conn.fetchrow(RESPUESTA_SQL, candidatura["id"], CURRICULAR, rubro.clave)
            context["conflict"] = current["datos"]
            context["version"] = current["version"]
            context["errors"] = {
                "_": "Alguien más guardó este rubro mientras lo editabas. Compara ambos textos, "
                "ajusta el tuyo y vuelve a guardar."
            }
            return aiohttp_jinja2.render_template("captura/rubro.html", request, context, status=409)
        await guardado.after_save(
            conn,
            request,
            ident,
            candidatura_id=candidatura["id"],
            cuestionario=CURRICULAR,
            rubro=rubro.clave,
            version=new_version,
            estado=estado["estado"],
        )
    location = request.app.router["rubro"].url_for(id=str(candidatura["id"]), rubro=rubro.clave)
    raise web.HTTPSeeOther(location.with_query(guardado="1"))


@requires(*CANDIDATE_ROLES)
async def submit(request: web.Request) -> web.StreamResponse:
    return await asyncio.shield(guardado.submit_view(request, CURRICULAR, "curricular"))
