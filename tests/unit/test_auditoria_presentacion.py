"""How an audit event reads to a person without training (services/validacion/auditoria/presentacion.py)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from services.validacion.auditoria.presentacion import Linea, accion, lineas, servicio, valor

ZONA = ZoneInfo("America/Mexico_City")


def test_known_actions_are_sentences_and_unknown_ones_are_still_readable() -> None:
    assert accion("pausar_publicacion") == "Pausó la publicación"
    assert accion("aprobar") == "Aprobó la versión enviada"
    assert accion("confirmar_bandera_nueva") == "Confirmar bandera nueva"
    assert servicio("captura") == "Captura" and servicio("otro_servicio") == "Otro servicio"


def test_details_become_labelled_lines_with_names_instead_of_codes() -> None:
    assert lineas({"cuestionario": "curricular", "rubro": "propuestas", "version": 3}, ZONA) == [
        Linea("Cuestionario", "Cuestionario curricular"),
        Linea("Rubro", "Propuestas"),
        Linea("Versión guardada", "3"),
    ]
    rubros = lineas({"rubros": ["contacto", "otro"]}, ZONA)
    assert rubros == [Linea("Rubros", "Datos generales y contacto público, otro")]
    assert lineas({"tipo": 2}, ZONA) == [Linea("Tipo", "2, publicación de las respuestas de identidad")]
    assert lineas(None, ZONA) == [] and lineas({}, ZONA) == []


def test_instants_are_shown_in_the_process_zone_and_bare_dates_as_they_are() -> None:
    assert valor("2024-05-01T18:30:00+00:00", ZONA, "fin") == "01/05/2024 a las 12:30"
    assert valor("2024-05-01", ZONA, "fecha") == "01/05/2024"
    # Not a date after all: kept as written, never an error.
    assert valor("2024-13-45T99:99", ZONA) == "2024-13-45T99:99"
    assert valor("2024-05-01T18:30", ZONA) == "2024-05-01T18:30"  # no zone: not guessed


def test_a_before_and_after_pair_lists_only_what_changed() -> None:
    details = {
        "antes": {"publicacion_inicio": "2024-04-20T14:00:00+00:00", "acuerdo_publicacion_numero": None, "x": 1},
        "despues": {"publicacion_inicio": "2024-04-20T14:00:00+00:00", "acuerdo_publicacion_numero": "CG-1", "x": 1},
        "motivo": "Ajuste",
    }
    assert lineas(details, ZONA) == [
        Linea("Número del acuerdo de publicación", "— → CG-1"),
        Linea("Motivo", "Ajuste"),
    ]


def test_nested_values_are_flattened_into_words_without_json() -> None:
    text = valor([{"cuestionario": "curricular", "numero": 2, "revision": 7}], ZONA, "versiones")
    assert text == "cuestionario: Cuestionario curricular, envío número: 2, revisión número: 7"
    assert valor(True, ZONA) == "Sí" and valor(False, ZONA) == "No" and valor(None, ZONA) == "—"
    assert "{" not in valor({"a": {"b": [1, 2]}}, ZONA)
