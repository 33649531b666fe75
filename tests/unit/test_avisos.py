"""The notices' rules that need no server: the mail text, the reminder's timing, the setting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from services.auth.avisos import render
from services.captura.avisos import reminder_due
from services.common.avisos import Aviso, Enlace, Tipo, rubro_path
from services.common.proceso import Configuracion, Proceso

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def _proceso(fin: datetime | None, horas: list[int] | None = None, inicio: datetime | None = None) -> Proceso:
    configuracion = Configuracion() if horas is None else Configuracion(avisos_plazo_horas=horas)
    return Proceso(
        id=1,
        clave="P",
        nombre="Proceso",
        captura_inicio=inicio,
        captura_fin=fin,
        publicacion_inicio=None,
        configuracion=configuracion,
    )


def test_the_mail_links_each_rubro_with_the_public_address() -> None:
    aviso = Aviso(
        tipo=Tipo.OBSERVACIONES,
        candidatura_id=7,
        clave="observaciones:instituto:7:curricular:1",
        cuestionario="curricular",
        enlaces=[Enlace(titulo="Propuestas", ruta=rubro_path(7, "curricular", "propuestas"))],
    )
    subject, body = render(
        aviso,
        destinatario="Ana",
        candidatura="Ana Pérez (Presidencia municipal)",
        postulante="Partido Ñ",
        public_url="https://conoceles.example.mx/",
    )
    assert subject == "Conóceles: el Instituto hizo observaciones a tu cuestionario"
    assert body.startswith("Hola, Ana:")
    assert "cuestionario curricular de Ana Pérez (Presidencia municipal)" in body
    assert "- Propuestas: https://conoceles.example.mx/captura/candidaturas/7/curricular/propuestas#observacion" in body
    assert body.endswith("no lo respondas.\n")


@pytest.mark.parametrize("tipo", list(Tipo))
def test_every_kind_has_a_spanish_subject_and_body(tipo: Tipo) -> None:
    aviso = Aviso(tipo=tipo, candidatura_id=1, clave="k", cuestionario="identidad", horas=24)
    subject, body = render(aviso, destinatario="X", candidatura="Y (Z)", postulante="W", public_url="http://h")
    assert subject.startswith("Conóceles: ") and "{" not in subject + body
    assert "Hola, X:" in body


def test_a_link_outside_captura_is_refused() -> None:
    with pytest.raises(ValidationError):
        Enlace(titulo="x", ruta="//evil.example/captura/")
    with pytest.raises(ValidationError):
        Enlace(titulo="x", ruta="/cuenta/salir")


def test_the_nearest_reminder_is_due_only_while_the_capture_is_open() -> None:
    fin = NOW + timedelta(hours=30)
    assert reminder_due(_proceso(fin), NOW) == 48
    assert reminder_due(_proceso(fin), fin - timedelta(hours=23)) == 24
    assert reminder_due(_proceso(fin), fin - timedelta(hours=49)) is None
    assert reminder_due(_proceso(fin), fin + timedelta(seconds=1)) is None  # closed
    assert reminder_due(_proceso(fin, inicio=NOW + timedelta(hours=1)), NOW) is None  # not open yet
    assert reminder_due(_proceso(None), NOW) is None
    assert reminder_due(_proceso(fin, horas=[]), NOW) is None


def test_the_reminder_hours_setting() -> None:
    assert Configuracion().avisos_plazo_horas == [48, 24]
    assert Configuracion(avisos_plazo_horas=[24, 72, 24]).avisos_plazo_horas == [72, 24]
    with pytest.raises(ValidationError, match="Cada aviso debe ser de 1 a 720 horas"):
        Configuracion(avisos_plazo_horas=[0])
