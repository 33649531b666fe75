"""Small-cell suppression for tables with margins (report 4, estadísticas de inclusión). No I/O.

The public statistics (services/publico/supresion.py) suppress one list of cells against one total. A report
table has many totals at once: per postulante, per cargo, per sexo, and the grand total, so hiding a second cell in
every line is not enough: combining several totals can still pin down a hidden cell. Here the rule is checked
against all of them together:

1. Primary: every count from 1 to :data:`UMBRAL` - 1 is hidden (shown as "<5"). Zeros are shown: they are about
   nobody.
2. Complementary: while any primary cell can be computed exactly from the cells and totals that are shown (it
   lies in the row space of the table's equations, restricted to the hidden cells), one more cell of an equation
   that computes it is hidden (the smallest non-zero shown one, then a zero), and the check runs again. The loop
   ends because each round hides one more cell; hiding everything leaves nothing computable.

A table is described by its cells (any hashable, sortable keys) and its equations ``total = sum of parts``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

UMBRAL = 5
MENOR = "menor_que_5"
COMPLEMENTARIA = "complementaria"
TEXTO = {MENOR: "<5", COMPLEMENTARIA: "Reservado"}


@dataclass(frozen=True)
class Ecuacion:
    total: Hashable
    partes: tuple[Hashable, ...]

    def celdas(self) -> tuple[Hashable, ...]:
        return (self.total, *self.partes)


@dataclass(frozen=True)
class Celda:
    valor: int | None  # None when suppressed: the real count never leaves this module
    motivo: str | None = None  # None (shown), MENOR or COMPLEMENTARIA

    @property
    def texto(self) -> str:
        return TEXTO[self.motivo] if self.motivo else f"{self.valor:,}"

    @property
    def suprimida(self) -> bool:
        return self.motivo is not None


def _orden(clave: Hashable) -> Any:
    return repr(clave)


def _componentes(ocultas: set[Hashable], ecuaciones: Sequence[Ecuacion]) -> list[list[int]]:
    """The equations touching hidden cells, grouped so that groups share no hidden cell (solved apart)."""
    padre: dict[Hashable, Hashable] = {c: c for c in ocultas}

    def raiz(c: Hashable) -> Hashable:
        while padre[c] != c:
            padre[c] = padre[padre[c]]
            c = padre[c]
        return c

    for e in ecuaciones:
        en = [c for c in e.celdas() if c in ocultas]
        for c in en[1:]:
            padre[raiz(c)] = raiz(en[0])
    grupos: dict[Hashable, list[int]] = {}
    for n, e in enumerate(ecuaciones):
        en = [c for c in e.celdas() if c in ocultas]
        if en:
            grupos.setdefault(raiz(en[0]), []).append(n)
    return list(grupos.values())


PRIMO = (1 << 61) - 1  # exact arithmetic modulo a large prime: see calculables()


def calculables(ocultas: set[Hashable], ecuaciones: Sequence[Ecuacion]) -> set[Hashable]:
    """The hidden cells whose exact value follows from the shown cells and the equations.

    A hidden cell x is computable iff the unit vector of x is in the row space of the equations restricted to the
    hidden cells (the shown cells move to the right-hand side); in the reduced row echelon form that means a row
    whose only non-zero entry is x's. The elimination runs modulo a 61-bit prime instead of over the rationals
    (fast, sparse, exact integers): a cell computable over the rationals is computable modulo the prime unless
    the prime divides a determinant of the 0/±1 equations, which needs a determinant above 2**61; computing
    more than the rationals would only hide one cell more.
    """
    resultado: set[Hashable] = set()
    for indices in _componentes(ocultas, ecuaciones):
        pivotes: dict[Hashable, dict[Hashable, int]] = {}  # pivot cell -> its reduced row
        for n in indices:
            e = ecuaciones[n]
            fila: dict[Hashable, int] = {}
            if e.total in ocultas:
                fila[e.total] = 1
            for parte in e.partes:
                if parte in ocultas:
                    fila[parte] = (fila.get(parte, 0) - 1) % PRIMO
            fila = {c: v for c, v in fila.items() if v}
            for c in [c for c in fila if c in pivotes]:
                _restar(fila, pivotes[c], fila.get(c, 0))
            if not fila:
                continue
            cabeza = min(fila, key=_orden)
            inverso = pow(fila[cabeza], PRIMO - 2, PRIMO)
            fila = {c: v * inverso % PRIMO for c, v in fila.items()}
            for otra in pivotes.values():
                if cabeza in otra:
                    _restar(otra, fila, otra[cabeza])
            pivotes[cabeza] = fila
        resultado.update(c for c, fila in pivotes.items() if len(fila) == 1)
    return resultado


def _restar(fila: dict[Hashable, int], pivote: Mapping[Hashable, int], factor: int) -> None:
    """fila -= factor * pivote, modulo the prime, dropping zeros."""
    if not factor:
        return
    for c, v in pivote.items():
        nuevo = (fila.get(c, 0) - factor * v) % PRIMO
        if nuevo:
            fila[c] = nuevo
        else:
            fila.pop(c, None)


def _complemento(
    expuesta: Hashable,
    valores: Mapping[Hashable, int],
    motivos: Mapping[Hashable, str | None],
    ecuaciones: Sequence[Ecuacion],
) -> Hashable | None:
    """The cell to hide next to protect ``expuesta``: in one of its equations, the smallest non-zero shown cell
    (then a shown zero); failing that, any shown cell of an equation that has a hidden one."""
    propias = [e for e in ecuaciones if expuesta in e.celdas()]
    for grupo in (propias, [e for e in ecuaciones if any(motivos[c] for c in e.celdas())]):
        candidatas = {c for e in grupo for c in e.celdas() if motivos[c] is None}
        if candidatas:
            return min(candidatas, key=lambda c: (valores[c] == 0, valores[c], _orden(c)))
    return None


def _por_lineas(
    valores: Mapping[Hashable, int], motivos: dict[Hashable, str | None], lista: Sequence[Ecuacion]
) -> None:
    """The cheap first pass: an equation with exactly one hidden cell gives it away, so hide a second one there;
    repeated until no equation has a lone hidden cell (most tables need nothing more)."""
    cambio = True
    while cambio:
        cambio = False
        for e in lista:
            celdas = e.celdas()
            if sum(1 for c in celdas if motivos[c]) != 1:
                continue
            libres = [c for c in celdas if motivos[c] is None]
            if libres:
                motivos[min(libres, key=lambda c: (valores[c] == 0, valores[c], _orden(c)))] = COMPLEMENTARIA
                cambio = True


def suprimir(valores: Mapping[Hashable, int], ecuaciones: Iterable[Ecuacion]) -> dict[Hashable, Celda]:
    """Every cell of the table after suppression. Every cell an equation names must be in ``valores``."""
    lista = list(ecuaciones)
    motivos: dict[Hashable, str | None] = {c: MENOR if 0 < v < UMBRAL else None for c, v in valores.items()}
    por_celda: dict[Hashable, list[int]] = {c: [] for c in valores}
    for n, e in enumerate(lista):
        for c in e.celdas():
            por_celda[c].append(n)
    while True:
        _por_lineas(valores, motivos, lista)
        ocultas = {c for c, m in motivos.items() if m}
        expuestas = sorted((c for c in calculables(ocultas, lista) if motivos[c] == MENOR), key=_orden)
        if not expuestas:
            break
        # One complement per computable cell in this round (not in an equation that just got one): fewer rounds
        # than one cell at a time, for at most a few more hidden cells.
        tocadas: set[int] = set()
        for expuesta in expuestas:
            propias = set(por_celda[expuesta])
            if propias & tocadas:
                continue
            siguiente = _complemento(expuesta, valores, motivos, lista)
            if siguiente is None:  # cannot happen: with every cell hidden nothing is computable
                continue
            motivos[siguiente] = COMPLEMENTARIA
            tocadas |= propias | set(por_celda[siguiente])
        if not tocadas:
            break
    return {c: Celda(None if motivos[c] else v, motivos[c]) for c, v in valores.items()}
