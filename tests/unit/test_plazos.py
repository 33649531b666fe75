"""The capture window of a candidacy (services/common/plazos.py): dates, prórrogas and what people read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.common.plazos import Momento, Ventana, deadline_text, fecha_hora, motivo_cerrada

# 12:00 in the process's zone (America/Mexico_City, UTC-6): every deadline is written in that zone.
NOW = datetime(2024, 4, 10, 18, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def test_deadline_says_the_time_left() -> None:
    ventana = Ventana(None, NOW + timedelta(days=2, hours=3))
    assert deadline_text(ventana, NOW) == (
        "La captura cierra el 12/04/2024 a las 15:00 (hora del centro); quedan 2 días y 3 horas."
    )
    fin = NOW + timedelta(days=2, hours=3)
    assert "quedan 45 minutos" in (deadline_text(ventana, fin - timedelta(minutes=45)) or "")
    assert (
        deadline_text(ventana, fin + timedelta(seconds=1))
        == "La captura cerró el 12/04/2024 a las 15:00 (hora del centro)."
    )
    assert (
        deadline_text(Ventana(NOW + WEEK, NOW + 2 * WEEK), NOW)
        == "La captura abre el 17/04/2024 a las 12:00 (hora del centro)."
    )
    assert deadline_text(Ventana(None, None), NOW) is None and deadline_text(None, NOW) is None


def test_a_prorroga_moves_the_close_later_only() -> None:
    later = Ventana(None, NOW - WEEK, NOW + WEEK)
    assert later.cierre == NOW + WEEK and later.con_prorroga and later.abierta(NOW)
    assert (
        deadline_text(later, NOW)
        == "La captura cierra el 17/04/2024 a las 12:00 (hora del centro) (con prórroga); quedan 7 días y 0 horas."
    )
    earlier = Ventana(None, NOW + WEEK, NOW - WEEK)
    assert earlier.cierre == NOW + WEEK and not earlier.con_prorroga
    # Without a close there is nothing to extend; a prórroga never opens the window before it starts.
    assert Ventana(None, None, NOW - WEEK).abierta(NOW)
    assert Ventana(NOW + WEEK, NOW + 2 * WEEK, NOW + 3 * WEEK).momento(NOW) is Momento.ANTES


def test_the_window_includes_its_last_minute() -> None:
    ventana = Ventana(NOW - WEEK, NOW)
    assert ventana.abierta(NOW) and ventana.abierta(NOW - WEEK)
    assert ventana.momento(NOW + timedelta(microseconds=1)) is Momento.CERRADA
    assert ventana.momento(NOW - WEEK - timedelta(microseconds=1)) is Momento.ANTES


def test_why_a_candidacy_may_not_write() -> None:
    assert motivo_cerrada(Ventana(NOW - WEEK, NOW + WEEK), NOW) is None
    closed = motivo_cerrada(Ventana(None, NOW - WEEK), NOW) or ""
    assert closed.startswith("La captura cerró el 03/04/2024 a las 12:00") and "prórroga" in closed
    expired = motivo_cerrada(Ventana(None, NOW - 2 * WEEK, NOW - WEEK), NOW) or ""
    assert expired.startswith("La prórroga de captura de esta candidatura terminó el 03/04/2024")
    early = motivo_cerrada(Ventana(NOW + WEEK, None), NOW) or ""
    assert early == "La captura todavía no empieza: abre el 17/04/2024 a las 12:00 (hora del centro)."


def test_every_deadline_is_written_by_one_function() -> None:
    last_minute = datetime(2024, 5, 31, 23, 59, tzinfo=UTC)
    assert fecha_hora(last_minute, "America/Mexico_City") == "31/05/2024 a las 17:59 (hora del centro)"
    assert fecha_hora(last_minute, "America/Tijuana").startswith("31/05/2024 a las 16:59")


def test_the_time_left_reads_in_singular_and_plural() -> None:
    fin = NOW + timedelta(days=2, hours=3)
    ventana = Ventana(None, fin)
    assert "queda 1 hora." in (deadline_text(ventana, fin - timedelta(minutes=90)) or "")
    assert "queda 1 minuto." in (deadline_text(ventana, fin - timedelta(seconds=90)) or "")
    tijuana = Ventana(None, fin, zona="America/Tijuana")
    assert (deadline_text(tijuana, NOW) or "").startswith(
        "La captura cierra el 12/04/2024 a las 14:00 (hora del noroeste);"
    )
