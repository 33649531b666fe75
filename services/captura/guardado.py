"""What every questionnaire shares around its answers: one save that asks the rule book first
(:func:`save_answer`, used by the rubros, the identity dimensions and the photo), what follows a save (the first
one starts the capture and reportes hears of it; the audit trail), and the submit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
from aiohttp import web

from services.common import audit
from services.common.db import DB_POOL
from services.common.estados import report_status
from services.common.signed_identity import Identity
from services.common.web import identity

from . import envios, hechos, reglas
from .envios import status_changed
from .scope import candidatura_in_scope
from .sql import RESPUESTA_SQL, SAVE_LATEST_SQL, SAVE_SQL, SET_ESTADO_SQL


@dataclass(frozen=True)
class Guardado:
    version: int


@dataclass(frozen=True)
class Conflicto:
    """Someone saved the rubro since the form was loaded: what is saved now, and its version."""

    datos: dict[str, Any]
    version: int


@dataclass(frozen=True)
class NoEditable:
    motivo: str


Resultado = Guardado | Conflicto | NoEditable


async def save_answer(
    conn: asyncpg.Connection,
    request: web.Request,
    ident: Identity,
    *,
    candidatura_id: int,
    cuestionario: str,
    rubro: str,
    datos: dict[str, Any],
    version: int | None,
    regla: str | None = None,
    action: str = "guardar_rubro",
    details: dict[str, Any] | None = None,
) -> Resultado:
    """Save one answer row if the rule book allows it; must run inside the caller's transaction.

    ``version`` is the one the form was loaded with (optimistic concurrency), or None to replace whatever is
    saved. ``regla`` names the rubro the rule book judges when it differs from the stored row (the photo is
    judged as rubro 1).
    """
    estado = (await hechos.lock(conn, candidatura_id, cuestionario))["estado"]
    situacion = await hechos.situacion(conn, candidatura_id, cuestionario, estado)
    decision = reglas.can_edit(situacion, hechos.now(), regla or rubro)
    if not decision.allowed:
        return NoEditable(decision.reason)
    if version is None:
        new_version = await conn.fetchval(SAVE_LATEST_SQL, candidatura_id, cuestionario, rubro, datos, ident.user_id)
    else:
        new_version = await conn.fetchval(SAVE_SQL, candidatura_id, cuestionario, rubro, datos, ident.user_id, version)
    if new_version is None:
        current = await conn.fetchrow(RESPUESTA_SQL, candidatura_id, cuestionario, rubro)
        return Conflicto(current["datos"], current["version"])
    # The audit row after_save writes is also what the monthly report counts as a save (reportes reads
    # audit.eventos: same transaction, so no job per save and nothing to lose).
    await after_save(
        conn,
        request,
        ident,
        candidatura_id=candidatura_id,
        cuestionario=cuestionario,
        estado=estado,
        action=action,
        details={"cuestionario": cuestionario, "rubro": rubro, "version": new_version, **(details or {})},
    )
    return Guardado(new_version)


async def after_save(
    conn: asyncpg.Connection,
    request: web.Request,
    ident: Identity,
    *,
    candidatura_id: int,
    cuestionario: str,
    estado: str,
    action: str,
    details: dict[str, Any],
) -> None:
    if estado == "pendiente":
        await conn.execute(SET_ESTADO_SQL, candidatura_id, cuestionario, "en_captura")
        # Without waking the relay: a commit that NOTIFYs waits for every other such commit's disk flush, and the
        # first saves of many questionnaires at once (a capture opening, 200 candidacies in the bench) queued
        # behind each other at about 100 a second. Nobody waits for this fact; reportes has it a poll later.
        await report_status(
            conn,
            **status_changed(
                candidatura_id, cuestionario, "en_captura", f"captura:{candidatura_id}:{cuestionario}:inicio"
            ),
            wake=False,
        )
    await audit.record(
        conn,
        request,
        ident,
        service="captura",
        action=action,
        entity="candidatura",
        entity_id=candidatura_id,
        details=details,
    )


async def submit_view(request: web.Request, cuestionario: str, overview_route: str) -> web.StreamResponse:
    """The submit button of any questionnaire: submit in one transaction, audit, back to its overview."""
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        candidatura = await candidatura_in_scope(request, conn)
        try:
            envio = await envios.submit(conn, candidatura["id"], cuestionario, ident.user_id)
        except envios.SubmitRefusedError as exc:
            if exc.status == 409:
                raise web.HTTPConflict(text=exc.message) from None
            raise web.HTTPUnprocessableEntity(text=exc.message) from None
        await audit.record(
            conn,
            request,
            ident,
            service="captura",
            action="enviar",
            entity="candidatura",
            entity_id=candidatura["id"],
            details={"cuestionario": cuestionario, "numero": envio.numero},
        )
    location = request.app.router[overview_route].url_for(id=str(candidatura["id"]))
    raise web.HTTPSeeOther(location.with_query(enviado="1"))
