"""``es_marcador`` decides a long text on its start when that is enough: the same answer as normalizing it all."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from services.common import marcadores
from services.common.marcadores import FRASES, es_marcador


def _es_marcador_completo(texto: object) -> bool:
    """The function before the shortcut (2026-12): always the whole text normalized."""
    if texto is None:
        return True
    if not isinstance(texto, str):
        return False
    plano = " ".join(
        re.sub(
            r"[^a-z0-9]+", " ", unicodedata.normalize("NFKD", texto).encode("ascii", "ignore").decode().lower()
        ).split()
    )
    if not plano:
        return True
    if plano in FRASES or re.match(r"^lorem ipsum\b", plano):
        return True
    return re.fullmatch(r"(.)\1*", plano.replace(" ", "")) is not None


# Letters, accents as combining marks and precomposed, full-width and ligature forms (NFKD folds them to ASCII),
# what normalizing drops (emoji, CJK), punctuation and spaces.
ALFABETO = st.sampled_from([*list("aAbxX0 1.,-_…\n\tñÑáÉǘ̃ＡＢ１ﬁ²😀中\xa0"), "lorem ipsum ", "n/a", "xx"])
FRASE = st.sampled_from([*sorted(FRASES), "lorem ipsum", "Lorem Ipsum dolor", "x" * 70, "a a " * 30, "." * 80])


@settings(max_examples=3000, deadline=None)
@given(st.lists(ALFABETO, max_size=60).map("".join), FRASE, st.lists(ALFABETO, max_size=60).map("".join))
def test_a_long_text_gets_the_answer_of_the_whole_text_normalized(antes: str, frase: str, despues: str) -> None:
    # Past the start's length, a phrase padded with what normalizing drops or folds to one space.
    relleno = (frase + "." * 70, " " * 70 + frase, "😀" * 70 + frase + "-" * 70, frase + " " + despues * 3)
    for texto in (antes, antes + frase, frase + despues, antes + frase + despues, (antes + " ") * 5, *relleno):
        assert es_marcador(texto) == _es_marcador_completo(texto), texto


def test_the_start_decides_only_what_it_can() -> None:
    assert marcadores._INICIO > marcadores._FRASE_MAS_LARGA
    assert not es_marcador("Licenciada en Derecho por la Universidad Michoacana, con maestría en políticas " * 20)
    assert es_marcador("x" * 5000)
    assert es_marcador("." * 5000 + " N/A ")
    assert es_marcador("Lorem ipsum dolor sit amet, consectetur adipiscing elit " * 10)
    assert es_marcador("😀" * 100 + "sin información")
