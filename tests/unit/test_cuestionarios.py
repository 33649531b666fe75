"""The two questionnaires declared once (services/common/cuestionarios.py) and captura's own rules for each
(services/captura/curricular.py, services/captura/identidad.py), without a server."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from services.captura import curricular as captura_curricular
from services.captura import identidad as captura_identidad
from services.captura.envios import REQUISITOS
from services.common import curricular, identidad
from services.common.cuestionarios import FORMAS, Cuestionario, es_cuestionario, forma
from services.common.identidad import NO_APLICA, PREFIERO, Condicion, ConjuntoIdentidad, Dimension, Opcion, Pregunta
from services.common.observaciones import FUNDAMENTOS, FUNDAMENTOS_IDENTIDAD

ROOT = Path(__file__).resolve().parents[2]


def test_every_questionnaire_has_its_facts_and_its_submit_requirements() -> None:
    assert set(FORMAS) == set(Cuestionario) == set(REQUISITOS)
    assert [c.value for c in Cuestionario] == ["curricular", "identidad"]


def test_facts_as_people_read_them() -> None:
    assert forma("curricular").titulo == "Cuestionario curricular"
    assert forma("identidad").nombre == "cuestionario de identidad"
    assert forma("identidad").adjetivo.capitalize() == "De identidad"
    assert forma("curricular").fundamentos is FUNDAMENTOS
    assert forma("identidad").fundamentos is FUNDAMENTOS_IDENTIDAD


def test_rubros_are_fixed_dimensions_come_from_the_question_set() -> None:
    assert forma("curricular").partes_fijas == tuple((r.clave, r.titulo) for r in curricular.RUBROS)
    assert forma("identidad").partes_fijas is None


def test_an_unknown_questionnaire_is_refused() -> None:
    assert not es_cuestionario("foto")
    assert es_cuestionario("identidad")
    with pytest.raises(ValueError):
        forma("foto")


def test_no_service_branches_on_the_questionnaire_name() -> None:
    """Telling the two apart is a lookup in FORMAS, not ``if cuestionario == …`` (issue #8). The submit payload
    (envios.submit, publico.jobs.publish) is the jobs' business and still dispatches there."""
    allowed = {("services/captura/envios.py", 1), ("services/publico/jobs.py", 1)}
    found: dict[str, int] = {}
    for path in (ROOT / "services").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Compare)
                and isinstance(node.left, ast.Name)
                and node.left.id == "cuestionario"
                and any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops)
            ):
                rel = str(path.relative_to(ROOT))
                found[rel] = found.get(rel, 0) + 1
    assert set(found.items()) <= allowed, found


# --- cuestionario curricular: captura's rules -------------------------------------------------------------


def test_capture_rules_no_longer_live_in_common() -> None:
    for name in ("clean_rubro", "limits_for", "rubro_complete", "missing_rubros", "is_captured"):
        assert not hasattr(curricular, name), name
        assert hasattr(captura_curricular, name), name
    for name in ("clean_dimension", "applies", "pending", "missing_messages", "TEXT_MAX"):
        assert not hasattr(identidad, name), name
        assert hasattr(captura_identidad, name), name


def test_limits_follow_the_process_configuration() -> None:
    propuestas = curricular.RUBROS_BY_KEY["propuestas"]
    assert captura_curricular.limits_for(propuestas, 5000, 800)["propuesta_1"] == 800
    # A configured limit never goes above the field's own maximum.
    assert captura_curricular.limits_for(propuestas, 5000, 99_999)["propuesta_1"] == curricular.PROPOSAL
    formacion = curricular.RUBROS_BY_KEY["formacion"]
    assert captura_curricular.limits_for(formacion, 100, 100) == {"grado_maximo": 300, "estatus": 300, "cursos": 100}


def test_clean_rubro_applies_the_limit_and_the_options() -> None:
    formacion = curricular.RUBROS_BY_KEY["formacion"]
    limits = captura_curricular.limits_for(formacion, 10, 10)
    values, errors = captura_curricular.clean_rubro(
        formacion, {"grado_maximo": "Kinder", "estatus": "Título", "cursos": "x" * 11}, limits
    )
    assert set(errors) == {"grado_maximo", "cursos"}
    assert "10 caracteres" in errors["cursos"]
    values, errors = captura_curricular.clean_rubro(
        formacion, {"grado_maximo": " Doctorado ", "estatus": "Título", "otro": "se ignora"}, limits
    )
    assert errors == {}
    assert values == {"grado_maximo": "Doctorado", "estatus": "Título", "cursos": ""}


def test_completeness_per_rubro() -> None:
    assert captura_curricular.rubro_complete("contacto", {"telefono_publico": "4431234567"})
    assert not captura_curricular.rubro_complete("contacto", {"facebook": "https://facebook.com/x"})
    assert not captura_curricular.rubro_complete("formacion", {"grado_maximo": "Doctorado"})
    assert captura_curricular.rubro_complete("formacion", {"grado_maximo": "Doctorado", "estatus": "Título"})
    assert not captura_curricular.is_captured({"a": ""})
    assert captura_curricular.is_captured({"a": "", "b": "x"})


def test_curricular_missing_lists_titles_in_order() -> None:
    assert captura_curricular.curricular_missing({}) == [r.titulo for r in curricular.RUBROS]
    saved = {"profesional": {"historia_profesional": "Docente"}}
    assert "Historia profesional y/o laboral" not in captura_curricular.curricular_missing(saved)


# --- cuestionario de identidad: captura's rules --------------------------------------------------------------

PERTENECE = Pregunta(
    "pertenece",
    "¿Te identificas como persona con discapacidad?",
    "una",
    (Opcion("si", "Sí"), Opcion("no", "No"), Opcion(PREFIERO, "Prefiero no contestar")),
)
TIPO = Pregunta(
    "tipo",
    "¿Qué tipo?",
    "varias",
    (
        Opcion("sensorial", "Sensorial"),
        Opcion("visual", "Visual", padre="sensorial"),
        Opcion("otra", "Otra", especificar=True),
    ),
    (Condicion("pertenece", frozenset({"si"})),),
)
NOMBRE = Pregunta("nombre", "¿Cómo te nombras?", "texto", ())
DIMENSION = Dimension("discapacidad", "Discapacidad", (PERTENECE, TIPO, NOMBRE))
CONJUNTO = ConjuntoIdentidad(1, 1, (DIMENSION,), {"discapacidad": DIMENSION})


def test_skip_rule_applied_on_save_whatever_the_form_sent() -> None:
    answers, errors, _shown = captura_identidad.clean_dimension(DIMENSION, {"pertenece": ["no"], "tipo": ["visual"]})
    assert errors == {}
    assert answers == {"pertenece": "no", "tipo": NO_APLICA}


def test_sub_option_implies_its_option_and_otro_is_kept() -> None:
    form = {"pertenece": ["si"], "tipo": ["visual", "otra"], "tipo_otro": ["  Motriz  "]}
    answers, errors, _shown = captura_identidad.clean_dimension(DIMENSION, form)
    assert errors == {}
    assert answers["tipo"] == ["sensorial", "visual", "otra"]
    assert answers["tipo_otro"] == "Motriz"


def test_unknown_option_and_too_long_text_are_refused() -> None:
    form = {"pertenece": ["tal_vez"], "nombre": ["x" * (captura_identidad.TEXT_MAX + 1)]}
    answers, errors, shown = captura_identidad.clean_dimension(DIMENSION, form)
    assert set(errors) == {"pertenece", "nombre"}
    assert answers == {}
    assert shown["pertenece"] == "tal_vez"  # the form shows what the person sent


def test_prefiero_no_se_combina() -> None:
    _answers, errors, _shown = captura_identidad.clean_dimension(DIMENSION, {"nombre": ["Ana", PREFIERO]})
    assert "no ambas" in errors["nombre"]


def test_applies_waits_for_the_question_it_depends_on() -> None:
    assert captura_identidad.applies(TIPO, {}) is None
    assert captura_identidad.applies(TIPO, {"pertenece": "si"}) is True
    assert captura_identidad.applies(TIPO, {"pertenece": NO_APLICA}) is False


def test_pending_and_missing_messages() -> None:
    pending = captura_identidad.pending(CONJUNTO, {"discapacidad": {"pertenece": "no"}})
    assert [p.clave for p in pending["discapacidad"]] == ["nombre"]
    expected = ["Responde las preguntas pendientes de «Discapacidad» (3)."]
    assert captura_identidad.missing_messages(CONJUNTO, {}) == expected
    done = {"discapacidad": {"pertenece": "no", "tipo": NO_APLICA, "nombre": PREFIERO}}
    assert captura_identidad.missing_messages(CONJUNTO, done) == []
