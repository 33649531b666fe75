from __future__ import annotations

from pathlib import Path

from aiohttp import web

from services.common.web import base_app

from . import views, views_inclusion
from .settings import ReportesSettings


def create_app(settings: ReportesSettings | None = None) -> web.Application:
    settings = settings or ReportesSettings()
    app = base_app(settings, Path(__file__).parent / "templates")
    app.router.add_get("/reportes/", views.index, name="reportes")
    app.router.add_get("/reportes/avance", views.progress, name="avance")
    app.router.add_post("/reportes/avance/archivos", views.request_file, name="avance-archivos")
    app.router.add_get("/reportes/archivos/{id}", views.file_progress, name="archivo")
    app.router.add_get("/reportes/archivos/{id}/descarga", views.download, name="archivo-descarga")
    app.router.add_get("/reportes/inclusion", views_inclusion.inclusion, name="inclusion")
    app.router.add_post("/reportes/inclusion/archivos", views_inclusion.request_file, name="inclusion-archivos")
    app.router.add_get("/reportes/inclusion/archivos/{id}", views_inclusion.file_progress, name="inclusion-archivo")
    app.router.add_get(
        "/reportes/inclusion/archivos/{id}/descarga", views_inclusion.download, name="inclusion-archivo-descarga"
    )
    return app
