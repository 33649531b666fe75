"""The public filter table and its WHERE builder: one row per filter, values only ever as numbered parameters."""

from __future__ import annotations

import re

import pytest
from pydantic import Field, ValidationError

from services.publico.filters import FILTROS, Filtro, ListFilters, Texto, encode_cursor, model_of
from services.publico.query import Params, count_query, list_query

EDAD = Filtro("edad_minima", "Edad mínima", int, "edad >= {}", Field(None, ge=18, le=120), Texto())


def _placeholders(sql: str) -> list[int]:
    return [int(n) for n in re.findall(r"\$(\d+)", sql)]


def test_no_filters_is_the_published_list_only() -> None:
    count = count_query(FILTROS, ListFilters())
    assert count.args == ()
    # No filter is a filter set of publico.totales' columns: the sum of every published combination.
    assert "FROM publico.totales WHERE true" in count.sql and "$" not in count.sql
    rows = count_query(FILTROS, ListFilters.model_validate({"escolaridad": "Maestría"}))
    assert "FROM publico.candidaturas\nWHERE curricular IS NOT NULL" in rows.sql
    page = list_query(FILTROS, ListFilters())
    assert page.args == (25,) and page.sql.rstrip().endswith("LIMIT $1")


def test_each_filter_in_use_gets_the_next_number() -> None:
    filters = ListFilters.model_validate({"cargo": "DIP_MR", "sexo": "mujer", "municipio": "16053"})
    count = count_query(FILTROS, filters)
    assert "cargo = $1" in count.sql and "municipio = $2" in count.sql and "sexo = $3" in count.sql
    assert count.args == ("DIP_MR", 16053, "mujer")
    assert "postulante =" not in count.sql and "distrito =" not in count.sql
    page = list_query(FILTROS, filters, after=(1, 2, 0, 3, "López", 40))
    assert page.args == ("DIP_MR", 16053, "mujer", 1, 2, 0, 3, "López", 40, 25)
    assert _placeholders(page.sql) == list(range(1, 11))
    assert page.sql.rstrip().endswith("LIMIT $10")


def test_list_and_count_share_the_where_clause() -> None:
    filters = ListFilters.model_validate({"q": "José", "postulante": "PAN", "distrito": "7"})
    count, page = count_query(FILTROS, filters), list_query(FILTROS, filters)
    where = count.sql.split("WHERE", 1)[1].strip()
    assert where in page.sql
    assert page.args[:-1] == count.args


def test_search_is_accent_insensitive_and_wildcards_are_literal() -> None:
    query = count_query(FILTROS, ListFilters.model_validate({"q": "  JOSÉ 100%_ "}))
    # One parameter, used twice: the trigram index narrows, strpos (no wildcard at all) decides.
    assert "trigramas @> publico.trigramas($1::text) AND strpos(nombre_busqueda, $1::text) > 0" in query.sql
    assert "LIKE" not in query.sql
    assert query.args == ("jose 100%_",)


def test_a_condition_may_use_its_one_parameter_twice_but_never_two() -> None:
    twice = Filtro("dos", "Dos", str, "a = {0} OR b = {0}", control=Texto())
    model = model_of((twice,))
    query = count_query((twice,), model.model_validate({"dos": "x"}))
    assert "a = $1 OR b = $1" in query.sql and query.args == ("x",)
    for bad in ("a = {} OR b = {}", "a = 1", "a = {0} OR b = {1}", "a = {} OR b = {0}"):
        with pytest.raises(ValueError, match="placeholder"):
            Filtro("malo", "Malo", str, bad)


@pytest.mark.parametrize(
    "attack",
    ["'; DROP TABLE publico.candidaturas; --", "x' OR '1'='1", "$1", "{}", "PAN) OR (1=1"],
)
def test_injection_attempts_only_ever_become_parameters(attack: str) -> None:
    filters = ListFilters.model_validate({"cargo": attack[:20], "postulante": attack, "q": attack})
    harmless = ListFilters.model_validate({"cargo": "x", "postulante": "x", "q": "x"})
    for build in (count_query, list_query):
        query = build(FILTROS, filters)
        # The statement is the same text whatever the values: they are only ever parameters.
        assert query.sql == build(FILTROS, harmless).sql
        assert attack[:20] in query.args and attack in query.args


def test_blank_values_are_no_filter_and_bad_ones_are_refused() -> None:
    assert count_query(FILTROS, ListFilters.model_validate({"cargo": "", "sexo": "", "q": " "})).args == ()
    with pytest.raises(ValidationError) as exc:
        ListFilters.model_validate({"distrito": "abc", "sexo": "otro", "limite": "500"})
    assert {e["loc"][0] for e in exc.value.errors()} == {"distrito", "sexo", "limite"}


def test_adding_a_public_filter_is_one_row() -> None:
    table = (*FILTROS, EDAD)
    model = model_of(table)
    filters = model.model_validate({"edad_minima": "30", "sexo": "hombre"})
    query = count_query(table, filters)
    assert "sexo = $1" in query.sql and "edad >= $2" in query.sql and query.args == ("hombre", 30)
    with pytest.raises(ValidationError):
        model.model_validate({"edad_minima": "5"})
    # The cache key is the validated filters, the new one included.
    assert '"edad_minima":30' in filters.model_dump_json(exclude_none=True)


def test_a_row_without_exactly_one_placeholder_is_refused() -> None:
    with pytest.raises(ValueError, match="placeholder"):
        Filtro("malo", "Malo", str, "cargo = 'x'")
    with pytest.raises(ValueError, match="placeholder"):
        Filtro("malo", "Malo", str, "cargo = {} OR postulante = {}")


def test_params_number_in_order() -> None:
    params = Params()
    assert [params.add(v) for v in ("a", 2, None)] == ["$1", "$2", "$3"]
    assert params.values == ["a", 2, None]


def test_cursor_round_trip_and_made_up_cursors() -> None:
    assert ListFilters.model_validate({"cursor": encode_cursor(1234)}).after_id == 1234
    assert ListFilters.model_validate({"cursor": "OTk5OTk5OTk5OTk5OTk5OTk5"}).after_id is None
    assert ListFilters.model_validate({"cursor": "!!!"}).after_id is None


def test_the_form_offers_the_rows_with_a_control_in_table_order() -> None:
    assert [f.nombre for f in FILTROS if f.control] == [
        "q",
        "cargo",
        "postulante",
        "distrito",
        "municipio",
        "sexo",
        "edad",
        "escolaridad",
        "grupo",
        "accion_afirmativa",
    ]
