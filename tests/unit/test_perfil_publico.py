"""The profile's pure parts: the five rubros always (empty fields marked), per-rubro dates, the parties sentence,
the PDF ficha's text, and how /mi-eleccion reads its form and groups contests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from services.common.contracts import Publish, Version
from services.common.curricular import RUBROS
from services.publico import ficha
from services.publico.mi_eleccion import Consulta, contiendas
from services.publico.perfil import SIN_INFORMACION, enumerar, rubros_publicos

from ..pdf_text import pdf_text

DECLARADO = datetime(2024, 3, 1, 18, tzinfo=UTC)
REVISADO = datetime(2024, 3, 4, 18, tzinfo=UTC)


def test_every_rubro_and_field_is_listed_and_empty_ones_are_marked() -> None:
    rubros = rubros_publicos({"propuestas": {"propuesta_1": "Agua", "propuesta_2": "  "}}, {}, DECLARADO, REVISADO)
    assert [r.rubro.clave for r in rubros] == [r.clave for r in RUBROS]
    propuestas = rubros[-1]
    assert not propuestas.vacio
    assert [d.texto for d in propuestas.datos] == ["Agua", None, None]
    assert all(r.vacio for r in rubros[:-1])


def test_a_rubro_with_its_own_dates_shows_them_and_the_others_the_questionnaires() -> None:
    propia = {"formacion": {"declarado_at": "2024-02-10T12:00:00+00:00", "revisado_at": "2024-02-12T12:00:00+00:00"}}
    rubros = {r.rubro.clave: r for r in rubros_publicos({}, propia, DECLARADO, REVISADO)}
    assert rubros["formacion"].declarado_at == datetime(2024, 2, 10, 12, tzinfo=UTC)
    assert rubros["formacion"].revisado_at == datetime(2024, 2, 12, 12, tzinfo=UTC)
    assert (rubros["propuestas"].declarado_at, rubros["propuestas"].revisado_at) == (DECLARADO, REVISADO)
    # A malformed stored date falls back instead of breaking the page.
    roto = rubros_publicos({}, {"formacion": {"declarado_at": "ayer"}}, DECLARADO, REVISADO)
    assert roto[1].declarado_at == DECLARADO


def test_publish_carries_the_questionnaire_dates_for_rubros_without_their_own() -> None:
    job = Publish(
        candidatura_id=1,
        cuestionario="curricular",
        numero=1,
        version=Version(respuestas={"formacion": {}, "propuestas": {}}),
        declarado_at=DECLARADO,
        revisado_at=REVISADO,
        fechas_rubros={"formacion": {"declarado_at": datetime(2024, 2, 1, tzinfo=UTC), "revisado_at": REVISADO}},
    )
    procedencia = job.procedencia()
    assert procedencia["formacion"]["declarado_at"].startswith("2024-02-01")
    assert procedencia["propuestas"] == {"declarado_at": "2024-03-01T18:00:00Z", "revisado_at": "2024-03-04T18:00:00Z"}


def test_parties_read_as_a_sentence() -> None:
    assert enumerar([]) == ""
    assert enumerar(["A"]) == "A"
    assert enumerar(["A", "B"]) == "A y B"
    assert enumerar(["A", "B", "C"]) == "A, B y C"


def test_the_ficha_prints_the_profile_and_marks_empty_rubros() -> None:
    data = ficha.render(
        ficha.Ficha(
            nombre="Ñeli Ávila <b>(Úrsulo)</b>",
            datos=(("Cargo", "Presidencia municipal, Morelia"),),
            rubros=(
                ficha.RubroFicha(
                    "Propuestas", (("Propuesta 1", "Agua & luz"),), "Declarado por la candidatura el 01/03/2024"
                ),
                ficha.RubroFicha("Formación académica", (), "Declarado por la candidatura el 02/03/2024"),
            ),
            grupos=("Personas con discapacidad",),
            direccion="https://conoceles.invalid/candidaturas/1",
        ),
        instituto="Instituto de Prueba",
        sin_informacion=SIN_INFORMACION,
    )
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    # reportlab draws a line in several strings where markup characters were escaped.
    assert "Ñeli Ávila <b>(Úrsulo)</b>" in text.replace("\n", "")  # markup in a name is text, not formatting
    for expected in (
        "Instituto de Prueba",
        "Agua & luz",
        SIN_INFORMACION,
        "Declarado por la candidatura el 02/03/2024",
        "Personas con discapacidad",
        "https://conoceles.invalid/candidaturas/1",
    ):
        assert expected in text, expected


def test_mi_eleccion_reads_blank_boxes_as_absent_and_refuses_words() -> None:
    assert Consulta.model_validate({"municipio": "", "seccion": ""}) == Consulta()
    assert Consulta.model_validate({"municipio": " 16053 "}).municipio == 16053
    with pytest.raises(ValidationError):
        Consulta.model_validate({"municipio": "Morelia"})
    with pytest.raises(ValidationError):
        Consulta.model_validate({"seccion": "-3"})


def _row(cargo: str, ambito: str, distrito: int | None = None, nombre: str = "") -> dict[str, object]:
    return {"cargo": cargo, "cargo_nombre": cargo.title(), "ambito": ambito, "distrito": distrito, "nombre": nombre}


def test_contests_group_by_cargo_and_distrito_in_the_given_order() -> None:
    rows = [
        _row("DIP_MR", "distrito", 10, "a"),
        _row("DIP_MR", "distrito", 10, "b"),
        _row("DIP_MR", "distrito", 11, "c"),
        _row("DIP_RP", "estado", None, "d"),
        _row("PRES_MUN", "municipio", None, "e"),
    ]
    grupos = contiendas(rows)  # type: ignore[arg-type]
    assert [g.titulo for g in grupos] == ["Dip_Mr, distrito 10", "Dip_Mr, distrito 11", "Dip_Rp", "Pres_Mun"]
    assert [len(g.candidaturas) for g in grupos] == [2, 1, 1, 1]
