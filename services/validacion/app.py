from __future__ import annotations

from pathlib import Path

from aiohttp import web

from services.common.menu_cuentas import CONTADOR
from services.common.web import base_app

from . import correcciones, cuentas, views
from .auditoria import views as auditoria
from .candidaturas import views as candidaturas
from .importacion import views as importacion
from .importacion.parse import Limites
from .proceso import views as proceso
from .prorrogas import views as prorrogas
from .publicacion import views as publicacion
from .settings import ValidacionSettings
from .transparencia import views as transparencia


def _registro_routes(app: web.Application) -> None:
    add_get, add_post = app.router.add_get, app.router.add_post
    add_get("/validacion/registro/importar", importacion.candidaturas_form, name="importar")
    add_post("/validacion/registro/importar", importacion.candidaturas_upload, name="importar-post")
    add_get("/validacion/registro/secciones", importacion.territorio_form, name="secciones")
    add_post("/validacion/registro/secciones", importacion.territorio_upload, name="secciones-post")
    add_get(r"/validacion/registro/importaciones/{id:\d+}", importacion.preview, name="importacion")
    add_post(r"/validacion/registro/importaciones/{id:\d+}/aplicar", importacion.apply, name="importacion-aplicar")
    add_get("/validacion/registro/candidaturas", candidaturas.list_candidaturas, name="candidaturas")
    add_get(r"/validacion/registro/candidaturas/{id:\d+}", candidaturas.detail, name="candidatura")
    add_post(r"/validacion/registro/candidaturas/{id:\d+}/cancelar", candidaturas.cancel, name="cancelar")
    add_post(r"/validacion/registro/candidaturas/{id:\d+}/sustituir", candidaturas.substitute, name="sustituir")
    add_get("/validacion/auditoria", auditoria.search, name="auditorias")
    add_get(r"/validacion/registro/candidaturas/{id:\d+}/auditoria", auditoria.trail, name="auditoria")
    add_get(r"/validacion/registro/candidaturas/{id:\d+}/publicacion", publicacion.show, name="publicacion")
    add_post(r"/validacion/registro/candidaturas/{id:\d+}/publicar", publicacion.publish_now, name="publicar")
    add_post(r"/validacion/registro/candidaturas/{id:\d+}/pausar", publicacion.pause, name="pausar")
    add_post(r"/validacion/registro/candidaturas/{id:\d+}/reanudar", publicacion.resume, name="reanudar")
    add_get("/validacion/proceso", proceso.form, name="proceso")
    add_post("/validacion/proceso", proceso.save, name="proceso-post")
    add_get("/validacion/prorrogas", prorrogas.list_prorrogas, name="prorrogas")
    add_post("/validacion/prorrogas", prorrogas.grant, name="prorrogas-post")
    add_post(r"/validacion/prorrogas/{id:\d+}/revocar", prorrogas.revoke, name="prorroga-revocar")


def _transparencia_routes(app: web.Application) -> None:
    add_get, add_post = app.router.add_get, app.router.add_post
    add_get("/validacion/transparencia/", transparencia.queue, name="transparencia")
    add_post(r"/validacion/transparencia/banderas/{id:\d+}/descartar", transparencia.clear, name="bandera-descartar")
    add_post(r"/validacion/transparencia/banderas/{id:\d+}/confirmar", transparencia.confirm, name="bandera-confirmar")


def create_app(settings: ValidacionSettings | None = None) -> web.Application:
    settings = settings or ValidacionSettings()
    # Registry files of 10,000 rows are about 2 MB; the limit is the one the gateway applies too.
    app = base_app(settings, Path(__file__).parent / "templates", client_max_size=settings.max_body_size)
    app.router.add_get("/validacion/", views.queue, name="cola")
    app.router.add_post("/validacion/cola/aprobar", views.approve_selected, name="aprobar-seleccion")
    app.router.add_get("/validacion/revisiones/{id}", views.review, name="revision")
    app.router.add_post("/validacion/revisiones/{id}/aprobar", views.approve, name="aprobar")
    app.router.add_post("/validacion/revisiones/{id}/devolver", views.return_with_observations, name="devolver")
    app.router.add_get("/validacion/correcciones", correcciones.pending, name="correcciones")
    app.router.add_post(r"/validacion/correcciones/{id:\d+}/aprobar", correcciones.approve, name="correccion-aprobar")
    app.router.add_post(r"/validacion/correcciones/{id:\d+}/rechazar", correcciones.reject, name="correccion-rechazar")
    _registro_routes(app)
    _transparencia_routes(app)
    limites = Limites(
        filas=settings.importacion_max_filas,
        renglones=settings.importacion_max_renglones,
        xlsx_bytes=settings.importacion_max_xlsx_mb * 1024**2,
        archivo_bytes=settings.max_upload_bytes,
    )
    importacion.setup(app, importacion.Ajustes(limites, settings.importacion_max_problemas))
    app[CONTADOR] = cuentas.contar  # the staff menu's counts of what waits here
    return app
