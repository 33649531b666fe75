"""What every questionnaire shares around its answers: after a save, the first one starts the capture (and
reportes hears of it) and the change goes to the audit trail, in the saving transaction; and the submit."""

from __future__ import annotations

import asyncpg
from aiohttp import web

from services.common import audit
from services.common.db import DB_POOL
from services.common.estados import report_status
from services.common.identity import Identity
from services.common.web import identity

from . import envios
from .envios import status_changed
from .scope import candidatura_in_scope
from .sql import SET_ESTADO_SQL


async def after_save(
    conn: asyncpg.Connection,
    request: web.Request,
    ident: Identity,
    *,
    candidatura_id: int,
    cuestionario: str,
    rubro: str,
    version: int,
    estado: str,
) -> None:
    if estado == "pendiente":
        await conn.execute(SET_ESTADO_SQL, candidatura_id, cuestionario, "en_captura")
        await report_status(
            conn,
            **status_changed(
                candidatura_id, cuestionario, "en_captura", f"captura:{candidatura_id}:{cuestionario}:inicio"
            ),
        )
    await audit.record(
        conn,
        request,
        ident,
        service="captura",
        action="guardar_rubro",
        entity="candidatura",
        entity_id=candidatura_id,
        details={"cuestionario": cuestionario, "rubro": rubro, "version": version},
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
