"""The candidacy's screens: dashboard, cuestionario curricular by rubro, and submit."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web

from services.common.access import CANDIDATE_SIDE, requires, writes
from services.common.boundary import parse_int
from services.common.cuestionarios import Cuestionario
from services.common.curricular import RUBROS, RUBROS_BY_KEY, Rubro
from services.common.db import DB_POOL
from services.common.estados import STATE_LABELS
from services.common.observaciones import ETIQUETAS
from services.common.proceso import Configuracion
from services.common.web import identity
from services.common.zona import request_proceso

from . import guardado, hechos, partido, reglas
from .curricular import clean_rubro, curricular_missing, is_captured, limits_for, rubro_complete
from .scope import candidatura_in_scope
from .sql import OPEN_OBSERVACIONES_SQL, RESPUESTA_SQL, RESPUESTAS_SQL

CURRICULAR = Cuestionario.CURRICULAR.value


@requires(*CANDIDATE_SIDE)
@aiohttp_jinja2.template("captura/curricular.html")
async def overview(request: web.Request) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    candidatura = await candidatura_in_scope(request, pool)
    situacion = await hechos.situacion(pool, candidatura["id"], CURRICULAR)
    decision = reglas.can_edit(situacion, hechos.now())
    saved = {r["rubro"]: r["datos"] for r in await pool.fetch(RESPUESTAS_SQL, candidatura["id"], CURRICULAR)}
    return {
        "candidatura": candidatura,
        "rubros": [(r, rubro_complete(r.clave, saved.get(r.clave)), is_captured(saved.get(r.clave))) for r in RUBROS],
        "estado": situacion.estado,
        "estado_label": STATE_LABELS[situacion.estado],
        "editable": decision.allowed,
        "motivo": decision.reason,
        "can_submit": decision.allowed and not curricular_missing(saved),
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


@requires(*CANDIDATE_SIDE)
async def rubro_form(request: web.Request) -> web.Response:
    pool = request.app[DB_POOL]
    candidatura = await candidatura_in_scope(request, pool)
    rubro = _rubro(request)
    decision = reglas.can_edit(await hechos.situacion(pool, candidatura["id"], CURRICULAR), hechos.now(), rubro.clave)
    saved = await pool.fetchrow(RESPUESTA_SQL, candidatura["id"], CURRICULAR, rubro.clave)
    context = {
        "candidatura": candidatura,
        "rubro": rubro,
        "values": saved["datos"] if saved else {},
        "version": saved["version"] if saved else 0,
        "errors": {},
        "conflict": None,
        "editable": decision.allowed,
        "motivo": decision.reason,
        "guardado": request.query.get("guardado") == "1",
        "observacion": (await _observaciones(pool, candidatura["id"])).get(rubro.clave),
        "fundamentos": ETIQUETAS,
        "limits": await _limits(request, rubro),
    }
    return aiohttp_jinja2.render_template("captura/rubro.html", request, context)


async def _limits(request: web.Request, rubro: Rubro) -> dict[str, int]:
    # The request's process row (read once per request for the zone and the footer) carries the settings too.
    config = Configuracion.model_validate((await request_proceso(request)).configuracion)
    return limits_for(rubro, config.limite_texto_largo, config.limite_propuesta)


@requires(*CANDIDATE_SIDE)
@writes
async def rubro_save(request: web.Request) -> web.StreamResponse:
    form = dict(await request.post())
    pool = request.app[DB_POOL]
    ident = identity(request)
    rubro = _rubro(request)
    limits = await _limits(request, rubro)
    values, errors = clean_rubro(rubro, form, limits)
    parsed = parse_int(form.get("version", "0"))
    version = -1 if parsed is None else parsed  # -1 never matches: a made-up version is a conflict
    async with pool.acquire() as conn, conn.transaction():
        candidatura = await candidatura_in_scope(request, conn)
        context: dict[str, Any] = {
            "candidatura": candidatura,
            "rubro": rubro,
            "values": values,
            "version": version,
            "errors": errors,
            "conflict": None,
            "editable": True,
            "motivo": "",
            "guardado": False,
            "observacion": None,
            "fundamentos": ETIQUETAS,
            "limits": limits,
        }
        if errors:
            # A form that may not be saved at all says so before it lists what to fix.
            situacion = await hechos.situacion(conn, candidatura["id"], CURRICULAR)
            decision = reglas.can_edit(situacion, hechos.now(), rubro.clave)
            if not decision.allowed:
                return _refused(request, context, decision.reason)
            return aiohttp_jinja2.render_template("captura/rubro.html", request, context, status=422)
        result = await guardado.save_answer(
            conn,
            request,
            ident,
            candidatura_id=candidatura["id"],
            cuestionario=CURRICULAR,
            rubro=rubro.clave,
            datos=values,
            version=version,
        )
        if isinstance(result, guardado.NoEditable):
            return _refused(request, context, result.motivo)
        if isinstance(result, guardado.Conflicto):
            context["conflict"] = result.datos
            context["version"] = result.version
            context["errors"] = {
                "_": "Alguien más guardó este rubro mientras lo editabas. Compara ambos textos, "
                "ajusta el tuyo y vuelve a guardar."
            }
            return aiohttp_jinja2.render_template("captura/rubro.html", request, context, status=409)
    location = request.app.router["rubro"].url_for(id=str(candidatura["id"]), rubro=rubro.clave)
    raise web.HTTPSeeOther(location.with_query(guardado="1"))


def _refused(request: web.Request, context: dict[str, Any], motivo: str) -> web.Response:
    context.update(editable=False, motivo=motivo, errors={"_": motivo})
    return aiohttp_jinja2.render_template("captura/rubro.html", request, context, status=409)


@requires(*CANDIDATE_SIDE)
@writes
async def submit(request: web.Request) -> web.StreamResponse:
    return await guardado.submit_view(request, CURRICULAR, "curricular")
