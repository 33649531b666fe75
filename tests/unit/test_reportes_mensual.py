"""Report 3 (informe mensual) and the visit counters, pure parts: month bounds in the process zone, activity
counts, the median wait, overdue items, daily use, the files, and what a public answer counts as."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.publico import visitas
from services.reportes import mensual, mensual_formatos, mensual_parametros
from services.reportes.avance import Evento, tabla
from services.reportes.datos import Corte
from services.reportes.mensual_datos import Informe
from services.reportes.parametros import ParametrosError

TZ = ZoneInfo("America/Mexico_City")  # any zone west of UTC shows the bounds are local, not UTC


def at(dia: int, hora: int = 12, mes: int = 4) -> datetime:
    return datetime(2024, mes, dia, hora, tzinfo=TZ)


def test_a_month_is_read_from_its_year_and_month() -> None:
    assert mensual.leer_mes("2024-04") == date(2024, 4, 1)
    assert mensual.leer_mes(" 2024-12 ") == date(2024, 12, 1)
    for malo in ("2024-13", "2024-00", "abril", "2024-4", "2024-04-01", ""):
        with pytest.raises(mensual.MesError, match="año y mes"):
            mensual.leer_mes(malo)


def test_the_month_bounds_are_local_midnights_of_the_process_zone() -> None:
    desde, hasta = mensual.limites(date(2024, 4, 1), TZ)
    assert desde == datetime(2024, 4, 1, 6, tzinfo=UTC)  # UTC-6 in Mexico City
    assert hasta == datetime(2024, 5, 1, 6, tzinfo=UTC)
    desde, hasta = mensual.limites(date(2024, 12, 1), TZ)
    assert hasta.date() == date(2025, 1, 1)
    assert mensual.ultimo_dia(date(2024, 2, 1)) == date(2024, 2, 29)
    assert mensual.nombre(date(2024, 4, 1)) == "abril de 2024"


def test_a_month_outside_the_process_is_refused_with_a_message() -> None:
    hoy, inicio = date(2024, 4, 15), date(2023, 11, 20)
    mensual.validar_mes(date(2024, 4, 1), hoy, inicio)  # the current month
    mensual.validar_mes(date(2023, 11, 1), hoy, inicio)  # the month the process started
    with pytest.raises(mensual.MesError, match="aún no empieza"):
        mensual.validar_mes(date(2024, 5, 1), hoy, inicio)
    with pytest.raises(mensual.MesError, match="anterior al inicio del proceso"):
        mensual.validar_mes(date(2023, 10, 1), hoy, inicio)


def eventos() -> list[tuple[int, Evento]]:
    return [
        (1, Evento("curricular", "enviado", at(28, mes=3))),  # submitted in March, reviewed in April
        (1, Evento("curricular", "validado", at(2))),
        (2, Evento("curricular", "enviado", at(3))),
        (2, Evento("curricular", "con_observaciones", at(3, 16))),  # 4 h
        (2, Evento("curricular", "enviado", at(5))),
        (2, Evento("curricular", "validado", at(7))),  # 2 days
        (2, Evento("curricular", "publicado", at(8))),
        (3, Evento("identidad", "enviado", at(10))),  # waiting at the close: overdue
        (4, Evento("curricular", "enviado", at(29))),  # waiting, not overdue yet
        (5, Evento("curricular", "en_correccion", at(30, 23))),  # still April locally, May in UTC
        (6, Evento("curricular", "enviado", at(1, 0, mes=5))),  # May: not counted
    ]


def test_activity_counts_the_state_changes_of_the_month_by_questionnaire() -> None:
    desde, hasta = mensual.limites(date(2024, 4, 1), TZ)
    actividad = mensual.actividad(eventos(), guardados=7, sustituciones=2, desde=desde, hasta=hasta)
    assert actividad.total("Respuestas guardadas") == 7
    assert actividad.total("Envíos a validación") == 4
    assert actividad.total("Devoluciones con observaciones") == 1
    assert actividad.total("Validaciones") == 2
    assert actividad.total("Publicaciones") == 1
    assert actividad.total("Correcciones abiertas") == 1
    assert actividad.total("Sustituciones registradas") == 2
    envios = next(f for f in actividad.filas if f[0] == "Envíos a validación")
    assert envios[1:] == (3, 1, 4)
    assert not actividad.vacia
    assert mensual.actividad([], 0, 0, desde, hasta).vacia


def test_the_median_wait_is_of_the_reviews_made_in_the_month() -> None:
    desde, hasta = mensual.limites(date(2024, 4, 1), TZ)
    op = mensual.oportunidad(eventos(), desde, hasta)
    # Reviews in April: 5 days (28 March → 2 April), 4 hours, 2 days: the median is 2 days.
    assert op.revisiones == 3
    assert op.mediana == timedelta(days=2)
    assert op.pendientes == 2
    assert op.vencidos == 1  # the identity submitted on the 10th; the one of the 29th waits under 3 days
    assert mensual.mediana([timedelta(hours=1), timedelta(hours=3)]) == timedelta(hours=2)
    assert mensual.mediana([]) is None


def test_a_review_without_a_submission_before_it_is_not_a_wait() -> None:
    solo = [(9, Evento("curricular", "validado", at(4)))]
    assert mensual.revisiones(solo) == []


def test_waits_are_said_as_people_say_them() -> None:
    assert mensual.duracion(None) == "—"
    assert mensual.duracion(timedelta(minutes=40)) == "40 min"
    assert mensual.duracion(timedelta(hours=5, minutes=20)) == "5 h 20 min"
    assert mensual.duracion(timedelta(days=1, hours=3)) == "1 día 3 h"
    assert mensual.duracion(timedelta(days=2)) == "2 días 0 h"


def test_daily_use_has_every_day_up_to_today_with_zeros() -> None:
    conteos = {(date(2024, 4, 2), "pagina"): 10, (date(2024, 4, 2), "descarga"): 3, (date(2024, 4, 5), "pagina"): 1}
    uso = mensual.uso(date(2024, 4, 1), date(2024, 4, 5), conteos)
    assert [d.fecha.day for d in uso.dias] == [1, 2, 3, 4, 5]
    assert (uso.paginas, uso.descargas) == (11, 3)
    assert len(mensual.uso(date(2024, 4, 1), date(2024, 6, 1), {}).dias) == 30


def test_incidents_are_trimmed_and_limited() -> None:
    assert mensual.validar_incidencias("  Falla de luz\r\nel día 3  ") == "Falla de luz\nel día 3"
    assert mensual.validar_incidencias("") == ""
    with pytest.raises(mensual.MesError, match="caben en"):
        mensual.validar_incidencias("x" * (mensual.INCIDENCIAS_MAX + 1))
    with pytest.raises(mensual.MesError):
        mensual.validar_incidencias("a\x00b")


def informe(incidencias: str = "Corte de luz el 3 de abril.") -> Informe:
    desde, hasta = mensual.limites(date(2024, 4, 1), TZ)
    ev = eventos()
    return Informe(
        mes=date(2024, 4, 1),
        proceso="Proceso de prueba",
        desde=desde,
        hasta=hasta,
        en_curso=False,
        actividad=mensual.actividad(ev, 7, 2, desde, hasta),
        oportunidad=mensual.oportunidad(ev, desde, hasta),
        uso=mensual.uso(date(2024, 4, 1), date(2024, 4, 30), {(date(2024, 4, 2), "pagina"): 10}),
        incidencias=incidencias,
        incidencias_at=None,
        avance=tabla([], ()),
        corte=Corte(date(2024, 4, 30), hasta, parcial=False, congelado=False),
    )


def test_the_files_carry_every_section_and_are_deterministic() -> None:
    cabeza = mensual_formatos.lineas("Instituto de prueba", informe(), None)
    assert "Mes: abril de 2024" in cabeza
    texto = mensual_formatos.csv_bytes(cabeza, informe()).decode("utf-8-sig")
    filas = list(csv.reader(io.StringIO(texto)))
    assert ["Envíos a validación", "3", "1", "4"] in filas
    assert ["Mediana del envío a la revisión", "2 días 0 h"] in filas
    assert ["Total", "10", "0"] in filas
    assert ["Corte de luz el 3 de abril."] in filas
    xlsx = mensual_formatos.xlsx_bytes(cabeza, informe())
    assert xlsx == mensual_formatos.xlsx_bytes(cabeza, informe())
    with zipfile.ZipFile(io.BytesIO(xlsx)) as libro:
        assert any("Corte de luz" in libro.read(n).decode() for n in libro.namelist() if n.endswith(".xml"))
    uno = mensual_formatos.pdf_bytes(cabeza, informe(), None)
    assert uno.startswith(b"%PDF") and uno == mensual_formatos.pdf_bytes(cabeza, informe(), None)
    sin = mensual_formatos.csv_bytes(cabeza, informe(""))
    assert "Sin incidencias registradas." in sin.decode("utf-8-sig")


@pytest.mark.parametrize(
    ("method", "path", "ruta", "status", "tipo", "agente", "esperado"),
    [
        ("GET", "/", "inicio", 200, "text/html", "Mozilla/5.0", "pagina"),
        ("GET", "/candidaturas/7", "perfil", 304, "application/octet-stream", "Mozilla/5.0", "pagina"),
        ("GET", "/datos/3/candidaturas.csv", "datos-archivo", 200, "text/csv", "curl/8", "descarga"),
        ("GET", "/datos/diccionario.csv", "datos-diccionario-csv", 200, "text/csv", "", "descarga"),
        ("GET", "/datos/3/candidaturas.csv", "datos-archivo", 304, "text/csv", "", None),
        ("HEAD", "/", "inicio", 200, "text/html", "Mozilla/5.0", None),
        ("GET", "/no-existe", None, 404, "text/html", "Mozilla/5.0", None),
        ("GET", "/api/v1/candidaturas", "api-candidaturas", 200, "application/json", "", None),
        ("GET", "/static/app.css", None, 200, "text/css", "", None),
        ("GET", "/media/x.jpg", "media", 304, "image/jpeg", "", None),
        ("GET", "/", "inicio", 200, "text/html", "Mozilla/5.0 (compatible; Googlebot/2.1)", None),
        ("GET", "/candidaturas/7.pdf", "ficha", 200, "application/pdf", "Mozilla/5.0", None),
        ("GET", "/candidaturas/7.pdf", "ficha", 304, "application/octet-stream", "Mozilla/5.0", None),
    ],
)
def test_what_a_public_answer_counts_as(
    method: str, path: str, ruta: str | None, status: int, tipo: str, agente: str, esperado: str | None
) -> None:
    assert visitas.tipo_de(method, path, ruta, status, tipo, agente) == esperado


def test_a_counter_key_names_only_the_day_and_the_kind() -> None:
    key = visitas.clave(date(2024, 4, 2), "descarga")
    assert key == "publico:visitas:2024-04-02:descarga"
    assert visitas.leer_clave(key) == (date(2024, 4, 2), "descarga")
    assert visitas.leer_clave("publico:visitas:ayer:pagina") is None
    assert visitas.leer_clave("publico:cache:3:/") is None


def test_the_form_is_read_once_with_messages_for_each_field() -> None:
    hoy = date(2024, 4, 15)
    assert mensual_parametros.leer({}, hoy).mes == date(2024, 4, 1)
    leidos = mensual_parametros.leer({"mes": "2024-03", "postulante": " 7 "}, hoy)
    assert (leidos.mes, leidos.postulante) == (date(2024, 3, 1), 7)
    with pytest.raises(ParametrosError) as malo:
        mensual_parametros.leer({"mes": "marzo"}, hoy)
    assert list(malo.value.errores) == ["mes"]
    for postulante in ("abc", "0", "99999999999"):
        with pytest.raises(ParametrosError) as malo:
            mensual_parametros.leer({"postulante": postulante}, hoy)
        assert list(malo.value.errores) == ["postulante"]
    assert mensual_parametros.incidencias(" Falla \r\n") == "Falla"
    with pytest.raises(ParametrosError) as malo:
        mensual_parametros.incidencias("x" * 20_001)
    assert "caben en 20000 caracteres" in malo.value.errores["incidencias"]
