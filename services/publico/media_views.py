"""``/media/{name}``: the published photos, from ``<media>/publico/`` (Apache serves the same folder in production)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from services.common import media
from services.common.access import public
from services.common.web import SETTINGS

# The name is the content's hash: a file at a given URL never changes, so caches may keep it for a year.
IMMUTABLE = "public, max-age=31536000, immutable"


@public
async def serve_foto(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    # Only <sha256>.jpg and <sha256>-mini.jpg: no path separators, dots or other files ever reach the disk.
    if media.PUBLIC_NAME.match(name) is None:
        raise web.HTTPNotFound()
    path = request.app[SETTINGS].media_dir / media.PUBLICO / name
    if not await asyncio.to_thread(path.is_file):
        raise web.HTTPNotFound(text="Esta fotografía no está publicada.")
    return web.FileResponse(path, headers={"Cache-Control": IMMUTABLE, "Content-Type": "image/jpeg"})
