"""Small-cell suppression for the public statistics (docs/sitio-publico-estadisticas.md, "Regla de supresión").

1. Primary: every count from 1 to :data:`UMBRAL` - 1 is hidden and shown as "<5". A zero is shown: it is about
   nobody, and hiding it would force rule 2 onto a real category of almost every table (few tables have anyone
   in "No binario" or "Doctorado"), hiding the figures people come for.
2. Complementary: in a table whose cells add up to a shown total, if exactly one cell is hidden, the smallest
   shown cell is hidden too (the first in table order on a tie), so the hidden one is never total minus the rest.
3. The total itself follows rule 1.

Round totals would not help: the list page shows the exact count for the same filters.

Tables whose cells do not add up (one person can be in several identity groups) only get rule 1: there is no
total to subtract from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

UMBRAL = 5
MENOR = "menor_que_5"
COMPLEMENTARIA = "complementaria"
TEXTO = {MENOR: "<5", COMPLEMENTARIA: "Reservado"}


@dataclass(frozen=True)
class Celda:
    etiqueta: str
    valor: int | None  # None when suppressed: the real count never leaves this module
    motivo: str | None = None  # None (shown), MENOR or COMPLEMENTARIA

    @property
    def texto(self) -> str:
        return TEXTO[self.motivo] if self.motivo else f"{self.valor:,}"

    @property
    def suprimida(self) -> bool:
        return self.motivo is not None


def _celda(etiqueta: str, valor: int, motivo: str | None) -> Celda:
    return Celda(etiqueta, None if motivo else valor, motivo)


def suprimir(conteos: Sequence[tuple[str, int]], aditiva: bool = True) -> list[Celda]:
    """The cells of one table after suppression; ``aditiva``: the cells add up to a total that is shown."""
    motivos: list[str | None] = [MENOR if 0 < valor < UMBRAL else None for _, valor in conteos]
    if aditiva and motivos.count(MENOR) == 1:
        # Zeros are shown but cannot protect anything: the complement is the smallest non-zero shown cell.
        shown = [(valor, n) for n, (_, valor) in enumerate(conteos) if motivos[n] is None and valor > 0]
        if shown:
            motivos[min(shown)[1]] = COMPLEMENTARIA
    return [_celda(etiqueta, valor, motivo) for (etiqueta, valor), motivo in zip(conteos, motivos, strict=True)]


def total(etiqueta: str, valor: int) -> Celda:
    return _celda(etiqueta, valor, MENOR if 0 < valor < UMBRAL else None)
