from __future__ import annotations

from pathlib import Path

from aiohttp import web

from services.common.web import base_app

from . import mensual_views, omisos_calidad, views, views_inclusion
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
    app.router.add_get("/reportes/omisos", omisos_calidad.omisos_page, name="omisos")
    app.router.add_post("/reportes/omisos/archivos", omisos_calidad.request_omisos, name="omisos-archivos")
    app.router.add_get("/reportes/calidad", omisos_calidad.calidad_page, name="calidad")
    app.router.add_post("/reportes/calidad/archivos", omisos_calidad.request_calidad, name="calidad-archivos")
    app.router.add_get("/reportes/archivos/{id}", views.file_progress, name="archivo")
    app.router.add_get("/reportes/archivos/{id}/descarga", views.download, name="archivo-descarga")
    app.router.add_get("/reportes/inclusion", views_inclusion.inclusion, name="inclusion")
    app.router.add_post("/reportes/inclusion/archivos", views_inclusion.request_file, name="inclusion-archivos")
    app.router.add_get("/reportes/inclusion/archivos/{id}", views_inclusion.file_progress, name="inclusion-archivo")
    app.router.add_get(
        "/reportes/inclusion/archivos/{id}/descarga", views_inclusion.download, name="inclusion-archivo-descarga"
    )
    return app
