"""The candidacy's screens: dashboard, cuestionario curricular by rubro, and submit."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web

from services.common import audit, outbox
from services.common.access import requires
from services.common.curricular import RUBROS, RUBROS_BY_KEY, clean_rubro, is_captured
from services.common.db import DB_POOL
from services.common.estados import STATE_LABELS
from services.common.identity import Identity
from services.common.web import identity

from .domain import EDITABLE_STATES, can_submit
from .sql import (
    CANDIDATURA_SQL,
    CUESTIONARIO_FOR_UPDATE_SQL,
    CUESTIONARIO_SQL,
    DASHBOARD_SQL,
    ENSURE_CUESTIONARIO_SQL,
    INSERT_ENVIO_SQL,
    RESPUESTA_SQL,
    RESPUESTAS_SQL,
    SAVE_SQL,
    SET_ESTADO_SQL,
    SUBMITTED_SQL,
)

CURRICULAR = "curricular"
CANDIDATE_ROLES = ("candidatura", "representante")


def _scope(ident: Identity) -> tuple[list[int], int | None]:
    if ident.role == "representante":
        return [], ident.postulante_id
    return list(ident.candidatura_ids), None


async def _candidatura(request: web.Request, conn: asyncpg.Connection | asyncpg.Pool) -> asyncpg.Record:
    try:
        candidatura_id = int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    ids, postulante = _scope(identity(request))
    row = await conn.fetchrow(CANDIDATURA_SQL, candidatura_id, ids, postulante)
    if row is None:
        # Someone else's candidacy looks exactly like a missing one.
        raise web.HTTPNotFound()
    return row


def _status_changed(candidatura_id: int, estado: str, key: str) -> dict[str, Any]:
    return {
        "candidatura_id": candidatura_id,
        "cuestionario": CURRICULAR,
        "estado": estado,
        "at": datetime.now(UTC).isoformat(),
        "job_key": key,
    }


@requires(*CANDIDATE_ROLES)
@aiohttp_jinja2.template("captura/tablero.html")
async def dashboard(request: web.Request) -> dict[str, Any]:
    ids, postulante = _scope(identity(request))
    rows = await request.app[DB_POOL].fetch(DASHBOARD_SQL, ids, postulante)
    return {"candidaturas": rows, "labels": STATE_LABELS, "total_rubros": len(RUBROS)}


@requires(*CANDIDATE_ROLES)
@aiohttp_jinja2.template("captura/curricular.html")
async def curricular(request: web.Request) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    candidatura = await _candidatura(request, pool)
    await pool.execute(ENSURE_CUESTIONARIO_SQL, candidatura["id"], CURRICULAR)
    estado = await pool.fetchrow(CUESTIONARIO_SQL, candidatura["id"], CURRICULAR)
    saved = {r["rubro"]: r["datos"] for r in await pool.fetch(RESPUESTAS_SQL, candidatura["id"], CURRICULAR)}
    return {
        "candidatura": candidatura,
        "rubros": [(r, is_captured(saved.get(r.clave))) for r in RUBROS],
        "estado": estado["estado"],
        "estado_label": STATE_LABELS[estado["estado"]],
        "editable": estado["estado"] in EDITABLE_STATES,
        "can_submit": estado["estado"] in EDITABLE_STATES and can_submit(saved),
        "enviado": request.query.get("enviado") == "1",
    }


def _rubro(request: web.Request) -> Any:
    rubro = RUBROS_BY_KEY.get(request.match_info["rubro"])
    if rubro is None:
        raise web.HTTPNotFound()
    return rubro


@requires(*CANDIDATE_ROLES)
async def rubro_form(request: web.Request) -> web.Response:
    pool = request.app[DB_POOL]
    candidatura = await _candidatura(request, pool)
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
    }
    return aiohttp_jinja2.render_template("captura/rubro.html", request, context)


@requires(*CANDIDATE_ROLES)
async def rubro_save(request: web.Request) -> web.StreamResponse:
    form = dict(await request.post())
    return await asyncio.shield(_rubro_save(request, form))


async def _rubro_save(request: web.Request, form: dict[str, Any]) -> web.StreamResponse:
    pool = request.app[DB_POOL]
    ident = identity(request)
    rubro = _rubro(request)
    values, errors = clean_rubro(rubro, form)
    try:
        version = int(form.get("version", "0"))
    except ValueError:
        version = -1
    async with pool.acquire() as conn, conn.transaction():
        candidatura = await _candidatura(request, conn)
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
        }
        if estado["estado"] not in EDITABLE_STATES:
            context["editable"] = False
            context["errors"] = {"_": "El cuestionario ya se envió a validación y no puede modificarse ahora."}
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
        if estado["estado"] == "pendiente":
            await conn.execute(SET_ESTADO_SQL, candidatura["id"], CURRICULAR, "en_captura")
            await outbox.enqueue(
                conn,
                "reportes",
                "reportes.record_status",
                **_status_changed(candidatura["id"], "en_captura", f"captura:{candidatura['id']}:inicio"),
            )
        await audit.record(
            conn,
            request,
            ident,
            service="captura",
            action="guardar_rubro",
            entity="candidatura",
            entity_id=candidatura["id"],
            details={"cuestionario": CURRICULAR, "rubro": rubro.clave, "version": new_version},
        )
    location = request.app.router["rubro"].url_for(id=str(candidatura["id"]), rubro=rubro.clave)
    raise web.HTTPSeeOther(location.with_query(guardado="1"))


@requires(*CANDIDATE_ROLES)
async def submit(request: web.Request) -> web.StreamResponse:
    return await asyncio.shield(_submit(request))


async def _submit(request: web.Request) -> web.StreamResponse:
    pool = request.app[DB_POOL]
    ident = identity(request)
    async with pool.acquire() as conn, conn.transaction():
        candidatura = await _candidatura(request, conn)
        await conn.execute(ENSURE_CUESTIONARIO_SQL, candidatura["id"], CURRICULAR)
        estado = await conn.fetchrow(CUESTIONARIO_FOR_UPDATE_SQL, candidatura["id"], CURRICULAR)
        saved = {r["rubro"]: r["datos"] for r in await conn.fetch(RESPUESTAS_SQL, candidatura["id"], CURRICULAR)}
        if estado["estado"] not in EDITABLE_STATES:
            raise web.HTTPConflict(text="El cuestionario ya se envió a validación.")
        if not can_submit(saved):
            raise web.HTTPUnprocessableEntity(text="Captura al menos un rubro antes de enviar el cuestionario.")
        numero = estado["envios"] + 1
        envio = await conn.fetchrow(INSERT_ENVIO_SQL, candidatura["id"], CURRICULAR, numero, saved, ident.user_id)
        await conn.execute(SUBMITTED_SQL, candidatura["id"], CURRICULAR, numero)
        await outbox.enqueue(
            conn,
            "validacion",
            "review.open",
            envio_id=envio["id"],
            candidatura_id=candidatura["id"],
            cuestionario=CURRICULAR,
            numero=numero,
            datos=saved,
            enviado_at=envio["enviado_at"].isoformat(),
        )
        await outbox.enqueue(
            conn,
            "reportes",
            "reportes.record_status",
            **_status_changed(candidatura["id"], "enviado", f"envio:{envio['id']}"),
        )
        await audit.record(
            conn,
            request,
            ident,
            service="captura",
            action="enviar",
            entity="candidatura",
            entity_id=candidatura["id"],
            details={"cuestionario": CURRICULAR, "numero": numero},
        )
    location = request.app.router["curricular"].url_for(id=str(candidatura["id"]))
    raise web.HTTPSeeOther(location.with_query(enviado="1"))
