"""Staff decide on correction requests made after publication."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web

from services.common import audit, contracts
from services.common.access import REVIEWERS, requires, writes
from services.common.boundary import path_int
from services.common.curricular import RUBROS
from services.common.db import DB_POOL
from services.common.web import identity

from .sql import CORRECTIONS_SQL, DECIDE_CORRECTION_SQL, DECIDED_CORRECTION_SQL


@requires(*REVIEWERS)
@aiohttp_jinja2.template("validacion/correcciones.html")
async def pending(request: web.Request) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    return {
        "solicitudes": await pool.fetch(CORRECTIONS_SQL),
        "titulos": {r.clave: r.titulo for r in RUBROS},
        "aviso": await _decision_notice(pool, request.query.get("resuelta", "")),
    }


async def _decision_notice(pool: asyncpg.Pool, resuelta: str) -> str | None:
    """The success message after deciding: whose request and what was decided, never the request's id."""
    if not resuelta.isdigit() or len(resuelta) > 18:  # a bigint id; anything else is no notice
        return None
    row = await pool.fetchrow(DECIDED_CORRECTION_SQL, int(resuelta))
    if row is None or row["estado"] == "pendiente":
        return None
    decision = "aprobó" if row["estado"] == "aprobada" else "rechazó"
    return f"Se {decision} la solicitud de corrección de {row['persona']}."


async def _decide(request: web.Request, aprobada: bool) -> web.StreamResponse:
    ident = identity(request)
    solicitud_id = path_int(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        row = await conn.fetchrow(
            DECIDE_CORRECTION_SQL, solicitud_id, "aprobada" if aprobada else "rechazada", ident.user_id
        )
        if row is None:
            raise web.HTTPConflict(text="Esta solicitud ya fue resuelta o no existe.")
        await contracts.send(
            conn,
            contracts.CorrectionDecided(solicitud_id=row["id"], aprobada=aprobada, at=row["resuelto_at"]),
        )
        await audit.record(
            conn,
            request,
            ident,
            service="validacion",
            action="aprobar_correccion" if aprobada else "rechazar_correccion",
            entity="candidatura",
            entity_id=row["candidatura_id"],
            details={"solicitud": row["id"]},
        )
    raise web.HTTPSeeOther(f"/validacion/correcciones?resuelta={row['id']}")


@requires(*REVIEWERS)
@writes
async def approve(request: web.Request) -> web.StreamResponse:
    return await _decide(request, True)


@requires(*REVIEWERS)
@writes
async def reject(request: web.Request) -> web.StreamResponse:
    return await _decide(request, False)
