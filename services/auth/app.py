from __future__ import annotations

from pathlib import Path

from aiohttp import web

from services.common.web import base_app

from . import contrasena, correo_dev, lotes, recuperar, usuarios, views
from .hashing import hasher_ctx
from .settings import AuthSettings


def create_app(settings: AuthSettings | None = None) -> web.Application:
    settings = settings or AuthSettings()
    app = base_app(settings, Path(__file__).parent / "templates")
    app.cleanup_ctx.append(hasher_ctx(settings))
    app.router.add_get("/cuenta/entrar", views.login_form, name="entrar")
    app.router.add_post("/cuenta/entrar", views.login, name="entrar-post")
    app.router.add_post("/cuenta/salir", views.logout, name="salir")
    app.router.add_get("/cuenta/recuperar", recuperar.request_form, name="recuperar")
    app.router.add_post("/cuenta/recuperar", recuperar.request_link, name="recuperar-post")
    app.router.add_get("/cuenta/recuperar/{token}", recuperar.reset_form, name="recuperar-enlace")
    app.router.add_post("/cuenta/recuperar/{token}", recuperar.reset, name="recuperar-enlace-post")
    app.router.add_get("/cuenta/correo-dev", correo_dev.mailbox, name="correo-dev")
    app.router.add_get("/cuenta/correo-dev/{name}", correo_dev.message, name="correo-dev-mensaje")
    app.router.add_get("/cuenta/contrasena", contrasena.form, name="contrasena")
    app.router.add_post("/cuenta/contrasena", contrasena.change, name="contrasena-post")
    app.router.add_get("/cuenta/usuarios", usuarios.list_users, name="usuarios")
    app.router.add_post("/cuenta/usuarios", usuarios.create, name="usuarios-post")
    app.router.add_get("/cuenta/usuarios/nueva", usuarios.new_form, name="usuario-nueva")
    app.router.add_get(r"/cuenta/usuarios/{id:\d+}", usuarios.detail, name="usuario")
    app.router.add_post(r"/cuenta/usuarios/{id:\d+}", usuarios.update, name="usuario-post")
    app.router.add_post(r"/cuenta/usuarios/{id:\d+}/desactivar", usuarios.disable, name="usuario-desactivar")
    app.router.add_post(r"/cuenta/usuarios/{id:\d+}/activar", usuarios.enable, name="usuario-activar")
    app.router.add_post(r"/cuenta/usuarios/{id:\d+}/restablecer", usuarios.reset_password, name="usuario-restablecer")
    app.router.add_get("/cuenta/lotes", lotes.list_lotes, name="lotes")
    app.router.add_post("/cuenta/lotes", lotes.create, name="lotes-post")
    app.router.add_get(r"/cuenta/lotes/{id:\d+}", lotes.detail, name="lote")
    app.router.add_get(r"/cuenta/lotes/importaciones/{id:\d+}", lotes.of_importacion, name="lote-importacion")
    app.router.add_get(r"/cuenta/lotes/{id:\d+}/credenciales.csv", lotes.download_csv, name="lote-csv")
    app.router.add_get(r"/cuenta/lotes/{id:\d+}/credenciales.pdf", lotes.download_pdf, name="lote-pdf")
    app.router.add_post(r"/cuenta/lotes/{id:\d+}/eliminar", lotes.erase, name="lote-eliminar")
    return app
