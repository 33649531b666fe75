from __future__ import annotations

from pathlib import Path

from aiohttp import web

from services.common.web import base_app

from . import tablero, views
from .settings import CapturaSettings


def create_app(settings: CapturaSettings | None = None) -> web.Application:
    settings = settings or CapturaSettings()
    app = base_app(settings, Path(__file__).parent / "templates")
    app.router.add_get("/captura/", tablero.dashboard, name="tablero")
    app.router.add_get("/captura/avance.csv", tablero.progress_csv, name="avance-csv")
    app.router.add_get("/captura/candidaturas/{id}/curricular", views.curricular, name="curricular")
    app.router.add_post("/captura/candidaturas/{id}/curricular/enviar", views.submit, name="enviar")
    app.router.add_get("/captura/candidaturas/{id}/curricular/{rubro}", views.rubro_form, name="rubro")
    app.router.add_post("/captura/candidaturas/{id}/curricular/{rubro}", views.rubro_save, name="rubro-post")
    return app
