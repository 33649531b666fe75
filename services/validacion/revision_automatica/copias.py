"""Copied proposals: how alike two proposal texts are, and the small fingerprint stored per submitted proposal.

A text is normalized (lower case, no accents, punctuation and spacing ignored) and cut into overlapping
``K``-word shingles; each shingle is hashed to a 32-bit integer. Two proposals are compared by the Jaccard index
of their shingle sets and by containment (the share of the shorter one's shingles found in the longer one, so a
copy with a sentence added or removed still counts). A proposal is a copy when ``jaccard >= UMBRAL_JACCARD`` or
``contencion >= UMBRAL_CONTENCION``; proposals shorter than ``MIN_PALABRAS`` words are not compared (short
phrases like «Agua potable para todos» coincide without anyone copying).

To find the candidates among thousands of stored proposals without comparing against all of them, each proposal
also keeps its ``HUELLA`` smallest shingle hashes (a bottom-k sketch): two near-identical texts share most of
them, so an index on those values finds them (validacion.huella_valores, services/validacion/revision_automatica/
banderas.py); the exact similarity is then computed here on the full shingle sets. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

K = 4
MIN_PALABRAS = 12
UMBRAL_JACCARD = 0.8
UMBRAL_CONTENCION = 0.9
HUELLA = 32

_PALABRA = re.compile(r"[a-z0-9ñ]+")


def palabras(texto: str) -> list[tuple[str, int, int]]:
    """The normalized words of ``texto`` with their span in the original text."""
    result = []
    for m in re.finditer(r"[^\W_]+", texto):
        plano = unicodedata.normalize("NFKD", m.group(0).lower()).replace("n\u0303", "ñ")
        plano = "".join(ch for ch in plano if not unicodedata.combining(ch))
        if _PALABRA.fullmatch(plano):
            result.append((plano, m.start(), m.end()))
    return result


def _hash(shingle: str) -> int:
    """A stable signed 32-bit hash (the int4 a PostgreSQL int[] holds)."""
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=4).digest(), "big", signed=True)


@dataclass(frozen=True)
class Tejas:
    """The shingle hashes of one text, in order, and the word span each one covers."""

    hashes: tuple[int, ...]
    spans: tuple[tuple[int, int], ...]  # (start, end) in characters of the original text
    n_palabras: int

    @property
    def conjunto(self) -> frozenset[int]:
        return frozenset(self.hashes)

    @property
    def comparable(self) -> bool:
        return self.n_palabras >= MIN_PALABRAS

    def huella(self) -> list[int]:
        """The bottom-k sketch whose values are indexed."""
        return sorted(self.conjunto)[:HUELLA]


def tejas(texto: str) -> Tejas:
    words = palabras(texto)
    if len(words) < K:
        if not words:
            return Tejas((), (), 0)
        return Tejas((_hash(" ".join(w for w, _, _ in words)),), ((words[0][1], words[-1][2]),), len(words))
    hashes = []
    spans = []
    for i in range(len(words) - K + 1):
        grupo = words[i : i + K]
        hashes.append(_hash(" ".join(w for w, _, _ in grupo)))
        spans.append((grupo[0][1], grupo[-1][2]))
    return Tejas(tuple(hashes), tuple(spans), len(words))


@dataclass(frozen=True)
class Similitud:
    jaccard: float
    contencion: float
    inicio: int  # the span of this text that the other one shares
    fin: int

    @property
    def valor(self) -> float:
        return max(self.jaccard, self.contencion)

    @property
    def es_copia(self) -> bool:
        return self.jaccard >= UMBRAL_JACCARD or self.contencion >= UMBRAL_CONTENCION


def comparar(propia: Tejas, otra: frozenset[int]) -> Similitud:
    """How much of ``propia`` the other proposal's shingle set shares, and where in ``propia`` that is."""
    mio = propia.conjunto
    if not mio or not otra:
        return Similitud(0.0, 0.0, 0, 0)
    comunes = mio & otra
    jaccard = len(comunes) / len(mio | otra)
    contencion = len(comunes) / min(len(mio), len(otra))
    compartidos = [span for h, span in zip(propia.hashes, propia.spans, strict=True) if h in comunes]
    inicio = min((s for s, _ in compartidos), default=0)
    fin = max((e for _, e in compartidos), default=0)
    return Similitud(round(jaccard, 3), round(contencion, 3), inicio, fin)
