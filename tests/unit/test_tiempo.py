"""The one place that converts stored UTC instants to the process's zone and back."""

from __future__ import annotations

from datetime import UTC, date, datetime

import jinja2
import pytest

from services.common import tiempo
from services.common.plural import contar

CDMX = tiempo.zona("America/Mexico_City")  # UTC-6 all year since 2022
TIJUANA = tiempo.zona("America/Tijuana")  # follows the US daylight saving time


def test_a_utc_instant_is_shown_in_the_process_zone() -> None:
    cierre = datetime(2024, 3, 15, 21, 0, tzinfo=UTC)
    assert tiempo.format_fecha_hora(cierre, CDMX) == "15/03/2024 a las 15:00"
    assert tiempo.format_fecha_hora(cierre, CDMX, conector=" ") == "15/03/2024 15:00"
    assert tiempo.format_fecha_hora(cierre, CDMX, conector=" ", segundos=True) == "15/03/2024 15:00:00"
    assert tiempo.format_input(cierre, CDMX) == "2024-03-15T15:00"
    assert tiempo.format_iso(cierre, CDMX) == "2024-03-15T15:00:00-06:00"
    # Tijuana is already on daylight time (UTC-7) on 15 March 2024.
    assert tiempo.format_fecha_hora(cierre, TIJUANA) == "15/03/2024 a las 14:00"


def test_the_local_day_can_differ_from_the_utc_day() -> None:
    late = datetime(2024, 3, 16, 3, 30, tzinfo=UTC)
    assert tiempo.format_fecha(late, CDMX) == "15/03/2024"
    assert tiempo.today(late, CDMX) == date(2024, 3, 15)
    # A bare date has no zone: shown as it is.
    assert tiempo.format_fecha(date(1980, 1, 31), TIJUANA) == "31/01/1980"
    assert tiempo.format_fecha(None, CDMX) == "" and tiempo.format_fecha_hora(None, CDMX) == ""


def test_a_naive_value_is_read_as_utc() -> None:
    assert tiempo.format_fecha_hora(datetime(2024, 3, 15, 21, 0), CDMX) == "15/03/2024 a las 15:00"


def test_a_typed_local_time_is_stored_as_utc() -> None:
    assert tiempo.parse_local("2024-03-15T15:00", CDMX) == datetime(2024, 3, 15, 21, 0, tzinfo=UTC)
    assert tiempo.parse_local("2024-01-15T15:00", TIJUANA) == datetime(2024, 1, 15, 23, 0, tzinfo=UTC)  # PST
    assert tiempo.parse_local("2024-07-15T15:00", TIJUANA) == datetime(2024, 7, 15, 22, 0, tzinfo=UTC)  # PDT
    assert tiempo.parse_local(" 2024-07-15T15:00:30 ", TIJUANA).second == 30


def test_daylight_saving_edges() -> None:
    # 10 March 2024, 02:00 → 03:00 in Tijuana: 02:30 never happens.
    with pytest.raises(ValueError, match="no existe"):
        tiempo.parse_local("2024-03-10T02:30", TIJUANA)
    # 3 November 2024, 01:00-02:00 happens twice: the first one (still UTC-7) is taken.
    assert tiempo.parse_local("2024-11-03T01:30", TIJUANA) == datetime(2024, 11, 3, 8, 30, tzinfo=UTC)
    # Since 2022 the centre has no daylight time: those hours exist there.
    assert tiempo.parse_local("2024-04-07T02:30", CDMX) == datetime(2024, 4, 7, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["", "mañana", "2024-03-15", "2024-03-15T15:00+00:00", "2024-02-30T10:00", "9999-12-31T23:59", "\x00"]
)
def test_what_is_not_a_local_datetime_is_refused_in_spanish(text: str) -> None:
    with pytest.raises(ValueError, match=r"Escribe una fecha y hora válidas\."):
        tiempo.parse_local(text, CDMX)  # 9999-12-31T23:59 in UTC-6 is past the last representable instant


@pytest.mark.parametrize("name", ["", "Mexico", "America/Morelia", "../etc/passwd", "America/Mexico_City\x00", "UTC "])
def test_only_iana_zone_names_are_accepted(name: str) -> None:
    with pytest.raises(tiempo.ZonaInvalidaError, match="zona horaria"):
        tiempo.zona(name)


def test_zone_labels() -> None:
    assert tiempo.etiqueta("America/Mexico_City") == "hora del centro (America/Mexico_City)"
    assert tiempo.nombre_zona("America/Mexico_City") == "hora del centro"
    assert tiempo.etiqueta("Europe/Madrid") == "Europe/Madrid"
    cierre = datetime(2024, 3, 15, 21, 0, tzinfo=UTC)
    assert tiempo.format_fecha_hora_zona(cierre, "America/Tijuana") == "15/03/2024 a las 14:00 (hora del noroeste)"


def test_template_filters_use_the_zone_of_the_context() -> None:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    tiempo.register_filters(env)
    template = env.from_string("{{ t | fecha_hora }}|{{ t | fecha_hora_breve }}|{{ t | fecha }}|{{ t | fecha_input }}")
    cierre = datetime(2024, 3, 15, 21, 0, tzinfo=UTC)
    assert template.render(t=cierre, zona=CDMX) == "15/03/2024 a las 15:00|15/03/2024 15:00|15/03/2024|2024-03-15T15:00"
    assert template.render(t=cierre, zona=TIJUANA).startswith("15/03/2024 a las 14:00|")
    with pytest.raises(RuntimeError):
        template.render(t=cierre)  # no zone in the context is a bug, never a silent UTC


def test_counts_agree_with_their_noun() -> None:
    assert contar(1, "candidatura encontrada", "candidaturas encontradas") == "1 candidatura encontrada"
    assert contar(0, "candidatura encontrada", "candidaturas encontradas") == "0 candidaturas encontradas"
    assert contar(2500, "candidatura", "candidaturas") == "2,500 candidaturas"
