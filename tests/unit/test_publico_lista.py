"""The list's new filter rows, the age ranges, the links that keep or drop filters, and /comparar's pure parts."""

from __future__ import annotations

import itertools
from urllib.parse import parse_qs

import asyncpg
import pytest
from pydantic import ValidationError

from services.common.curricular import GRADOS, RUBROS
from services.publico.busqueda import search_text
from services.publico.comparar import ComparacionError, bloques, parse_ids
from services.publico.filters import EDADES, FILTROS, ListFilters, activos, edad_etiqueta, query_string
from services.publico.query import count_query


def _args(**query: str) -> tuple[str, tuple[object, ...]]:
    q = count_query(FILTROS, ListFilters.model_validate(query))
    return q.sql, q.args


def test_age_ranges_are_the_design_ones_and_cover_18_and_up_without_gaps() -> None:
    assert list(EDADES) == ["18-24", "25-29", "30-39", "40-49", "50-59", "60+"]
    bounds = list(EDADES.values())
    assert bounds[0][0] == 18 and bounds[-1][1] is None
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    assert edad_etiqueta("25-29") == "De 25 a 29 años" and edad_etiqueta("60+") == "60 años o más"


def test_age_filter_is_a_half_open_range_parameter() -> None:
    sql, args = _args(edad="25-29")
    assert "edad <@ $1::int4range" in sql and args == (asyncpg.Range(25, 30),)
    _, (open_ended,) = _args(edad="60+")
    assert open_ended == asyncpg.Range(60, None)


@pytest.mark.parametrize("field,value", [("edad", "17-20"), ("escolaridad", "Kinder"), ("accion_afirmativa", "x")])
def test_values_outside_the_offered_choices_are_refused(field: str, value: str) -> None:
    with pytest.raises(ValidationError):
        ListFilters.model_validate({field: value})


def test_escolaridad_grupo_and_accion_afirmativa_rows() -> None:
    sql, args = _args(escolaridad="Maestría", grupo="Persona indígena", accion_afirmativa="no")
    assert "curricular -> 'formacion' ->> 'grado_maximo' = $1" in sql
    assert "grupos_publicos @> ARRAY[$2::text]" in sql
    assert "(coalesce(btrim(accion_afirmativa), '') <> '') = $3" in sql
    assert args == ("Maestría", "Persona indígena", False)
    assert _args(accion_afirmativa="si")[1] == (True,)


def test_every_filter_of_the_design_is_a_row_and_all_but_none_are_offered_in_the_form() -> None:
    nombres = [f.nombre for f in FILTROS]
    for nombre in ("q", "cargo", "postulante", "distrito", "municipio", "sexo", "edad", "escolaridad", "grupo"):
        assert nombre in nombres
    assert "accion_afirmativa" in nombres
    assert all(f.control is not None for f in FILTROS)
    escolaridad = next(f for f in FILTROS if f.nombre == "escolaridad")
    assert [v for v, _ in escolaridad.control.opciones] == list(GRADOS)  # type: ignore[union-attr]


def test_query_string_keeps_every_filter_and_drops_only_the_one_asked() -> None:
    filters = ListFilters.model_validate(
        {"q": "Ana", "cargo": "DIP_MR", "distrito": "3", "edad": "60+", "limite": "10", "cursor": "zz"}
    )
    kept = parse_qs(query_string(FILTROS, filters, cursor="abc"))
    assert kept == {
        "q": ["Ana"],
        "cargo": ["DIP_MR"],
        "distrito": ["3"],
        "edad": ["60+"],
        "limite": ["10"],
        "cursor": ["abc"],
    }
    assert "distrito" not in parse_qs(query_string(FILTROS, filters, without="distrito"))


def test_active_filters_say_the_value_by_name_and_link_without_it() -> None:
    filters = ListFilters.model_validate({"municipio": "16053", "sexo": "mujer"})
    shown = activos(FILTROS, filters, {"municipio": [(16053, "Morelia")], "sexo": [("mujer", "Mujer")]})
    assert [(a.etiqueta, a.valor) for a in shown] == [("Municipio", "Morelia"), ("Sexo", "Mujer")]
    assert parse_qs(shown[0].quitar) == {"sexo": ["mujer"]} and parse_qs(shown[1].quitar) == {"municipio": ["16053"]}


def test_search_text_holds_the_nickname_without_accents() -> None:
    assert search_text("José", "Pérez", "", "El Güero") == "jose perez el guero"
    assert search_text("Ana", "Ruiz", None, None) == "ana ruiz"


def test_compare_ids_repeated_or_comma_separated_deduplicated() -> None:
    assert parse_ids(["3,1", "1", "2"]) == [3, 1, 2]
    assert parse_ids(["5", " 7 "]) == [5, 7]


@pytest.mark.parametrize(
    "values,status,text",
    [
        ([], 400, "al menos dos"),
        (["4"], 400, "al menos dos"),
        (["4,4"], 400, "al menos dos"),
        (["1,2,3,4,5"], 400, "hasta 4"),
        (["1,abc"], 400, "«abc» no es"),
        (["1,99999999999"], 400, "no es el número"),
        (["0,1"], 400, "no es el número"),
    ],
)
def test_compare_ids_refused_in_spanish(values: list[str], status: int, text: str) -> None:
    with pytest.raises(ComparacionError) as exc:
        parse_ids(values)
    assert exc.value.status == status and text in exc.value.mensaje


def test_compare_blocks_every_rubro_and_mark_the_empty_ones() -> None:
    a = {"propuestas": {"propuesta_1": "Agua"}, "formacion": {"grado_maximo": "Maestría"}}
    b = {"propuestas": {"propuesta_2": "Luz"}}
    out = bloques([a, b, None])
    assert [x.clave for x in out] == [r.clave for r in RUBROS]
    propuestas = next(x for x in out if x.clave == "propuestas")
    assert [(f.campo.name, f.valores) for f in propuestas.filas] == [
        ("propuesta_1", ("Agua", None, None)),
        ("propuesta_2", (None, "Luz", None)),
    ]
    assert propuestas.vacios == (False, False, True)
    contacto = next(x for x in out if x.clave == "contacto")
    assert contacto.filas == () and contacto.vacios == (True, True, True)
