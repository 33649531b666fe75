"""The files of a candidacy for the staff who review it: the photo of a submitted version and the signed consent
form. captura owns the files, so it serves them; nothing here is ever cacheable by a shared cache."""

from __future__ import annotations

import asyncio

from aiohttp import web

from services.common import media
from services.common.access import QUEUE_READERS, requires
from services.common.boundary import path_int
from services.common.db import DB_POOL

from . import consentimiento
from .documentos_sql import CURRENT_DOCUMENTO_SQL, FOTO_DE_CANDIDATURA_SQL
from .uploads import media_dir

# Personal data seen by staff: the browser may show it, no cache anywhere may keep it.
PRIVATE = "private, no-store"


@requires(*QUEUE_READERS)
async def foto(request: web.Request) -> web.StreamResponse:
    """A photo the candidacy uploaded, by its SHA-256 (``contracts.Version.foto`` of the version under review)."""
    candidatura_id = path_int(request)
    sha = request.match_info["sha"]
    pool = request.app[DB_POOL]
    if not media.is_sha256(sha) or not await pool.fetchval(FOTO_DE_CANDIDATURA_SQL, candidatura_id, sha):
        raise web.HTTPNotFound(text="Esta candidatura no tiene esa fotografía.")
    suffix = "-mini.jpg" if request.query.get("tamano") == "mini" else ".jpg"
    path = media.private_path(media_dir(request), sha, suffix)
    if not await asyncio.to_thread(path.is_file):
        raise web.HTTPNotFound(text="No se encontró el archivo de la fotografía.")
    return web.FileResponse(path, headers={"Cache-Control": PRIVATE, "Content-Type": "image/jpeg"})


@requires(*QUEUE_READERS)
async def documento(request: web.Request) -> web.StreamResponse:
    """The signed consent form last uploaded by the candidacy, as a download (never rendered inline)."""
    candidatura_id = path_int(request)
    row = await request.app[DB_POOL].fetchrow(CURRENT_DOCUMENTO_SQL, candidatura_id)
    if row is None:
        raise web.HTTPNotFound(text="Esta candidatura todavía no ha subido el formato de consentimiento firmado.")
    extension = row["extension"]
    path = media.private_path(media_dir(request), row["sha256"], f".{extension}")
    if not await asyncio.to_thread(path.is_file):
        raise web.HTTPNotFound(text="No se encontró el archivo del formato firmado.")
    headers = {
        "Content-Type": consentimiento.CONTENT_TYPES[extension],
        "Content-Disposition": f'attachment; filename="consentimiento-firmado-{candidatura_id}.{extension}"',
        "Cache-Control": PRIVATE,
    }
    return web.FileResponse(path, headers=headers)
