"""Report 4 without a server: who counts in which group, and that no hidden cell can be computed from the totals."""

from __future__ import annotations

import random
from collections.abc import Hashable
from fractions import Fraction

import pytest

from services.common.access import INCLUSION_READERS, REPORT_MANAGERS
from services.common.menu import staff_menu
from services.reportes.inclusion import (
    AA,
    AA_SIN_AUTO,
    AA_SIN_DATOS,
    AA_Y_AUTO,
    BASE,
    SOLO_AUTO,
    TODOS,
    TOTAL,
    Filtros,
    Persona,
    _ecuaciones,
    reporte,
)
from services.reportes.supresion import COMPLEMENTARIA, MENOR, Ecuacion, suprimir

JOVEN = "Persona joven"
INDIGENA = "Persona indígena"


def persona(
    postulante: int = 1,
    cargo: str = "dip",
    sexo: str = "mujer",
    auto: set[str] | None = None,
    aa: str | None = None,
) -> Persona:
    return Persona(
        postulante, f"Partido {postulante}", cargo, cargo.upper(), {"dip": 1, "ayu": 2}.get(cargo, 3), sexo,
        None if auto is None else frozenset(auto), aa,
    )  # fmt: skip


def grupo(rep, nombre):  # type: ignore[no-untyped-def]
    return next(g for g in [rep.base, *rep.grupos] if g.nombre == nombre)


# --- the oracle: exact rational elimination over every equation at once, independent of supresion.py ----------


def computables(valores: dict[Hashable, int], ecuaciones: list[Ecuacion], ocultas: set[Hashable]) -> set[Hashable]:
    """Hidden cells whose value is the same in every solution of the published equations (over the rationals)."""
    columnas = sorted(ocultas, key=repr)
    filas = []
    for e in ecuaciones:
        fila = {c: Fraction(0) for c in columnas}
        for c, signo in [(e.total, 1), *((p, -1) for p in e.partes)]:
            if c in ocultas:
                fila[c] += signo
        if any(fila.values()):
            filas.append([fila[c] for c in columnas])
    # Gauss-Jordan
    rango = 0
    for j in range(len(columnas)):
        r = next((i for i in range(rango, len(filas)) if filas[i][j]), None)
        if r is None:
            continue
        filas[rango], filas[r] = filas[r], filas[rango]
        piv = filas[rango][j]
        filas[rango] = [v / piv for v in filas[rango]]
        for i in range(len(filas)):
            if i != rango and filas[i][j]:
                f = filas[i][j]
                filas[i] = [a - f * b for a, b in zip(filas[i], filas[rango], strict=True)]
        rango += 1
    return {columnas[next(j for j, v in enumerate(f) if v)] for f in filas[:rango] if sum(1 for v in f if v) == 1}


def assert_protegida(valores: dict[Hashable, int], ecuaciones: list[Ecuacion]) -> dict[Hashable, object]:
    celdas = suprimir(valores, ecuaciones)
    ocultas = {c for c, celda in celdas.items() if celda.suprimida}
    for c, v in valores.items():
        assert (0 < v < 5) <= (celdas[c].motivo == MENOR), c
        assert celdas[c].valor == (None if c in ocultas else v)
    # No single total gives a hidden cell away by subtraction...
    for e in ecuaciones:
        assert sum(1 for c in e.celdas() if c in ocultas) != 1, e
    # ...and no combination of totals computes a small cell.
    expuestas = {c for c in computables(valores, ecuaciones, ocultas) if 0 < valores[c] < 5}
    assert not expuestas
    return dict(celdas)


def test_a_lone_small_cell_gets_a_complement_in_its_line() -> None:
    valores: dict[Hashable, int] = {"a": 2, "b": 7, "c": 9, "t": 18}
    celdas = assert_protegida(valores, [Ecuacion("t", ("a", "b", "c"))])
    assert celdas["a"].motivo == MENOR and celdas["b"].motivo == COMPLEMENTARIA  # type: ignore[attr-defined]
    assert celdas["c"].texto == "9"  # type: ignore[attr-defined]


def test_zeros_are_shown_and_large_cells_untouched() -> None:
    valores: dict[Hashable, int] = {"a": 0, "b": 7, "t": 7}
    celdas = suprimir(valores, [Ecuacion("t", ("a", "b"))])
    assert [c.texto for c in celdas.values()] == ["0", "7", "7"]


def _tabla2d(matriz: list[list[int]]) -> tuple[dict[Hashable, int], list[Ecuacion]]:
    filas, cols = len(matriz), len(matriz[0])
    valores: dict[Hashable, int] = {}
    for i in range(filas):
        for j in range(cols):
            valores[(i, j)] = matriz[i][j]
        valores[(i, "*")] = sum(matriz[i])
    for j in range(cols):
        valores[("*", j)] = sum(matriz[i][j] for i in range(filas))
    valores[("*", "*")] = sum(map(sum, matriz))
    ecuaciones = [Ecuacion((i, "*"), tuple((i, j) for j in range(cols))) for i in [*range(filas), "*"]]
    ecuaciones += [Ecuacion(("*", j), tuple((i, j) for i in range(filas))) for j in [*range(cols), "*"]]
    return valores, ecuaciones


def test_two_dimensional_table_with_margins() -> None:
    valores, ecuaciones = _tabla2d([[3, 10, 12], [8, 9, 20], [15, 2, 30]])
    celdas = assert_protegida(valores, ecuaciones)
    assert sum(1 for c in celdas.values() if c.suprimida) >= 4  # type: ignore[attr-defined]


@pytest.mark.parametrize("semilla", range(12))
def test_random_report_cubes_leave_no_small_cell_computable(semilla: int) -> None:
    """postulante × cargo × (sexo and the acción afirmativa parts), the equations report 4 publishes."""
    rng = random.Random(semilla)
    personas = [
        persona(
            rng.randint(1, 4),
            rng.choice(["dip", "ayu", "reg"]),
            rng.choice(["mujer", "hombre", "no_binario"]),
            rng.choice([None, set(), {JOVEN}, {JOVEN, INDIGENA}]),
            rng.choice([None, None, JOVEN, INDIGENA]),
        )
        for _ in range(rng.randint(20, 90))
    ]
    rep = reporte(personas)
    # Rebuild the cells of one group exactly as the report does and check them with the oracle.
    postulantes = sorted({str(p.postulante_id) for p in personas}, key=lambda k: (f"Partido {k}", int(k)))
    cargos = sorted({p.cargo for p in personas}, key=lambda c: {"dip": 1, "ayu": 2}.get(c, 3))
    from services.reportes.inclusion import MEDIDAS, _contar, _medidas_de_grupo

    columnas = ["mujer", "hombre", "no_binario", TOTAL, *(m for m, _ in MEDIDAS)]
    valores = _contar(personas, postulantes, cargos, columnas, _medidas_de_grupo(JOVEN))
    assert_protegida(valores, _ecuaciones(postulantes, cargos, columnas))
    # The page shows exactly those cells.
    shown = grupo(rep, JOVEN).resumen[TOTAL]
    assert shown.valor in (None, valores[(TODOS, TODOS, TOTAL)])


def test_membership_counts_only_consent_3_data_and_the_accion_afirmativa() -> None:
    personas = [
        *(persona(auto={JOVEN}) for _ in range(6)),  # self-identified, consent 3 in force
        *(persona(auto=None, aa=JOVEN) for _ in range(5)),  # registered, no usable identity data
        *(persona(auto={JOVEN}, aa=JOVEN, sexo="hombre") for _ in range(5)),
        *(persona(auto=set(), aa=JOVEN, sexo="hombre") for _ in range(5)),  # registered, do not self-identify
        *(persona(auto=None) for _ in range(9)),  # revoked or never approved: counted nowhere
    ]
    rep = reporte(personas)
    joven = grupo(rep, JOVEN)
    assert joven.resumen[TOTAL].valor == 21
    assert joven.resumen["mujer"].valor == 11 and joven.resumen["hombre"].valor == 10
    assert {m: c.valor for m, c in joven.accion.items()} == {
        AA: 15, AA_Y_AUTO: 5, AA_SIN_AUTO: 5, AA_SIN_DATOS: 5, SOLO_AUTO: 6
    }  # fmt: skip
    assert grupo(rep, BASE).resumen[TOTAL].valor == 16  # the candidacies with usable identity data
    assert grupo(rep, INDIGENA).vacio


def test_a_filter_shows_the_same_cells_as_the_whole_report() -> None:
    """Suppression is decided once for the whole process: one postulante's view cannot be subtracted from the whole."""
    rng = random.Random(5)
    personas = [
        persona(rng.randint(1, 3), rng.choice(["dip", "ayu"]), rng.choice(["mujer", "hombre"]), {JOVEN})
        for _ in range(40)
    ]
    todo = grupo(reporte(personas), JOVEN)
    uno = grupo(reporte(personas, Filtros(postulante=2)), JOVEN)
    fila = next(f for f in todo.detalle if f.postulante == "Partido 2" and f.cargo == "Todos los cargos")
    assert uno.resumen == fila.celdas
    por_cargo = {f.cargo: f.celdas for f in todo.detalle if f.postulante == "Partido 2"}
    assert {f.cargo: f.celdas for f in uno.detalle} == {k: v for k, v in por_cargo.items() if k != "Todos los cargos"}


def test_no_row_is_about_one_person() -> None:
    rep = reporte([persona(postulante=7, auto={JOVEN})] + [persona(auto={JOVEN}) for _ in range(8)])
    for g in [rep.base, *rep.grupos]:
        for f in g.detalle:
            for celda in f.celdas.values():
                assert celda.valor != 1


def test_igualdad_reads_only_the_inclusion_report() -> None:
    assert "igualdad" in INCLUSION_READERS and "igualdad" not in REPORT_MANAGERS
    rutas = {e.ruta for e in staff_menu("igualdad")}
    assert "/reportes/inclusion" in rutas and "/reportes/avance" not in rutas
    assert "/reportes/inclusion" in {e.ruta for e in staff_menu("coordinacion")}
