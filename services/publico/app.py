from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
from aiohttp import web

from services.common.web import STATIC_DIR, base_app
from services.common.zona import LEIDO

from . import (
    avisos_views,
    comparar,
    datos_views,
    estadisticas_web,
    ficha_views,
    icono,
    lectura,
    media_views,
    mi_eleccion,
    openapi,
    paginas,
    views,
    visitas,
)
from .catalogos import PorGeneracion
from .settings import PublicoSettings

PROCESO_TTL_SECONDS = 1.0


def create_app(settings: PublicoSettings | None = None) -> web.Application:
    settings = settings or PublicoSettings()
    app = base_app(settings, Path(__file__).parent / "templates")
    # The process row of every page (zone, footer's name) is read at most once a second: its pages are public and
    # cached whole anyway, and the read was a round-trip of every uncached page (docs/bench.md, issue 12).
    app[LEIDO].ttl = PROCESO_TTL_SECONDS
    app.cleanup_ctx.insert(0, lectura.read_pools_ctx(settings))  # before base_app's pool: the replica, if any
    aiohttp_jinja2.get_env(app).globals["descripcion_sitio"] = settings.descripcion
    app[views.CATALOGOS] = PorGeneracion()
    app.middlewares.append(visitas.middleware)  # innermost: sees every answer, cached ones included
    app.router.add_get("/", views.home, name="inicio")
    app.router.add_get("/candidaturas", views.list_candidaturas, name="candidaturas")
    ficha_views.add_routes(app)  # before the profile: /candidaturas/{id} would match "7.pdf"
    app.router.add_get("/candidaturas/{id}", views.show_candidatura, name="perfil")
    mi_eleccion.add_routes(app)
    app.router.add_get("/api/v1/candidaturas", views.api_list_candidaturas, name="api-candidaturas")
    app.router.add_get("/api/v1/candidaturas/{id}", views.api_show_candidatura, name="api-candidatura")
    datos_views.add_routes(app)
    openapi.add_routes(app)
    comparar.add_routes(app)
    paginas.add_routes(app)
    avisos_views.add_routes(app)
    app.router.add_get("/favicon.ico", icono.favicon, name="favicon")
    app.router.add_static("/static/", STATIC_DIR, name="static", append_version=False)
    app.router.add_get("/media/{name}", media_views.serve_foto, name="media")
    estadisticas_web.add_routes(app)
    return app
