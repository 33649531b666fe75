"""Pure rules behind two captura screens: why a form is read-only, and what the dashboard's ámbito filter means."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.captura.domain import EDITABLE_STATES
from services.captura.reglas import Situacion, can_edit
from services.captura.tablero import ambito_number, parse_filtros
from services.common.estados import STATE_LABELS
from services.common.plazos import SIN_VENTANA


def test_every_locked_state_says_why_and_editable_ones_say_nothing() -> None:
    now = datetime(2024, 4, 10, tzinfo=UTC)
    for estado in STATE_LABELS:
        decision = can_edit(Situacion(SIN_VENTANA, estado), now)
        assert decision.allowed == (estado in EDITABLE_STATES), estado
        assert bool(decision.reason) == (estado not in EDITABLE_STATES), estado
    assert "solicita una corrección" in can_edit(Situacion(SIN_VENTANA, "publicado"), now).reason


@pytest.mark.parametrize(
    ("text", "number"),
    [("10", 10), ("Distrito 10", 10), ("distrito local 7", 7), ("16053", 16053), ("Morelia", None), ("", None)],
)
def test_ambito_number(text: str, number: int | None) -> None:
    assert ambito_number(text) == number


def test_bad_filters_keep_the_good_ones_and_say_what_is_wrong() -> None:
    filtros, errors = parse_filtros({"cargo": "PRES_MUN", "estado": "inventado", "ambito": "Morelia"})
    assert (filtros.cargo, filtros.estado, filtros.ambito) == ("PRES_MUN", None, "Morelia")
    assert list(errors) == ["estado"] and "Elige un estado" in errors["estado"]
    _, errors = parse_filtros({"ambito": "x" * 101})
    assert "hasta 100 caracteres" in errors["ambito"]
