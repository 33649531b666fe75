"""What follows every saved rubro or dimension, whatever the questionnaire: the first save starts the capture
(and reportes hears of it), and the change goes to the audit trail, in the saving transaction."""

from __future__ import annotations

import asyncpg
from aiohttp import web

from services.common import audit
from services.common.estados import report_status
from services.common.identity import Identity

from .envios import status_changed
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
