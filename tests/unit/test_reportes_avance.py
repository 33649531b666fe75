"""Report 1 without a server: situation as of an instant, grouping, percentages, denominators, files, parameters."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from services.reportes import avance, datos, formatos
from services.reportes.avance import Evento, Hecho, Registro, Situacion, porcentaje, situacion, tabla
from services.reportes.parametros import ParametrosError, formato, leer
from tests.pdf_text import pdf_text

T0 = datetime(2024, 4, 20, 18, 0, tzinfo=UTC)
DIA = timedelta(days=1)
REG = Registro(
    candidatura_id=1,
    postulante_id=7,
    postulante="Partido Uno (PU)",
    cargo="PRES_MUN",
    cargo_nombre="Presidencia municipal",
    cargo_orden=3,
    ambito="Morelia",
    sexo="mujer",
    estatus="registrada",
    created_at=T0 - DIA,
)
ENCABEZADO = formatos.Encabezado("Instituto de Prueba", "Proceso 2024", date(2024, 4, 26), "Cifras del corte.")


def _s(**cambios: object) -> Situacion:
    base = situacion(REG, [], [], T0)
    assert base is not None
    return replace(base, **cambios)  # type: ignore[arg-type]


def test_a_candidacy_not_yet_registered_is_not_counted() -> None:
    assert situacion(REG, [], [], REG.created_at) is None
    assert situacion(REG, [], [], REG.created_at + timedelta(seconds=1)) is not None


def test_the_situation_counts_only_what_happened_before_the_cut_off() -> None:
    eventos = [
        Evento("curricular", "en_captura", T0),
        Evento("curricular", "enviado", T0 + DIA),
        Evento("curricular", "con_observaciones", T0 + 2 * DIA),
        Evento("identidad", "enviado", T0 + 2 * DIA),
        Evento("curricular", "enviado", T0 + 3 * DIA),
        Evento("curricular", "validado", T0 + 4 * DIA),
        Evento("curricular", "publicado", T0 + 5 * DIA),
        Evento("curricular", "pausado", T0 + 6 * DIA),
    ]
    hechos = [Hecho("cuenta_entregada", T0), Hecho("consentimiento_cargado", T0 + 2 * DIA)]

    def at(n: int) -> Situacion:
        s = situacion(REG, eventos, hechos, T0 + n * DIA + timedelta(hours=1))
        assert s is not None
        return s

    assert (at(0).cuenta, at(0).curricular_enviado, at(0).consentimiento) == (True, False, False)
    assert at(1).curricular_enviado and not at(1).con_observaciones
    # Returned with observations: still submitted, and "with observations" while it stands so.
    assert at(2).curricular_enviado and at(2).con_observaciones and at(2).identidad_enviado and at(2).consentimiento
    assert not at(3).con_observaciones and not at(3).validado
    assert at(4).validado and not at(4).publicado
    assert at(5).publicado
    # Paused: off the public site, so no longer published; it was validated all the same.
    assert at(6).validado and not at(6).publicado


def test_events_at_the_same_instant_keep_the_order_they_were_recorded_in() -> None:
    eventos = [Evento("curricular", "enviado", T0), Evento("curricular", "con_observaciones", T0)]
    s = situacion(REG, eventos, [], T0 + DIA)
    assert s is not None and s.con_observaciones


def test_rows_totals_and_percentages() -> None:
    filas = [
        _s(candidatura_id=1, cuenta=True, curricular_enviado=True),
        _s(candidatura_id=2, cuenta=True),
        _s(candidatura_id=3),
        _s(candidatura_id=4, cargo="REG_MR", cargo_nombre="Regiduría", cargo_orden=5, validado=True),
        _s(candidatura_id=5, postulante_id=2, postulante="Alianza (AL)", publicado=True, validado=True),
    ]
    resultado = tabla(filas)
    assert [(f.postulante, f.cargo, f.registradas) for f in resultado.filas] == [
        ("Alianza (AL)", "Presidencia municipal", 1),
        ("Partido Uno (PU)", "Presidencia municipal", 3),
        ("Partido Uno (PU)", "Regiduría", 1),
    ]
    pu = resultado.filas[1]
    assert pu.cuentas["cuenta"] == 2 and pu.porcentaje("cuenta") == "66.7 %"
    assert pu.porcentaje("curricular_enviado") == "33.3 %"
    assert resultado.total.registradas == 5
    assert resultado.total.cuentas["validado"] == 2 and resultado.total.porcentaje("validado") == "40.0 %"
    assert resultado.aparte == []


def test_sustituidas_and_canceladas_stay_out_of_the_denominators_and_are_listed_apart() -> None:
    filas = [
        _s(candidatura_id=1, cuenta=True),
        _s(candidatura_id=2, estatus="sustituida", cuenta=True),
        _s(candidatura_id=3, estatus="cancelada"),
        _s(candidatura_id=4, estatus="cancelada"),
    ]
    resultado = tabla(filas)
    assert resultado.total.registradas == 1 and resultado.total.porcentaje("cuenta") == "100.0 %"
    assert [(a.estatus, a.total) for a in resultado.aparte] == [("Cancelada", 2), ("Sustituida", 1)]


def test_the_optional_breakdowns() -> None:
    filas = [
        _s(candidatura_id=1, sexo="mujer", ambito="Morelia"),
        _s(candidatura_id=2, sexo="hombre", ambito="Morelia"),
        _s(candidatura_id=3, sexo="mujer", ambito="Zamora"),
    ]
    assert len(tabla(filas).filas) == 1
    por_sexo = tabla(filas, ["sexo"])
    assert [(f.sexo, f.registradas) for f in por_sexo.filas] == [("Hombre", 1), ("Mujer", 2)]
    assert por_sexo.encabezados() == ["Postulante", "Cargo", "Sexo"]
    ambos = tabla(filas, ["sexo", "ambito"])
    assert ambos.encabezados() == ["Postulante", "Cargo", "Ámbito", "Sexo"]
    esperado = [["Morelia", "Hombre"], ["Morelia", "Mujer"], ["Zamora", "Mujer"]]
    assert [f.etiquetas()[2:] for f in ambos.filas] == esperado


def test_percentage_of_nothing_is_a_dash() -> None:
    assert porcentaje(0, 0) == "—"
    assert tabla([]).total.porcentaje("cuenta") == "—"


def test_the_snapshot_sql_lists_every_field_of_a_situation() -> None:
    columnas = re.search(r"SELECT (.*?)\s+FROM", datos.CORTE_FILAS_SQL, re.S)
    assert columnas is not None
    assert [c.strip() for c in columnas.group(1).split(",")] == [f.name for f in fields(Situacion)]


def test_the_cut_off_is_the_end_of_the_local_day() -> None:
    tz = ZoneInfo("America/Mexico_City")
    assert datos.fin_del_dia(date(2024, 4, 26), tz) == datetime(2024, 4, 27, 6, 0, tzinfo=UTC)
    assert datos.fin_del_dia(date(2024, 4, 26), ZoneInfo("America/Tijuana")) == datetime(2024, 4, 27, 7, tzinfo=UTC)


def test_a_cut_off_in_the_future_or_before_the_process_is_refused_in_spanish() -> None:
    hoy = date(2024, 4, 26)
    datos.validar_fecha(hoy, hoy, date(2024, 3, 1))
    with pytest.raises(datos.FechaDeCorteError, match="posterior a hoy"):
        datos.validar_fecha(hoy + DIA, hoy, None)
    with pytest.raises(datos.FechaDeCorteError, match="anterior al inicio del proceso"):
        datos.validar_fecha(date(2024, 2, 28), hoy, date(2024, 3, 1))


@pytest.mark.parametrize("valor", ["26/04/2024", "1714000000", "2024-13-01", "mañana", "2024-04-26T00:00"])
def test_a_malformed_date_is_a_field_error(valor: str) -> None:
    with pytest.raises(ParametrosError) as error:
        leer({"fecha": valor}, date(2024, 4, 26))
    assert list(error.value.errores) == ["fecha"]


def test_the_parameters_of_the_form() -> None:
    hoy = date(2024, 4, 26)
    assert leer({}, hoy).fecha == hoy
    p = leer({"fecha": "2024-04-01", "sexo": "1", "ambito": "1", "postulante": "12"}, hoy)
    assert p.desglose == ("ambito", "sexo") and p.postulante == 12
    assert p.query() == {"fecha": "2024-04-01", "ambito": "1", "sexo": "1", "postulante": "12"}
    assert p.guardados() == {"fecha": "2024-04-01", "desglose": ["ambito", "sexo"], "postulante": 12}
    for malo in ("abc", "0", "99999999999"):
        with pytest.raises(ParametrosError) as error:
            leer({"postulante": malo}, hoy)
        assert list(error.value.errores) == ["postulante"]
    with pytest.raises(ParametrosError):
        formato("docx")


def _tabla_de_prueba() -> avance.Tabla:
    return tabla(
        [
            _s(candidatura_id=1, postulante='=HYPERLINK("http://x")', cuenta=True),
            _s(candidatura_id=2, cuenta=True, curricular_enviado=True),
            _s(candidatura_id=3, estatus="cancelada"),
        ]
    )


def test_the_csv_has_the_heading_the_rows_the_total_and_the_rows_apart_and_no_formula() -> None:
    texto = formatos.csv_bytes(ENCABEZADO, _tabla_de_prueba()).decode("utf-8-sig")
    filas = list(csv.reader(io.StringIO(texto)))
    assert filas[0] == ["Instituto de Prueba"] and ["Fecha de corte: 26/04/2024"] in filas
    cabeza = filas.index(formatos.encabezado_tabla(_tabla_de_prueba()))
    cuerpo = filas[cabeza + 1 :]
    assert cuerpo[0][0] == '\'=HYPERLINK("http://x")'
    total = next(f for f in cuerpo if f and f[0] == "Total")
    assert total[2:5] == ["2", "2", "100.0 %"]
    assert ["Partido Uno (PU)", "Presidencia municipal", "Cancelada", "1"] in cuerpo


def test_the_same_table_gives_the_same_bytes_in_every_format() -> None:
    for f in ("csv", "xlsx", "pdf"):
        assert formatos.construir(f, ENCABEZADO, _tabla_de_prueba()) == formatos.construir(
            f, ENCABEZADO, _tabla_de_prueba()
        ), f


def test_the_xlsx_opens_with_its_rows_and_fixed_dates() -> None:
    data = formatos.xlsx_bytes(ENCABEZADO, _tabla_de_prueba())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {formatos.FIJA}
        assert b"1980-01-01T00:00:00Z" in z.read("docProps/core.xml")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    valores = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["Instituto de Prueba"] in valores
    assert any(row[:1] == ["Total"] for row in valores)


def test_the_pdf_has_the_heading_the_chart_the_total_and_page_numbers() -> None:
    texto = pdf_text(formatos.pdf_bytes(ENCABEZADO, _tabla_de_prueba()))
    for esperado in ("Instituto de Prueba", "Avance cuantitativo de la captura al 26/04/2024", "Total", "Página 1"):
        assert esperado in texto, esperado
    assert "100.0 % (2 de 2)" in texto  # the chart's value for delivered accounts
    assert "Cancelada" in texto


def test_a_report_of_zero_rows_still_makes_every_file() -> None:
    vacia = tabla([])
    for f in ("csv", "xlsx", "pdf"):
        assert formatos.construir(f, ENCABEZADO, vacia)
    assert "Total" in pdf_text(formatos.pdf_bytes(ENCABEZADO, vacia))


def test_the_pdf_draws_the_configured_logo_only_from_a_local_png_or_jpeg() -> None:
    from PIL import Image

    from services.reportes.jobs import logo

    for ruta in ("", "/static/favicon.svg", "https://iem.example/logo.png", "/static/../../../etc/hosts.png"):
        assert logo(ruta) is None, ruta
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), (90, 30, 110)).save(buffer, "PNG")
    con_logo = replace(ENCABEZADO, logo=buffer.getvalue())
    assert formatos.pdf_bytes(con_logo, tabla([])) != formatos.pdf_bytes(ENCABEZADO, tabla([]))
    assert b"/Subtype /Image" in formatos.pdf_bytes(con_logo, tabla([]))
