"""The three consents on the Consentimiento page: what the page shows about them, and saving a change.

The page itself (and the signed form) belongs to consentimiento_views.py; it renders
captura/_consentimientos.html with :func:`contexto`.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from aiohttp import web

from services.common.access import requires
from services.common.db import DB_POOL
from services.common.web import identity

from . import autorizaciones
from .scope import CANDIDATE_ROLES, candidatura_in_scope


async def contexto(
    request: web.Request, conn: asyncpg.Connection | asyncpg.Pool, candidatura_id: int
) -> dict[str, Any]:
    return {
        "consentimientos": await autorizaciones.actuales(conn, candidatura_id),
        "consentimientos_historial": await conn.fetch(autorizaciones.HISTORIAL_SQL, candidatura_id),
        "consentimientos_textos": autorizaciones.TEXTOS,
        "consentimientos_guardados": request.query.get("autorizaciones") == "1",
    }


@requires(*CANDIDATE_ROLES)
async def guardar(request: web.Request) -> web.StreamResponse:
    form = autorizaciones.AutorizacionesForm.model_validate(dict(await request.post()))
    return await asyncio.shield(_guardar(request, form))


async def _guardar(request: web.Request, form: autorizaciones.AutorizacionesForm) -> web.StreamResponse:
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        candidatura = await candidatura_in_scope(request, conn)
        await autorizaciones.cambiar(conn, request, identity(request), candidatura["id"], form.deseados())
    location = request.app.router["consentimiento"].url_for(id=str(candidatura["id"]))
    raise web.HTTPSeeOther(location.with_query(autorizaciones="1").with_fragment("autorizaciones"))
