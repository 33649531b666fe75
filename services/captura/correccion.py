"""Correction requests after publication: per rubro, limited to the process's configured rounds."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web

from services.common import audit, contracts
from services.common.access import CANDIDATE_SIDE, requires, writes
from services.common.cuestionarios import Cuestionario
from services.common.curricular import RUBROS, RUBROS_BY_KEY
from services.common.db import DB_POOL
from services.common.plazos import motivo_cerrada, ventana_de
from services.common.proceso import Configuracion, active_proceso
from services.common.web import identity

from . import hechos, reglas
from .scope import candidatura_in_scope
from .sql import CUESTIONARIO_SQL, INSERT_REQUEST_SQL, OPEN_REQUEST_SQL, ROUNDS_USED_SQL

CURRICULAR = Cuestionario.CURRICULAR.value
TEMPLATE = "captura/correccion.html"


async def _context(conn: asyncpg.Connection | asyncpg.Pool, candidatura: asyncpg.Record) -> dict[str, Any]:
    proceso = await active_proceso(conn)
    rounds = (proceso.configuracion if proceso else Configuracion()).rondas_correccion
    used = await conn.fetchval(ROUNDS_USED_SQL, candidatura["id"], CURRICULAR)
    cuestionario = await conn.fetchrow(CUESTIONARIO_SQL, candidatura["id"], CURRICULAR)
    estado = cuestionario["estado"] if cuestionario else "pendiente"
    return {
        "candidatura": candidatura,
        "rubros": RUBROS,
        "estado": estado,
        "rondas": rounds,
        "restantes": max(0, rounds - used),
        "ultima": await conn.fetchrow(OPEN_REQUEST_SQL, candidatura["id"], CURRICULAR),
        "cerrada": motivo_cerrada(await ventana_de(conn, candidatura["id"]), hechos.now()),
        "errors": {},
        "values": {},
    }


@requires(*CANDIDATE_SIDE)
async def form(request: web.Request) -> web.Response:
    pool = request.app[DB_POOL]
    context = await _context(pool, await candidatura_in_scope(request, pool))
    context["enviada"] = request.query.get("enviada") == "1"
    return aiohttp_jinja2.render_template(TEMPLATE, request, context)


@requires(*CANDIDATE_SIDE)
@writes
async def request_correction(request: web.Request) -> web.StreamResponse:
    data = await request.post()
    rubros = [str(v) for v in data.getall("rubro", [])]
    motivo = str(data.get("motivo", "")).strip()
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        candidatura = await candidatura_in_scope(request, conn)
        context = await _context(conn, candidatura)
        errors = {}
        decision = reglas.can_do(await ventana_de(conn, candidatura["id"]), hechos.now(), reglas.Accion.CORRECCION)
        if not decision.allowed:
            errors["_"] = decision.reason
        elif context["estado"] != "publicado":
            errors["_"] = "Solo puedes pedir una corrección cuando tu información ya está publicada."
        elif context["restantes"] <= 0:
            rondas = context["rondas"]
            errors["_"] = (
                "El proceso no permite solicitudes de corrección."
                if rondas == 0
                else "Ya usaste la única solicitud de corrección que permite el proceso."
                if rondas == 1
                else f"Ya usaste las {rondas} solicitudes de corrección que permite el proceso."
            )
        if not rubros or any(r not in RUBROS_BY_KEY for r in rubros):
            errors["rubros"] = "Marca el o los rubros que quieres corregir."
        if not 10 <= len(motivo) <= 1000:
            errors["motivo"] = "Explica en 10 a 1,000 caracteres qué quieres corregir y por qué."
        if errors:
            context.update(errors=errors, values={"rubros": rubros, "motivo": motivo}, enviada=False)
            status = 422 if decision.allowed else 409
            return aiohttp_jinja2.render_template(TEMPLATE, request, context, status=status)
        numero = (await conn.fetchrow(CUESTIONARIO_SQL, candidatura["id"], CURRICULAR))["envios"]
        row = await conn.fetchrow(
            INSERT_REQUEST_SQL, candidatura["id"], CURRICULAR, numero, rubros, motivo, ident.user_id
        )
        if row is None:
            raise web.HTTPConflict(text="Ya tienes una solicitud de corrección en espera de respuesta.")
        await contracts.send(
            conn,
            contracts.CorrectionRequest(
                solicitud_id=row["id"],
                candidatura_id=candidatura["id"],
                cuestionario=CURRICULAR,
                numero=numero,
                rubros=rubros,
                motivo=motivo,
                created_at=row["created_at"],
            ),
        )
        await audit.record(
            conn,
            request,
            ident,
            service="captura",
            action="solicitar_correccion",
            entity="candidatura",
            entity_id=candidatura["id"],
            details={"rubros": rubros},
        )
    raise web.HTTPSeeOther(f"/captura/candidaturas/{candidatura['id']}/curricular/correccion?enviada=1")
