"""The Consentimiento page as both its forms render it: the signed form (consentimiento_views.py) and the three
consents (autorizaciones_views.py), with what the capture window still allows on it."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web

from services.common.plazos import motivo_cerrada, ventana_de

from . import autorizaciones, consentimiento, hechos
from .documentos_sql import CURRENT_DOCUMENTO_SQL, POSTULANTE_TIPO_SQL

TEMPLATE = "captura/consentimiento.html"


async def contexto_autorizaciones(
    request: web.Request, conn: asyncpg.Connection | asyncpg.Pool, candidatura_id: int
) -> dict[str, Any]:
    return {
        "consentimientos": await autorizaciones.actuales(conn, candidatura_id),
        "consentimientos_historial": await conn.fetch(autorizaciones.HISTORIAL_SQL, candidatura_id),
        "consentimientos_textos": autorizaciones.TEXTOS,
        "consentimientos_guardados": request.query.get("autorizaciones") == "1",
    }


async def render(
    request: web.Request,
    conn: asyncpg.Pool | asyncpg.Connection,
    candidatura: asyncpg.Record,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    context: dict[str, Any] = {
        "candidatura": candidatura,
        "documento": await conn.fetchrow(CURRENT_DOCUMENTO_SQL, candidatura["id"]),
        "requerido": await conn.fetchval(POSTULANTE_TIPO_SQL, candidatura["id"]) == "independiente",
        "errors": errors or {},
        "guardado": request.query.get("guardado") == "1",
        "max_mb": consentimiento.MAX_BYTES // (1024 * 1024),
        # Outside the capture window the signed form cannot change and consents can only be withdrawn.
        "cerrada": motivo_cerrada(await ventana_de(conn, candidatura["id"]), hechos.now()),
        **await contexto_autorizaciones(request, conn, candidatura["id"]),
    }
    return aiohttp_jinja2.render_template(TEMPLATE, request, context, status=status)
