from __future__ import annotations

from pathlib import Path

from aiohttp import web

from services.common.web import base_app

from . import views
from .settings import ValidacionSettings


def create_app(settings: ValidacionSettings | None = None) -> web.Application:
    settings = settings or ValidacionSettings()
    app = base_app(settings, Path(__file__).parent / "templates")
    app.router.add_get("/validacion/", views.queue, name="cola")
    app.router.add_get("/validacion/revisiones/{id}", views.review, name="revision")
    app.router.add_post("/validacion/revisiones/{id}/aprobar", views.approve, name="aprobar")
    app.router.add_post("/validacion/revisiones/{id}/devolver", views.return_with_observations, name="devolver")
    return app
