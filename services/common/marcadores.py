"""Placeholders: answers that fill a field without saying anything («N/A», «.», «sin información», lorem ipsum).

A field holding one counts as missing wherever the system decides whether a field or a rubro was answered: the
public profile and its ficha say «La candidatura no proporcionó información» (services/publico/perfil.py), and
capture does not count such a field towards a complete rubro (services/captura/curricular.py). Pure: no I/O.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Compared after normalizing (lower case, no accents, punctuation as spaces, spaces collapsed).
FRASES = frozenset(
    (
        "na",
        "n a",
        "n d",
        "nd",
        "s d",
        "sd",
        "s i",
        "no aplica",
        "no proporciono",
        "no proporciono informacion",
        "no proporciona informacion",
        "la candidatura no proporciono informacion",
        "sin informacion",
        "sin info",
        "sin datos",
        "sin dato",
        "sin respuesta",
        "sin contestar",
        "sin especificar",
        "no especificado",
        "no disponible",
        "no hay",
        "no hay informacion",
        "no tengo",
        "ninguno",
        "ninguna",
        "ningun",
        "nada",
        "nulo",
        "null",
        "none",
        "vacio",
        "pendiente",
        "por definir",
        "por capturar",
        "sin comentarios",
        "omitido",
        "prueba",
        "test",
        "texto de prueba",
        "asdf",
        "qwerty",
    )
)
# Lorem ipsum filler, whatever follows it.
_REPETIDO = re.compile(r"(.)\1*")
_LOREM = re.compile(r"^lorem ipsum\b")
_LOREM_INICIO = "lorem ipsum"
# A text's start normalized longer than every phrase, with two different letters or digits and no lorem ipsum
# already says the whole text is no placeholder (below); this many characters are looked at first.
_INICIO = 64
_FRASE_MAS_LARGA = max(map(len, FRASES))


_NO_ALFANUMERICO = re.compile(r"[^a-z0-9]+")


def normalizar(texto: str) -> str:
    """Lower case, without accents, every run of non-alphanumerics as one space, trimmed."""
    plano = unicodedata.normalize("NFKD", texto).encode("ascii", "ignore").decode().lower()
    return _NO_ALFANUMERICO.sub(" ", plano).strip()


def es_marcador(texto: object) -> bool:
    """True when ``texto`` is empty or only a placeholder, so the field counts as not answered.

    Anything that is not a string (None, an old row's number) counts as empty only when it is None.
    """
    if texto is None:
        return True
    if not isinstance(texto, str):
        return False
    if len(texto) > _INICIO:
        if _inicio_decide(normalizar(texto[:_INICIO])):
            return False
        return _es_plano_marcador(normalizar(texto))
    return _es_corto_marcador(texto)


# Short answers repeat across candidacies («Licenciatura», «Concluido», «N/A»): the release asks about each of
# a row's fields, so the answers are kept (a few MB at most).
@functools.lru_cache(maxsize=8192)
def _es_corto_marcador(texto: str) -> bool:
    return _es_plano_marcador(normalizar(texto))


def _es_plano_marcador(plano: str) -> bool:
    if not plano:
        return True  # only spaces and punctuation: ".", "-", "…", "---"
    if plano in FRASES or _LOREM.match(plano):
        return True
    # One character, or one character repeated: "x", "xxx", "0000", "a a a".
    return _REPETIDO.fullmatch(plano.replace(" ", "")) is not None


def _inicio_decide(inicio: str) -> bool:
    """Whether the normalized start of a text proves the text is no placeholder (the release calls this for
    every long answer, whose whole normalizing was most of a release row's cost; docs/bench.md).

    Normalizing maps each character on its own (NFKD decomposes one code point at a time, and what canonical
    reordering moves are combining marks, which the ASCII encoding drops), so the normalized text starts with
    the normalized start. If that start is longer than every phrase, does not begin with «lorem ipsum» and holds
    two different letters or digits, so does the whole text: not empty, not a phrase, not lorem ipsum, not one
    character repeated.
    """
    return (
        len(inicio) > _FRASE_MAS_LARGA
        and not inicio.startswith(_LOREM_INICIO)
        and len(set(inicio.replace(" ", ""))) > 1
    )


def _textos(valor: object) -> list[str]:
    if isinstance(valor, str):
        return [valor]
    if isinstance(valor, dict):
        return [t for v in valor.values() for t in _textos(v)]
    if isinstance(valor, list):
        return [t for v in valor for t in _textos(v)]
    return []


def rubros_con_marcadores(respuestas: dict[str, object]) -> list[str]:
    """The rubros of a version where someone wrote a placeholder («N/A», «.», «xxx») instead of an answer.

    Empty fields are not counted (they were left unanswered, which the capture progress already shows): only a
    text that says nothing. Sorted, so the same version always gives the same list (report 5 counts them).
    """
    return sorted(
        rubro for rubro, valor in respuestas.items() if any(t.strip() and es_marcador(t) for t in _textos(valor))
    )
