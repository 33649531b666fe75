"""``/privacidad`` (the avisos de privacidad in force) and ``/ayuda`` (the citizen's help): plain pages, cached like
the others. The avisos are data (``publico.avisos_privacidad``, versioned); editing them is transparencia's screen."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from services.common.access import public
from services.common.db import DB_POOL
from services.common.web import REDIS

from .cache import cached
from .enlaces import enlaces
from .sql import AVISOS_SQL
from .views import _settings

MARCA_INSTITUTO = "{instituto}"

TIPOS = ("simplificado", "integral")


def parrafos(texto: str, instituto: str) -> list[str]:
    """The stored text as paragraphs (blank-line separated), naming the configured institute where it says
    ``{instituto}``: the seeded default is the same for every deployment."""
    texto = texto.replace("\r\n", "\n").replace(MARCA_INSTITUTO, instituto)
    return [" ".join(p.split()) for p in texto.split("\n\n") if p.strip()]


def _render(request: web.Request, template: str, context: dict[str, object]) -> tuple[bytes, str]:
    # Public pages are the same for everyone (so they can be cached): no identity in them.
    text = aiohttp_jinja2.render_string(template, request, {"identity": None, "csrf_token": "", **context})
    return text.encode(), "text/html"


@public
async def privacidad(request: web.Request) -> web.Response:
    pool = request.app[DB_POOL]
    # Read on every request (two short rows): a new version shows at once, without waiting for a publication.
    rows = {r["tipo"]: r for r in await pool.fetch(AVISOS_SQL)}
    variant = ",".join(f"{t}:{rows[t]['version']}" for t in TIPOS if t in rows)
    nombre = _settings(request).instituto.nombre
    avisos = [
        {
            "tipo": tipo,
            "version": rows[tipo]["version"],
            "predeterminado": rows[tipo]["predeterminado"],
            "vigente_desde": rows[tipo]["vigente_desde"],
            "parrafos": parrafos(rows[tipo]["texto"], nombre),
        }
        for tipo in TIPOS
        if tipo in rows
    ]

    async def render() -> tuple[bytes, str]:
        return _render(request, "publico/privacidad.html", {"avisos": avisos})

    return await cached(request, request.app[REDIS], pool, _settings(request).cache_ttl, render, variant)


@public
async def ayuda(request: web.Request) -> web.Response:
    async def render() -> tuple[bytes, str]:
        return _render(request, "publico/ayuda.html", {"enlaces": enlaces(request.app)})

    return await cached(request, request.app[REDIS], request.app[DB_POOL], _settings(request).cache_ttl, render)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/privacidad", privacidad, name="privacidad")
    app.router.add_get("/ayuda", ayuda, name="ayuda")
