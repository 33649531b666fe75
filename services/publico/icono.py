"""``/favicon.ico``: browsers ask for it at the root whatever the pages link, so it is served there too."""

from __future__ import annotations

from aiohttp import web

from services.common.access import public
from services.common.web import STATIC_DIR

FAVICON = STATIC_DIR / "favicon.ico"
# Not versioned by name, so not immutable: a month is long enough to spare the requests, short enough to change it.
FAVICON_CACHE = "public, max-age=2592000"


@public
async def favicon(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(FAVICON, headers={"Cache-Control": FAVICON_CACHE, "Content-Type": "image/x-icon"})
