"""The cuestionario de identidad screens: overview, one page per dimension (saved per dimension), and submit.

The forms are rendered from the question set stored in ``registro`` and checked against it on the server;
skip rules run on the server too, so the page works without JavaScript.
"""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web

from services.common import identidad
from services.common.access import CANDIDATE_SIDE, requires, writes
from services.common.boundary import parse_int
from services.common.db import DB_POOL
from services.common.estados import STATE_LABELS
from services.common.identidad import IDENTIDAD, ConjuntoIdentidad, Dimension
from services.common.observaciones import ETIQUETAS
from services.common.web import identity

from . import autorizaciones, guardado, hechos, identidad_envio, partido, reglas
from .identidad import TEXT_MAX, clean_dimension, pending
from .scope import candidatura_in_scope
from .sql import OPEN_OBSERVACIONES_SQL, RESPUESTA_SQL, RESPUESTAS_SQL

NO_CONFIGURADO = identidad_envio.SIN_CONJUNTO
CONFLICTO = (
    "Alguien más guardó esta sección mientras la editabas. Abajo están las respuestas guardadas; revisa las tuyas "
    "y vuelve a guardar."
)
ERRORES = "Hay respuestas que no son válidas. Corrígelas y vuelve a guardar."


async def _cuestionario(conn: asyncpg.Connection | asyncpg.Pool, candidatura_id: int) -> ConjuntoIdentidad:
    cuestionario = await identidad.for_candidatura(conn, candidatura_id)
    if cuestionario is None:
        raise web.HTTPNotFound(text=NO_CONFIGURADO)
    return cuestionario


def _dimension(request: web.Request, cuestionario: ConjuntoIdentidad) -> Dimension:
    dimension = cuestionario.dimension(request.match_info["dimension"])
    if dimension is None:
        raise web.HTTPNotFound()
    return dimension


@requires(*CANDIDATE_SIDE)
@aiohttp_jinja2.template("captura/identidad.html")
async def overview(request: web.Request) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    candidatura = await candidatura_in_scope(request, pool)
    cuestionario = await _cuestionario(pool, candidatura["id"])
    situacion = await hechos.situacion(pool, candidatura["id"], IDENTIDAD)
    decision = reglas.can_edit(situacion, hechos.now())
    saved = {r["rubro"]: r["datos"] for r in await pool.fetch(RESPUESTAS_SQL, candidatura["id"], IDENTIDAD)}
    pendientes = pending(cuestionario, saved)
    consentimientos = await autorizaciones.actuales(pool, candidatura["id"])
    editable = decision.allowed
    faltan = await identidad_envio.requisitos(pool, candidatura["id"], saved)
    observaciones = await pool.fetch(OPEN_OBSERVACIONES_SQL, candidatura["id"], IDENTIDAD)
    return {
        "candidatura": candidatura,
        "dimensiones": [(d, len(pendientes.get(d.clave, ())), d.clave in saved) for d in cuestionario.dimensiones],
        "estado": situacion.estado,
        "estado_label": STATE_LABELS[situacion.estado],
        "editable": editable,
        "motivo": decision.reason,
        "faltan": faltan,
        "observaciones": {r["rubro"]: r for r in observaciones},
        "fundamentos": ETIQUETAS,
        "can_submit": editable and not faltan,
        "consentimientos": consentimientos,
        "textos_consentimiento": autorizaciones.TEXTOS,
        "enviado": request.query.get("enviado") == "1",
        **partido.overview_context(request, IDENTIDAD, [(d.clave, d.titulo) for d in cuestionario.dimensiones]),
    }


def _context(
    candidatura: Any, cuestionario: ConjuntoIdentidad, dimension: Dimension, values: dict[str, Any], version: int
) -> dict[str, Any]:
    return {
        "candidatura": candidatura,
        "dimension": dimension,
        "values": values,
        "version": version,
        "errors": {},
        "conflict": None,
        "editable": True,
        "motivo": "",
        "guardado": False,
        "no_aplica": identidad.NO_APLICA,
        "prefiero": identidad.PREFIERO,
        "prefiero_texto": identidad.PREFIERO_TEXTO,
        "text_max": TEXT_MAX,
        "siguiente": _next(cuestionario, dimension),
        "observacion": None,
        "fundamentos": ETIQUETAS,
    }


def _next(cuestionario: ConjuntoIdentidad, dimension: Dimension) -> Dimension | None:
    claves = [d.clave for d in cuestionario.dimensiones]
    position = claves.index(dimension.clave) + 1
    return cuestionario.dimensiones[position] if position < len(claves) else None


@requires(*CANDIDATE_SIDE)
async def dimension_form(request: web.Request) -> web.Response:
    pool = request.app[DB_POOL]
    candidatura = await candidatura_in_scope(request, pool)
    cuestionario = await _cuestionario(pool, candidatura["id"])
    dimension = _dimension(request, cuestionario)
    situacion = await hechos.situacion(pool, candidatura["id"], IDENTIDAD)
    decision = reglas.can_edit(situacion, hechos.now(), dimension.clave)
    saved = await pool.fetchrow(RESPUESTA_SQL, candidatura["id"], IDENTIDAD, dimension.clave)
    context = _context(
        candidatura, cuestionario, dimension, dict(saved["datos"]) if saved else {}, saved["version"] if saved else 0
    )
    context.update(editable=decision.allowed, motivo=decision.reason)
    context["guardado"] = request.query.get("guardado") == "1"
    # The mail about a return links here (#observacion), as it does to a curricular rubro.
    observaciones = await pool.fetch(OPEN_OBSERVACIONES_SQL, candidatura["id"], IDENTIDAD)
    context["observacion"] = next((o for o in observaciones if o["rubro"] == dimension.clave), None)
    return aiohttp_jinja2.render_template("captura/identidad_dimension.html", request, context)


@requires(*CANDIDATE_SIDE)
@writes
async def dimension_save(request: web.Request) -> web.StreamResponse:
    posted = await request.post()
    form = {key: [str(v) for v in posted.getall(key)] for key in set(posted.keys())}
    pool = request.app[DB_POOL]
    ident = identity(request)
    parsed = parse_int("".join(form.get("version", ["0"])))
    version = -1 if parsed is None else parsed  # -1 never matches: a made-up version is a conflict
    async with pool.acquire() as conn, conn.transaction():
        candidatura = await candidatura_in_scope(request, conn)
        cuestionario = await _cuestionario(conn, candidatura["id"])
        dimension = _dimension(request, cuestionario)
        answers, errors, shown = clean_dimension(dimension, form)
        context = _context(candidatura, cuestionario, dimension, shown, version)
        template = "captura/identidad_dimension.html"
        if errors:
            # A form that may not be saved at all says so before it lists what to fix.
            situacion = await hechos.situacion(conn, candidatura["id"], IDENTIDAD)
            decision = reglas.can_edit(situacion, hechos.now(), dimension.clave)
            if not decision.allowed:
                context.update(editable=False, motivo=decision.reason, errors={"_": decision.reason})
                return aiohttp_jinja2.render_template(template, request, context, status=409)
            context["errors"] = {"_": ERRORES, **errors}
            return aiohttp_jinja2.render_template(template, request, context, status=422)
        result = await guardado.save_answer(
            conn,
            request,
            ident,
            candidatura_id=candidatura["id"],
            cuestionario=IDENTIDAD,
            rubro=dimension.clave,
            datos=answers,
            version=version,
        )
        if isinstance(result, guardado.NoEditable):
            context.update(editable=False, motivo=result.motivo, errors={"_": result.motivo})
            return aiohttp_jinja2.render_template(template, request, context, status=409)
        if isinstance(result, guardado.Conflicto):
            described = identidad.describe(cuestionario, {dimension.clave: result.datos})
            context.update(
                conflict=next(d for d in described if d["clave"] == dimension.clave)["filas"],
                version=result.version,
                errors={"_": CONFLICTO},
            )
            return aiohttp_jinja2.render_template(template, request, context, status=409)
    location = request.app.router["identidad-dimension"].url_for(id=str(candidatura["id"]), dimension=dimension.clave)
    raise web.HTTPSeeOther(location.with_query(guardado="1"))


@requires(*CANDIDATE_SIDE)
@writes
async def submit(request: web.Request) -> web.StreamResponse:
    return await guardado.submit_view(request, IDENTIDAD, "identidad")
