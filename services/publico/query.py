"""Builds the WHERE clause of the public list and count queries from the filter table (.filters).

Only the table's SQL fragments enter the statement text; every value a visitor sends becomes a numbered
parameter (``$1``, ``$2``…), so no filter value, however made up, is ever SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .filters import Filtro, FiltrosBase, values_of
from .sql import COUNT_SQL, COUNT_TOTALES_SQL, CURSOR_SQL, LIST_SQL, PUBLISHED_SQL


@dataclass
class Params:
    """Numbered parameters: each value added becomes the next ``$n`` and only that placeholder enters the SQL."""

    values: list[object] = field(default_factory=list)

    def add(self, value: object) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


def where(filtros: Sequence[Filtro], filters: FiltrosBase, params: Params) -> str:
    conditions = [PUBLISHED_SQL]
    conditions += [f.condicion.format(params.add(value)) for f, value in values_of(filtros, filters)]
    return "\n  AND ".join(conditions)


@dataclass(frozen=True)
class Query:
    sql: str
    args: tuple[object, ...]


def count_query(filtros: Sequence[Filtro], filters: FiltrosBase) -> Query:
    """The total of the filters: a sum over publico.totales when every filter in use is one of its columns (no
    filter at all included), else a count of the published rows."""
    params = Params()
    used = values_of(filtros, filters)
    if all(f.en_totales for f, _ in used):
        conditions = [f.condicion.format(params.add(value)) for f, value in used] or ["true"]
        sql = COUNT_TOTALES_SQL.format(where="\n  AND ".join(conditions))
    else:
        sql = COUNT_SQL.format(where=where(filtros, filters, params))
    return Query(sql, tuple(params.values))


def list_query(
    filtros: Sequence[Filtro], filters: FiltrosBase, after: tuple[int, int, int, int, str, int] | None = None
) -> Query:
    """One page (plus one row, to know whether there is a next page) after the sort key ``after``."""
    params = Params()
    clause = where(filtros, filters, params)
    if after is not None:
        clause += "\n  AND " + CURSOR_SQL.format(*(params.add(v) for v in after))
    sql = LIST_SQL.format(where=clause, limite=params.add(filters.limite + 1))
    return Query(sql, tuple(params.values))
