"""``/validacion/prorrogas``: grant, list and revoke prórrogas of the capture window (coordinación and admin).

Institutes extend the capture by acuerdo for one candidatura or for every candidatura of a postulante; the
acuerdo is recorded with the new end and the reason, and every grant and revocation goes to the audit trail.
Captura reads the rows (services/common/plazos.py) and lets the candidacy write until the new end.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web
from pydantic import ValidationError

from services.common import audit, tiempo
from services.common.access import PROCESS_MANAGERS, requires, writes
from services.common.db import DB_POOL
from services.common.plazos import fecha_hora
from services.common.web import identity

from . import forms, sql

TEMPLATE = "validacion/prorrogas.html"
BIGINT_MAX = 2**63 - 1
FORM_FIELDS = ("destino", "candidatura_id", "postulante_id", "fin", "acuerdo", "motivo")


async def _proceso(conn: asyncpg.Connection | asyncpg.Pool) -> asyncpg.Record:
    proceso = await conn.fetchrow(sql.PROCESO_SQL)
    if proceso is None:
        raise web.HTTPNotFound(text="No hay un proceso electoral activo.")
    return proceso


async def _context(request: web.Request, conn: asyncpg.Connection | asyncpg.Pool) -> dict[str, Any]:
    proceso = await _proceso(conn)
    valores: dict[str, Any] = {"destino": "candidatura"}
    elegida = None
    raw = request.query.get("candidatura", "")
    if raw.isdigit() and len(raw) < 10:
        elegida = await conn.fetchrow(sql.CANDIDATURA_SQL, int(raw), proceso["id"])
        if elegida is not None:
            valores["candidatura_id"] = str(elegida["id"])
    return {
        "proceso": proceso,
        "zona_etiqueta": tiempo.etiqueta(proceso["zona_horaria"]),
        "cierre": fecha_hora(proceso["captura_fin"], proceso["zona_horaria"]) if proceso["captura_fin"] else None,
        "prorrogas": await conn.fetch(sql.LIST_SQL, proceso["id"]),
        "postulantes": await conn.fetch(sql.POSTULANTES_SQL),
        "elegida": elegida,
        "valores": valores,
        "errors": {},
        "aviso": {"otorgada": "La prórroga quedó otorgada.", "revocada": "La prórroga quedó revocada."}.get(
            request.query.get("hecho", "")
        ),
    }


@requires(*PROCESS_MANAGERS)
async def list_prorrogas(request: web.Request) -> web.Response:
    context = await _context(request, request.app[DB_POOL])
    return aiohttp_jinja2.render_template(TEMPLATE, request, context)


async def _checks(conn: asyncpg.Connection, proceso: asyncpg.Record, prorroga: forms.Prorroga) -> dict[str, str]:
    """What the form alone cannot know: the target exists and the new end extends the capture."""
    errors: dict[str, str] = {}
    if prorroga.candidatura_id is not None:
        if await conn.fetchrow(sql.CANDIDATURA_SQL, prorroga.candidatura_id, proceso["id"]) is None:
            errors["candidatura_id"] = "No hay una candidatura registrada con ese número en el proceso activo."
    elif prorroga.postulante_id is not None and await conn.fetchrow(sql.POSTULANTE_SQL, prorroga.postulante_id) is None:
        errors["postulante_id"] = "Ese postulante no existe."
    if proceso["captura_fin"] is None:
        errors["fin"] = "El proceso no tiene fecha de cierre de la captura: no hace falta una prórroga."
    elif prorroga.fin <= proceso["captura_fin"]:
        cierre = fecha_hora(proceso["captura_fin"], proceso["zona_horaria"])
        errors["fin"] = f"La prórroga debe terminar después del cierre general de la captura ({cierre})."
    elif prorroga.fin <= datetime.now(UTC):
        errors["fin"] = "La prórroga debe terminar en el futuro."
    return errors


@requires(*PROCESS_MANAGERS)
@writes
async def grant(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    valores = {k: str(form.get(k, "")) for k in FORM_FIELDS}
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        proceso = await _proceso(conn)
        try:
            prorroga = forms.Prorroga.model_validate(valores, context={"zona": tiempo.zona(proceso["zona_horaria"])})
            errors = await _checks(conn, proceso, prorroga)
        except ValidationError as exc:
            errors = forms.errores(exc)
        if errors:
            context = await _context(request, conn)
            context.update(valores=valores, errors=errors)
            return aiohttp_jinja2.render_template(TEMPLATE, request, context, status=422)
        prorroga_id = await conn.fetchval(
            sql.INSERT_SQL,
            proceso["id"],
            prorroga.candidatura_id,
            prorroga.postulante_id,
            prorroga.fin,
            prorroga.acuerdo,
            prorroga.motivo,
            ident.username,
        )
        await audit.record(
            conn,
            request,
            ident,
            service="validacion",
            action="otorgar_prorroga",
            entity=prorroga.destino,
            entity_id=prorroga.candidatura_id or prorroga.postulante_id,
            details={
                "prorroga": prorroga_id,
                "fin": prorroga.fin.isoformat(),
                "acuerdo": prorroga.acuerdo,
                "motivo": prorroga.motivo,
            },
        )
    raise web.HTTPSeeOther(str(request.app.router["prorrogas"].url_for().with_query(hecho="otorgada")))


@requires(*PROCESS_MANAGERS)
@writes
async def revoke(request: web.Request) -> web.StreamResponse:
    prorroga_id = int(request.match_info["id"])  # the route admits digits only
    if prorroga_id > BIGINT_MAX:
        raise web.HTTPNotFound()
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        row = await conn.fetchrow(sql.REVOKE_SQL, prorroga_id, ident.username)
        if row is None:
            raise web.HTTPConflict(text="Esa prórroga no existe o ya estaba revocada.")
        await audit.record(
            conn,
            request,
            ident,
            service="validacion",
            action="revocar_prorroga",
            entity="candidatura" if row["candidatura_id"] else "postulante",
            entity_id=row["candidatura_id"] or row["postulante_id"],
            details={"prorroga": prorroga_id, "fin": row["fin"].isoformat(), "acuerdo": row["acuerdo"]},
        )
    raise web.HTTPSeeOther(str(request.app.router["prorrogas"].url_for().with_query(hecho="revocada")))
