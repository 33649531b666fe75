"""The photo of a candidacy (rubro 1): the page, the upload, and the candidacy's own view of its current photo."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web

from services.common import media
from services.common.access import CANDIDATE_SIDE, requires, writes
from services.common.cuestionarios import Cuestionario
from services.common.db import DB_POOL
from services.common.web import identity

from . import fotos, guardado, hechos, reglas
from .documentos_sql import CURRENT_FOTO_SQL, INSERT_FOTO_SQL
from .scope import candidatura_in_scope
from .uploads import media_dir, read_upload

CURRICULAR = Cuestionario.CURRICULAR.value
FIELD = "foto"


def _render(
    request: web.Request,
    candidatura: asyncpg.Record,
    foto: asyncpg.Record | None,
    decision: reglas.Decision,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    context: dict[str, Any] = {
        "candidatura": candidatura,
        "foto": foto,
        "editable": decision.allowed,
        "motivo": decision.reason,
        "errors": errors or {},
        "guardado": request.query.get("guardado") == "1",
        "max_mb": fotos.MAX_BYTES // (1024 * 1024),
    }
    return aiohttp_jinja2.render_template("captura/foto.html", request, context, status=status)


async def _decision(conn: asyncpg.Connection | asyncpg.Pool, candidatura_id: int) -> reglas.Decision:
    situacion = await hechos.situacion(conn, candidatura_id, CURRICULAR)
    return reglas.can_edit(situacion, hechos.now(), reglas.FOTO_RUBRO)


@requires(*CANDIDATE_SIDE)
async def foto_form(request: web.Request) -> web.Response:
    pool = request.app[DB_POOL]
    candidatura = await candidatura_in_scope(request, pool)
    foto = await pool.fetchrow(CURRENT_FOTO_SQL, candidatura["id"])
    return _render(request, candidatura, foto, await _decision(pool, candidatura["id"]))


@requires(*CANDIDATE_SIDE)
@writes
async def foto_upload(request: web.Request) -> web.StreamResponse:
    pool = request.app[DB_POOL]
    candidatura = await candidatura_in_scope(request, pool)
    decision = await _decision(pool, candidatura["id"])
    current = await pool.fetchrow(CURRENT_FOTO_SQL, candidatura["id"])
    if not decision.allowed:
        # Refused before the image is even decoded: nothing reaches the disk.
        return _render(request, candidatura, current, decision, errors={FIELD: decision.reason}, status=409)
    data, _ = await read_upload(request, FIELD, fotos.MAX_BYTES)
    try:
        # Decoding and encoding images is CPU work: off the event loop, like the disk writes.
        foto = await asyncio.to_thread(fotos.procesar, data)
    except fotos.FotoRechazadaError as exc:
        return _render(request, candidatura, current, decision, errors={FIELD: exc.message}, status=422)
    foto_name, mini_name = media.photo_names(foto.sha256)
    # Files first, row second: a crash in between leaves an unreferenced file, never a row without its file.
    await asyncio.to_thread(media.store_private, media_dir(request), {foto_name: foto.foto, mini_name: foto.mini})
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        candidatura = await candidatura_in_scope(request, conn)
        candidatura_id = candidatura["id"]
        # The photo travels with rubro 1 as the draft's `foto` row, so it is part of the submitted version (and
        # of review and publication) exactly like the texts; the rule book judges it as rubro 1.
        result = await guardado.save_answer(
            conn,
            request,
            ident,
            candidatura_id=candidatura_id,
            cuestionario=CURRICULAR,
            rubro=FIELD,
            datos={"sha256": foto.sha256},
            version=None,
            regla=reglas.FOTO_RUBRO,
            action="subir_foto",
            details={"sha256": foto.sha256, "bytes": len(foto.foto)},
        )
        if isinstance(result, guardado.NoEditable):  # e.g. submitted while the photo was being processed
            current = await conn.fetchrow(CURRENT_FOTO_SQL, candidatura_id)
            decision = reglas.Decision(False, result.motivo)
            return _render(request, candidatura, current, decision, errors={FIELD: result.motivo}, status=409)
        await conn.fetchrow(INSERT_FOTO_SQL, candidatura_id, foto.sha256, ident.user_id)
    location = request.app.router["foto"].url_for(id=str(candidatura_id))
    raise web.HTTPSeeOther(location.with_query(guardado="1"))


@requires(*CANDIDATE_SIDE)
async def foto_jpg(request: web.Request) -> web.StreamResponse:
    """The candidacy's current photo, to itself only (unpublished photos are personal data)."""
    pool = request.app[DB_POOL]
    candidatura = await candidatura_in_scope(request, pool)
    foto = await pool.fetchrow(CURRENT_FOTO_SQL, candidatura["id"])
    if foto is None:
        raise web.HTTPNotFound(text="Esta candidatura todavía no tiene fotografía.")
    suffix = "-mini.jpg" if request.query.get("tamano") == "mini" else ".jpg"
    path = media.private_path(media_dir(request), foto["sha256"], suffix)
    if not await asyncio.to_thread(path.is_file):
        raise web.HTTPNotFound(text="No se encontró el archivo de la fotografía.")
    # Private and revalidated: a shared cache must never keep it, and a new upload shows at once.
    return web.FileResponse(path, headers={"Cache-Control": "no-store", "Content-Type": "image/jpeg"})
