"""The deadlines dashboard's rules: whom a questionnaire waits on, when it is late, how long it waited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gateway.routing import service_for
from services.captura.plazos import forms
from services.captura.plazos.reglas import (
    CORRECCION_SOLICITADA,
    ESTADOS_EN_ESPERA,
    Espera,
    Grupo,
    atrasado,
    boton_recordatorio,
    grupo_de,
    tiempo_de_espera,
)
from services.common.estados import STATE_LABELS
from services.common.menu_cuentas import merge
from services.common.plazos import Ventana

NOW = datetime(2027, 4, 10, 18, 0, tzinfo=UTC)
ESPERA = Espera(dias_partido=3, dias_instituto=5)
ABIERTA = Ventana(NOW - timedelta(days=20), NOW + timedelta(days=2))
CERRADA = Ventana(NOW - timedelta(days=20), NOW - timedelta(hours=1))


@pytest.mark.parametrize(
    ("estado", "grupo"),
    [
        ("pendiente", Grupo.CANDIDATURA),
        ("en_captura", Grupo.CANDIDATURA),
        ("con_observaciones", Grupo.CANDIDATURA),
        ("en_correccion", Grupo.CANDIDATURA),
        ("revision_partido", Grupo.PARTIDO),
        ("enviado", Grupo.INSTITUTO),
        ("correccion_solicitada", Grupo.INSTITUTO),  # a pending correction request: the questionnaire is published
        ("validado", None),
        ("publicado", None),
        ("retirado", None),
        ("pausado", None),
    ],
)
def test_whom_each_state_waits_on(estado: str, grupo: Grupo | None) -> None:
    assert grupo_de(estado) is grupo


def test_every_waiting_state_has_a_label() -> None:
    assert set(ESTADOS_EN_ESPERA) - {CORRECCION_SOLICITADA} <= set(STATE_LABELS)
    assert set(ESTADOS_EN_ESPERA) <= set(forms.ETIQUETAS)


def test_the_candidacy_is_late_only_once_its_window_closed() -> None:
    long_ago = NOW - timedelta(days=60)
    assert not atrasado(Grupo.CANDIDATURA, long_ago, ABIERTA, NOW, ESPERA)
    assert atrasado(Grupo.CANDIDATURA, NOW, CERRADA, NOW, ESPERA)


def test_a_prorroga_keeps_the_candidacy_in_time() -> None:
    con_prorroga = Ventana(CERRADA.inicio, CERRADA.fin, NOW + timedelta(days=1))
    assert not atrasado(Grupo.CANDIDATURA, NOW - timedelta(days=30), con_prorroga, NOW, ESPERA)
    vencida = Ventana(CERRADA.inicio, CERRADA.fin, NOW - timedelta(minutes=1))
    assert atrasado(Grupo.CANDIDATURA, NOW, vencida, NOW, ESPERA)


@pytest.mark.parametrize(("grupo", "dias"), [(Grupo.PARTIDO, 3), (Grupo.INSTITUTO, 5)])
def test_party_and_institute_are_late_after_their_days(grupo: Grupo, dias: int) -> None:
    # The capture window does not matter to them: a submission in time may still wait too long.
    for ventana in (ABIERTA, CERRADA):
        assert not atrasado(grupo, NOW - timedelta(days=dias), ventana, NOW, ESPERA)
        assert atrasado(grupo, NOW - timedelta(days=dias, seconds=1), ventana, NOW, ESPERA)


def test_how_long_an_item_waited_reads_as_people_say_it() -> None:
    assert tiempo_de_espera(NOW - timedelta(days=1, hours=5), NOW) == "1 día"
    assert tiempo_de_espera(NOW - timedelta(days=12), NOW) == "12 días"
    assert tiempo_de_espera(NOW - timedelta(hours=5, minutes=59), NOW) == "5 horas"
    assert tiempo_de_espera(NOW - timedelta(minutes=59), NOW) == "menos de una hora"
    assert tiempo_de_espera(NOW + timedelta(minutes=5), NOW) == "menos de una hora"  # clocks a little apart


def test_the_reminder_button_says_how_many() -> None:
    assert boton_recordatorio(Grupo.CANDIDATURA, 1) == "Enviar recordatorio a la candidatura atrasada"
    assert boton_recordatorio(Grupo.CANDIDATURA, 1200) == "Enviar recordatorio a las 1,200 candidaturas atrasadas"
    assert boton_recordatorio(Grupo.PARTIDO, 2).endswith("de 2 candidaturas atrasadas")


def test_filters_keep_the_valid_ones_and_name_the_wrong_ones() -> None:
    filtros, errors = forms.parse({"postulante": "abc", "cargo": "PRES_MUN", "estado": "validado", "grupo": "x"})
    assert set(errors) == {"postulante", "estado", "grupo"}
    assert filtros.cargo == "PRES_MUN" and filtros.postulante is None
    filtros, errors = forms.parse({"postulante": "7", "grupo": "partido", "atrasados": "1"})
    assert errors == {}
    assert filtros.query() == {"postulante": "7", "grupo": "partido", "atrasados": "1"}


def test_the_institute_gets_no_reminder() -> None:
    with pytest.raises(ValueError):
        forms.Recordatorio.model_validate({"grupo": "instituto"})
    assert forms.Recordatorio.model_validate({"grupo": "partido"}).grupo is Grupo.PARTIDO


def test_the_deadlines_screens_are_routed_to_captura() -> None:
    assert service_for("/validacion/plazos") == "captura"
    assert service_for("/validacion/plazos/omisos.xlsx") == "captura"
    assert service_for("/validacion/plazosx") == "validacion"
    assert service_for("/validacion/prorrogas") == "validacion"
    assert service_for("/validacion/") == "validacion"


def test_menu_counts_merge_what_each_service_published() -> None:
    published = [b'{"/validacion/": 4}', None, b"no es json", b'{"/validacion/plazos": 2, "/x": -1, "/y": "3"}']
    assert merge(published) == {"/validacion/": 4, "/validacion/plazos": 2}
