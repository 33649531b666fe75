from __future__ import annotations

from pathlib import Path

from aiohttp import web

from services.common.menu_cuentas import CONTADOR
from services.common.web import base_app

from . import (
    autorizaciones_views,
    consentimiento_views,
    correccion,
    cuentas,
    foto_views,
    historial,
    identidad_views,
    partido,
    personal_views,
    tablero,
    transparencia_views,
    views,
)
from .plazos import views as plazos
from .settings import CapturaSettings


def create_app(settings: CapturaSettings | None = None) -> web.Application:
    settings = settings or CapturaSettings()
    # Uploads: the photo (5 MB) and the signed form (10 MB) check their own limits with a Spanish message; the
    # parser takes any body the gateway forwards (CONOCELES_MAX_UPLOAD_MB), so those messages are reached.
    app = base_app(settings, Path(__file__).parent / "templates", client_max_size=settings.max_body_size)
    app.router.add_get("/captura/", tablero.dashboard, name="tablero")
    app.router.add_get("/captura/avance.csv", tablero.progress_csv, name="avance-csv")
    app.router.add_get("/captura/candidaturas/{id}/curricular", views.overview, name="curricular")
    app.router.add_get("/captura/candidaturas/{id}/historial", historial.history, name="historial")
    app.router.add_get("/captura/candidaturas/{id}/curricular/correccion", correccion.form, name="correccion")
    app.router.add_post(
        "/captura/candidaturas/{id}/curricular/correccion", correccion.request_correction, name="correccion-post"
    )
    app.router.add_post("/captura/candidaturas/{id}/curricular/enviar", views.submit, name="enviar")
    app.router.add_post(
        "/captura/candidaturas/{id}/{cuestionario}/partido/aprobar",
        partido.approve,
        name="partido-aprobar",
    )
    app.router.add_post(
        "/captura/candidaturas/{id}/{cuestionario}/partido/devolver",
        partido.return_to_candidacy,
        name="partido-devolver",
    )
    app.router.add_get("/captura/candidaturas/{id}/curricular/{rubro}", views.rubro_form, name="rubro")
    app.router.add_post("/captura/candidaturas/{id}/curricular/{rubro}", views.rubro_save, name="rubro-post")
    app.router.add_get("/captura/candidaturas/{id}/foto", foto_views.foto_form, name="foto")
    app.router.add_post("/captura/candidaturas/{id}/foto", foto_views.foto_upload, name="foto-post")
    app.router.add_get("/captura/candidaturas/{id}/foto.jpg", foto_views.foto_jpg, name="foto-jpg")
    app.router.add_get("/captura/candidaturas/{id}/consentimiento", consentimiento_views.show, name="consentimiento")
    app.router.add_get(
        "/captura/candidaturas/{id}/consentimiento/formato.pdf",
        consentimiento_views.download_formato,
        name="consentimiento-formato",
    )
    app.router.add_get(
        "/captura/candidaturas/{id}/consentimiento/documento",
        consentimiento_views.download_documento,
        name="consentimiento-documento",
    )
    app.router.add_post(
        "/captura/candidaturas/{id}/consentimiento/documento",
        consentimiento_views.upload_documento,
        name="consentimiento-documento-post",
    )
    app.router.add_post(
        "/captura/candidaturas/{id}/consentimiento/autorizaciones",
        autorizaciones_views.save,
        name="consentimiento-autorizaciones",
    )
    app.router.add_get("/captura/candidaturas/{id}/identidad", identidad_views.overview, name="identidad")
    app.router.add_post("/captura/candidaturas/{id}/identidad/enviar", identidad_views.submit, name="identidad-enviar")
    app.router.add_get(
        "/captura/candidaturas/{id}/identidad/{dimension}", identidad_views.dimension_form, name="identidad-dimension"
    )
    app.router.add_post(
        "/captura/candidaturas/{id}/identidad/{dimension}",
        identidad_views.dimension_save,
        name="identidad-dimension-post",
    )
    transparencia_views.add_routes(app)
    # The staff's view of a candidacy's files (the reviewer's page links them; captura owns the files).
    app.router.add_get("/captura/personal/candidaturas/{id}/foto/{sha}.jpg", personal_views.foto, name="personal-foto")
    app.router.add_get(
        "/captura/personal/candidaturas/{id}/consentimiento/documento",
        personal_views.documento,
        name="personal-consentimiento",
    )
    # The coordinación's deadlines screens (questionnaire states are captura's); the gateway routes the prefix here.
    app.router.add_get("/validacion/plazos", plazos.dashboard, name="plazos")
    app.router.add_post("/validacion/plazos/recordatorios", plazos.send_reminders, name="plazos-recordatorios")
    app.router.add_get("/validacion/plazos/omisos", plazos.omisos, name="omisos")
    app.router.add_get("/validacion/plazos/omisos.csv", plazos.omisos_csv, name="omisos-csv")
    app.router.add_get("/validacion/plazos/omisos.xlsx", plazos.omisos_xlsx, name="omisos-xlsx")
    app[CONTADOR] = cuentas.contar  # the staff menu's count of what is late
    return app
