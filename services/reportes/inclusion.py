"""Report 4, *estadísticas de inclusión*: candidacies per group × postulante × cargo × sexo. No I/O.

Only two sources may be counted (docs/reportes-inclusion.md):

- the **self-identification** of a candidacy whose identity questionnaire was approved and whose consent 3 (use
  in statistics) is in force: the groups captura derived from its answers (``reportes.identidades``);
- the **acción afirmativa** it was registered under (registro), whatever its consents: the registration is public.

A candidacy belongs to a group's table if either source puts it there. Every table of the report is one system of
cells and totals, suppressed together (``supresion``), and the filters only choose which of its cells are shown:
so two views of the report (all postulantes, one postulante) can never be subtracted from each other to find a
hidden cell. No row is ever about one person: the finest cell is postulante × cargo × sexo.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

from services.common.identidad import GRUPOS_ACCION_AFIRMATIVA

from .supresion import Celda, Ecuacion, suprimir

TODOS = "*"
BASE = "Candidaturas con datos de identidad utilizables"
SEXOS = (("mujer", "Mujer"), ("hombre", "Hombre"), ("no_binario", "No binario"))
TOTAL = "total"
# The acción afirmativa comparison: the group's members split by where they come from.
AA_Y_AUTO, AA_SIN_AUTO, AA_SIN_DATOS, SOLO_AUTO, AA = "aa_auto", "aa_no_auto", "aa_sin_datos", "solo_auto", "aa"
MEDIDAS = (
    (AA, "Registradas por acción afirmativa"),
    (AA_Y_AUTO, "De ellas, se autoidentifican en el grupo"),
    (AA_SIN_AUTO, "De ellas, no se autoidentifican en el grupo"),
    (AA_SIN_DATOS, "De ellas, sin datos de identidad utilizables"),
    (SOLO_AUTO, "Se autoidentifican sin registro por acción afirmativa"),
)


@dataclass(frozen=True)
class Persona:
    """One registered candidacy as report 4 may see it (never shown one by one)."""

    postulante_id: int
    postulante: str
    cargo: str
    cargo_nombre: str
    cargo_orden: int
    sexo: str
    autoidentificacion: frozenset[str] | None  # None: no approved identity with consent 3 in force
    accion_afirmativa: str | None  # the group's name, from the registration


Medir = Callable[[Persona], list[str]]  # the columns of a group's table a candidacy counts in


@dataclass(frozen=True)
class Filtros:
    postulante: int | None = None
    cargo: str | None = None


@dataclass
class FilaDetalle:
    postulante: str
    cargo: str
    celdas: dict[str, Celda]


@dataclass
class Grupo:
    nombre: str
    resumen: dict[str, Celda]  # by sexo and total, in the filtered scope
    accion: dict[str, Celda]  # MEDIDAS in the filtered scope (not for BASE)
    detalle: list[FilaDetalle] = field(default_factory=list)

    @property
    def vacio(self) -> bool:
        celda = self.resumen[TOTAL]
        return not celda.suprimida and celda.valor == 0


@dataclass
class Reporte:
    base: Grupo
    grupos: list[Grupo]
    filtros: Filtros

    @property
    def vacio(self) -> bool:
        return self.base.vacio and all(g.vacio for g in self.grupos)


def nombres_de_grupos(personas: Iterable[Persona]) -> list[str]:
    """The catalog's groups first (always shown, a zero is information), then any other name the data holds."""
    catalogo = list(dict.fromkeys(GRUPOS_ACCION_AFIRMATIVA.values()))
    otros: set[str] = set()
    for p in personas:
        otros |= set(p.autoidentificacion or ())
        if p.accion_afirmativa:
            otros.add(p.accion_afirmativa)
    return catalogo + sorted(otros - set(catalogo))


def _ecuaciones(postulantes: Sequence[str], cargos: Sequence[str], columnas: Sequence[str]) -> list[Ecuacion]:
    """Every total of a group's table: over sexo (or the comparison's parts), over cargo, over postulante."""
    ps, cs = [*postulantes, TODOS], [*cargos, TODOS]
    ecuaciones = []
    sexos = [s for s, _ in SEXOS]
    for p, c in product(ps, cs):
        ecuaciones.append(Ecuacion((p, c, TOTAL), tuple((p, c, s) for s in sexos)))
        if AA in columnas:
            ecuaciones.append(
                Ecuacion((p, c, TOTAL), tuple((p, c, m) for m in (AA_Y_AUTO, AA_SIN_AUTO, AA_SIN_DATOS, SOLO_AUTO)))
            )
            ecuaciones.append(Ecuacion((p, c, AA), tuple((p, c, m) for m in (AA_Y_AUTO, AA_SIN_AUTO, AA_SIN_DATOS))))
    for x in columnas:
        for c in cs:
            ecuaciones.append(Ecuacion((TODOS, c, x), tuple((p, c, x) for p in postulantes)))
        for p in ps:
            ecuaciones.append(Ecuacion((p, TODOS, x), tuple((p, c, x) for c in cargos)))
    return ecuaciones


def _contar(
    personas: Sequence[Persona],
    postulantes: Sequence[str],
    cargos: Sequence[str],
    columnas: Sequence[str],
    medir: Medir,
) -> dict[Hashable, int]:
    valores: dict[Hashable, int] = {
        (p, c, x): 0 for p in [*postulantes, TODOS] for c in [*cargos, TODOS] for x in columnas
    }
    for persona in personas:
        for x in medir(persona):
            for p in (str(persona.postulante_id), TODOS):
                for c in (persona.cargo, TODOS):
                    valores[(p, c, x)] += 1
    return valores


def _medidas_de_grupo(nombre: str) -> Medir:
    def medir(p: Persona) -> list[str]:
        auto = p.autoidentificacion is not None and nombre in p.autoidentificacion
        aa = p.accion_afirmativa == nombre
        if not (auto or aa):
            return []
        columnas = [p.sexo, TOTAL]
        if aa:
            columnas.append(AA)
            if p.autoidentificacion is None:
                columnas.append(AA_SIN_DATOS)
            else:
                columnas.append(AA_Y_AUTO if auto else AA_SIN_AUTO)
        else:
            columnas.append(SOLO_AUTO)
        return columnas

    return medir


def _base(p: Persona) -> list[str]:
    return [p.sexo, TOTAL] if p.autoidentificacion is not None else []


def _dimensiones(
    personas: Sequence[Persona],
) -> tuple[dict[str, str], list[str], dict[str, tuple[int, str]], list[str]]:
    etiquetas = {str(p.postulante_id): p.postulante for p in personas}
    postulantes = sorted(etiquetas, key=lambda k: (etiquetas[k], int(k)))
    cargos_orden = {p.cargo: (p.cargo_orden, p.cargo_nombre) for p in personas}
    cargos = sorted(cargos_orden, key=lambda c: cargos_orden[c])
    return etiquetas, postulantes, cargos_orden, cargos


BASE_COLS = [*(s for s, _ in SEXOS), TOTAL]
GRUPO_COLS = [*BASE_COLS, *(m for m, _ in MEDIDAS)]
CERO = Celda(0)


@lru_cache(maxsize=32)
def _suprimidas(personas: tuple[Persona, ...], nombre: str) -> dict[Hashable, Celda]:
    """One group's whole table, suppressed: the same data give the same cells to every filter (and the
    suppression, the slow part, runs once per state of the data in each process)."""
    _, postulantes, _, cargos = _dimensiones(personas)
    columnas, medir = (BASE_COLS, _base) if nombre == BASE else (GRUPO_COLS, _medidas_de_grupo(nombre))
    valores = _contar(personas, postulantes, cargos, columnas, medir)
    return suprimir(valores, _ecuaciones(postulantes, cargos, columnas))


def reporte(personas: Sequence[Persona], filtros: Filtros = Filtros()) -> Reporte:
    """The whole report, suppressed over the whole process, then cut to the filters."""
    todas = tuple(sorted(personas, key=repr))
    etiquetas, postulantes, cargos_orden, cargos = _dimensiones(todas)
    # A sexo the registry holds and the report does not know would fall out of every total: never silently.
    desconocidos = {p.sexo for p in todas} - {s for s, _ in SEXOS}
    if desconocidos:
        raise ValueError(f"sexo no previsto en el reporte: {sorted(desconocidos)}")
    p_sel = str(filtros.postulante) if filtros.postulante is not None else TODOS
    c_sel = filtros.cargo or TODOS
    filas_p = [p_sel] if p_sel != TODOS else [*postulantes, TODOS]
    filas_c = [c_sel] if c_sel != TODOS else [*cargos, TODOS]

    def grupo(nombre: str) -> Grupo:
        todas_las_celdas = _suprimidas(todas, nombre)

        def celda(clave: tuple[str, str, str]) -> Celda:
            return todas_las_celdas.get(clave, CERO)  # a postulante or cargo with no candidacies: nobody

        resumen = {x: celda((p_sel, c_sel, x)) for x in BASE_COLS}
        accion = {m: celda((p_sel, c_sel, m)) for m, _ in MEDIDAS} if nombre != BASE else {}
        detalle = []
        for p, c in product(filas_p, filas_c):
            if (p, c) == (p_sel, c_sel) and (p == TODOS or c == TODOS):
                continue  # the summary already shows the whole scope
            fila = {x: celda((p, c, x)) for x in BASE_COLS}
            if not fila[TOTAL].suprimida and fila[TOTAL].valor == 0:
                continue  # nobody there: a zero is shown in the totals anyway
            detalle.append(
                FilaDetalle(
                    etiquetas.get(p, "Todos los postulantes") if p != TODOS else "Todos los postulantes",
                    cargos_orden[c][1] if c in cargos_orden else "Todos los cargos",
                    fila,
                )
            )
        return Grupo(nombre, resumen, accion, detalle)

    return Reporte(grupo(BASE), [grupo(n) for n in nombres_de_grupos(todas)], filtros)
