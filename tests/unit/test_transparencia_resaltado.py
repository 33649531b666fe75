"""How a flag's span is shown: the stored span when it agrees with the text, the fragment found again otherwise."""

from __future__ import annotations

from services.validacion.transparencia.resaltado import Resaltado, espera, resaltar

TEXTO = "Docente en Tacámbaro; mi CURP es RANP800101MMNMXR09 y mi teléfono 443 555 0199."
CURP = "RANP800101MMNMXR09"


def test_the_stored_span_is_marked_with_its_context() -> None:
    inicio = TEXTO.index(CURP)
    r = resaltar(TEXTO, inicio, inicio + len(CURP), CURP)
    assert r == Resaltado(TEXTO[:inicio], CURP, TEXTO[inicio + len(CURP) :], False, False)


def test_a_long_text_is_cut_around_the_span() -> None:
    texto = "a" * 500 + CURP + "b" * 500
    r = resaltar(texto, 500, 500 + len(CURP), CURP, contexto=20)
    assert (r.antes, r.marcado, r.despues) == ("a" * 20, CURP, "b" * 20)
    assert r.recortado_antes and r.recortado_despues


def test_a_span_that_disagrees_with_the_fragment_is_found_again() -> None:
    # The text was stored with a different offset (e.g. counted in bytes): the fragment still leads to the span.
    r = resaltar(TEXTO, 3, 10, CURP)
    assert r.marcado == CURP and r.antes.endswith("es ") and r.despues.startswith(" y mi")


def test_a_span_outside_the_text_or_a_missing_text_shows_the_fragment() -> None:
    assert resaltar(TEXTO, 500, 520, "").marcado == TEXTO[:160]
    assert resaltar(None, 0, 5, "443 555").marcado == "443 555"
    assert resaltar("otro texto", 0, 4, "no está").marcado == "no está"


def test_an_empty_span_at_the_end_is_valid() -> None:
    r = resaltar("abc", 3, 3)
    assert (r.antes, r.marcado, r.despues) == ("abc", "", "")


def test_waiting_time_in_words() -> None:
    assert espera(10) == "menos de un minuto"
    assert espera(60) == "1 minuto"
    assert espera(3 * 3600 + 5) == "3 horas"
    assert espera(86400) == "1 día"
    assert espera(5 * 86400) == "5 días"
