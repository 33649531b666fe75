from __future__ import annotations

from pathlib import Path

from aiohttp import web

from services.common.web import base_app

from . import views
from .settings import AuthSettings


def create_app(settings: AuthSettings | None = None) -> web.Application:
    settings = settings or AuthSettings()
    app = base_app(settings, Path(__file__).parent / "templates")
    app.router.add_get("/cuenta/entrar", views.login_form, name="entrar")
    app.router.add_post("/cuenta/entrar", views.login, name="entrar-post")
    app.router.add_post("/cuenta/salir", views.logout, name="salir")
    return app
