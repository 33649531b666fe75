"""``/privacidad`` (the avisos de privacidad in force) and ``/ayuda`` (the citizen's help): plain pages, cached like
the others. The avisos are data (``publico.avisos_privacidad``, versioned); editing them is transparencia's screen."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from services.common.access import public
from services.common.db import DB_POOL
from services.common.web import REDIS

from .avisos import TIPOS, VERSIONES_SQL
from .cache import cached
from .enlaces import enlaces
from .views import _settings

MARCA_INSTITUTO = "{instituto}"


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
    # Read on every request (a few short rows): a new version shows at once, without waiting for a publication.
    rows = await pool.fetch(VERSIONES_SQL)
    vigentes = {r["tipo"]: r for r in reversed(rows)}  # newest first per tipo, so the last write wins
    variant = ",".join(f"{t}:{vigentes[t]['version']}" for t in TIPOS if t in vigentes)
    nombre = _settings(request).instituto.nombre
    avisos = [
        {
            "tipo": tipo,
            "version": vigentes[tipo]["version"],
            "predeterminado": vigentes[tipo]["predeterminado"],
            "vigente_desde": vigentes[tipo]["vigente_desde"],
            "parrafos": parrafos(vigentes[tipo]["texto"], nombre),
            # The record of what citizens were told before: every earlier version with its dates.
            "anteriores": [
                {
                    "version": r["version"],
                    "vigente_desde": r["vigente_desde"],
                    "vigente_hasta": r["vigente_hasta"],
                    "parrafos": parrafos(r["texto"], nombre),
                }
                for r in rows
                if r["tipo"] == tipo and r["version"] != vigentes[tipo]["version"]
            ],
        }
        for tipo in TIPOS
        if tipo in vigentes
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
