"""The rule book of captura (services/captura/reglas.py): window, state, corrections and the party step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.captura.domain import LOCKED_REASONS
from services.captura.reglas import (
    ESPERA_PARTIDO,
    FOTO_RUBRO,
    SOLO_CORREGIBLES,
    YA_ENVIADO,
    YA_VALIDADO,
    Accion,
    Situacion,
    can_do,
    can_edit,
)
from services.common.plazos import Ventana

NOW = datetime(2024, 4, 10, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
OPEN = Ventana(NOW - DAY, NOW + DAY)
CLOSED = Ventana(NOW - 2 * DAY, NOW - DAY)
NOT_YET = Ventana(NOW + DAY, NOW + 2 * DAY)
EXTENDED = Ventana(NOW - 2 * DAY, NOW - DAY, NOW + DAY)


@pytest.mark.parametrize("estado", ["pendiente", "en_captura", "con_observaciones"])
def test_open_window_and_editable_state_allow_every_rubro_and_the_submit(estado: str) -> None:
    situacion = Situacion(OPEN, estado)
    assert can_edit(situacion, NOW, "propuestas").allowed
    assert can_edit(situacion, NOW, FOTO_RUBRO).allowed
    assert can_edit(situacion, NOW).allowed


@pytest.mark.parametrize("ventana", [CLOSED, NOT_YET])
@pytest.mark.parametrize("estado", ["pendiente", "en_captura", "con_observaciones", "en_correccion"])
def test_outside_the_window_nothing_is_editable(ventana: Ventana, estado: str) -> None:
    situacion = Situacion(ventana, estado, frozenset({"propuestas"}))
    for rubro in ("propuestas", FOTO_RUBRO, None):
        decision = can_edit(situacion, NOW, rubro)
        assert not decision.allowed
        assert decision.reason.startswith(("La captura cerró el", "La captura todavía no empieza"))


def test_a_prorroga_reopens_and_its_end_closes_again() -> None:
    assert can_edit(Situacion(EXTENDED, "en_captura"), NOW, "propuestas").allowed
    after = can_edit(Situacion(EXTENDED, "en_captura"), NOW + 2 * DAY, "propuestas")
    assert not after.allowed and after.reason.startswith("La prórroga de captura de esta candidatura terminó")


@pytest.mark.parametrize(
    ("estado", "reason"),
    [
        ("enviado", YA_ENVIADO),
        ("revision_partido", ESPERA_PARTIDO),
        ("validado", YA_VALIDADO),
        ("publicado", LOCKED_REASONS["publicado"]),
    ],
)
def test_a_submitted_questionnaire_waits(estado: str, reason: str) -> None:
    assert can_edit(Situacion(OPEN, estado), NOW, "propuestas").reason == reason
    assert can_edit(Situacion(OPEN, estado), NOW).reason == reason


@pytest.mark.parametrize("estado", ["pausado", "retirado", "desconocido"])
def test_paused_retired_or_unknown_states_are_not_editable(estado: str) -> None:
    assert not can_edit(Situacion(OPEN, estado), NOW, "propuestas").allowed


def test_a_correction_opens_only_its_rubros_and_the_photo_only_with_rubro_1() -> None:
    propuestas = Situacion(OPEN, "en_correccion", frozenset({"propuestas"}))
    assert can_edit(propuestas, NOW, "propuestas").allowed
    assert can_edit(propuestas, NOW, "trayectoria") == can_edit(propuestas, NOW, FOTO_RUBRO)
    assert can_edit(propuestas, NOW, FOTO_RUBRO).reason == SOLO_CORREGIBLES
    assert can_edit(propuestas, NOW).allowed  # the corrected version may be submitted
    contacto = Situacion(OPEN, "en_correccion", frozenset({"contacto"}))
    assert can_edit(contacto, NOW, FOTO_RUBRO).allowed


def test_other_writes_follow_the_window() -> None:
    for accion in (Accion.DOCUMENTO, Accion.OTORGAR, Accion.CORRECCION, Accion.PARTIDO_DEVOLVER):
        assert can_do(OPEN, NOW, accion).allowed
        assert can_do(EXTENDED, NOW, accion).allowed
        assert not can_do(CLOSED, NOW, accion).allowed
        assert not can_do(NOT_YET, NOW, accion).allowed
    assert "no otorgar nuevas" in can_do(CLOSED, NOW, Accion.OTORGAR).reason
    assert "apruébala o pide al Instituto una prórroga" in can_do(CLOSED, NOW, Accion.PARTIDO_DEVOLVER).reason


def test_withdrawing_consent_and_the_party_approval_never_wait_for_the_window() -> None:
    for ventana in (OPEN, CLOSED, NOT_YET):
        assert can_do(ventana, NOW, Accion.REVOCAR).allowed
        assert can_do(ventana, NOW, Accion.PARTIDO_APROBAR).allowed
