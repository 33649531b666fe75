from __future__ import annotations

from pathlib import Path

from aiohttp import web

from services.common.web import base_app

from . import mensual_views, views
from .settings import ReportesSettings


def create_app(settings: ReportesSettings | None = None) -> web.Application:
    settings = settings or ReportesSettings()
    app = base_app(settings, Path(__file__).parent / "templates")
    app.router.add_get("/reportes/", views.index, name="reportes")
    app.router.add_get("/reportes/avance", views.progress, name="avance")
    app.router.add_post("/reportes/avance/archivos", views.request_file, name="avance-archivos")
    app.router.add_get("/reportes/mensual", mensual_views.show, name="mensual")
    app.router.add_post("/reportes/mensual/incidencias", mensual_views.save_incidencias, name="mensual-incidencias")
    app.router.add_post("/reportes/mensual/archivos", mensual_views.request_file, name="mensual-archivos")
    app.router.add_get("/reportes/archivos/{id}", views.file_progress, name="archivo")
    app.router.add_get("/reportes/archivos/{id}/descarga", views.download, name="archivo-descarga")
    return app
