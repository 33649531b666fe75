"""The automatic checks of a submitted version, without any server: personal data, copies, placeholders."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.captura.curricular import rubro_complete
from services.common.contracts import Version
from services.common.marcadores import es_marcador
from services.publico.comparar import bloques
from services.publico.perfil import rubros_publicos
from services.validacion import revision_automatica as ra
from services.validacion.revision_automatica import copias, sensibles

DATOS = Path(__file__).parent / "datos"
# Floors (precision, recall) a little under what the detector measures on each file; the numbers and how each
# file was used are in docs/manual-personal/revision-automatica.md. sensibles_ciego.tsv was never used to tune the
# patterns: its recall is the honest figure for text nobody has seen.
PISOS = {
    "sensibles_etiquetado.tsv": (0.97, 0.97),
    "sensibles_control.tsv": (0.95, 0.95),
    "sensibles_ciego.tsv": (0.95, 0.75),
}


def _etiquetas(nombre: str) -> list[tuple[str, set[str]]]:
    rows = []
    for line in (DATOS / nombre).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            frase, _, clases = line.partition("\t")
            rows.append((frase, {c for c in clases.split(",") if c}))
    return rows


def _medir(rows: list[tuple[str, set[str]]]) -> tuple[Counter[str], Counter[str], Counter[str]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for frase, esperadas in rows:
        halladas = {h.clase for h in sensibles.buscar(frase)}
        tp.update(halladas & esperadas)
        fp.update(halladas - esperadas)
        fn.update(esperadas - halladas)
    return tp, fp, fn


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


@pytest.mark.parametrize("nombre", sorted(PISOS))
def test_precision_and_recall_on_the_labelled_sentences(nombre: str, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _etiquetas(nombre)
    tp, fp, fn = _medir(rows)
    with capsys.disabled():
        print(f"\n{nombre}: {len(rows)} frases")
        print(f"{'clase':22} {'VP':>4} {'FP':>4} {'FN':>4} {'precisión':>10} {'exhaustividad':>14}")
        for clase in sensibles.CLASES:
            p, r = _ratio(tp[clase], tp[clase] + fp[clase]), _ratio(tp[clase], tp[clase] + fn[clase])
            print(f"{clase:22} {tp[clase]:4} {fp[clase]:4} {fn[clase]:4} {p:10.3f} {r:14.3f}")
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    precision, recall = _ratio(total_tp, total_tp + total_fp), _ratio(total_tp, total_tp + total_fn)
    with capsys.disabled():
        print(f"{'total':22} {total_tp:4} {total_fp:4} {total_fn:4} {precision:10.3f} {recall:14.3f}")
    piso_p, piso_r = PISOS[nombre]
    assert precision >= piso_p and recall >= piso_r, (precision, recall)


def test_the_labelled_set_is_big_and_covers_every_class() -> None:
    rows = _etiquetas("sensibles_etiquetado.tsv")
    assert len(rows) >= 200
    assert {c for _, clases in rows for c in clases} == set(sensibles.CLASES)
    assert sum(1 for _, clases in rows if not clases) >= 100  # hard negatives


def test_a_curp_counts_only_with_its_check_digit() -> None:
    texto = "Mi CURP es RANE840517MMNMXL09."
    assert sensibles.buscar(texto) == [sensibles.Coincidencia("curp", 11, 29, "RANE840517MMNMXL09")]
    assert sensibles.buscar("Mi CURP es RANE840517MMNMXL05.") == []


@pytest.mark.parametrize(
    "texto",
    ["Regidora 2018-2021.", "De 1990 a 2000.", "$1,250,000 pesos", "1 200 000 000 de pesos", "12 500 familias"],
)
def test_years_ranges_money_and_counts_are_not_phones(texto: str) -> None:
    assert sensibles.buscar(texto) == []


def test_a_phone_span_is_the_number_exactly() -> None:
    texto = "Llámame al +52 443 555 1234, gracias."
    (hit,) = sensibles.buscar(texto)
    assert (hit.clase, texto[hit.inicio : hit.fin]) == ("telefono", "+52 443 555 1234")


def test_a_third_persons_phone_is_tercero() -> None:
    (hit,) = sensibles.buscar("Informes con la Lic. Martha Villalobos al 4433 22 11 00.")
    assert hit.clase == "tercero"


def test_a_health_topic_is_not_a_health_datum() -> None:
    assert sensibles.buscar("Mejoraré los servicios de salud y atenderé a quienes viven con VIH.") == []
    assert [h.clase for h in sensibles.buscar("Padezco diabetes desde 2010.")] == ["salud"]


def test_a_text_that_is_not_a_string_raises() -> None:
    with pytest.raises(TypeError):
        sensibles.buscar(42)  # type: ignore[arg-type]


# --- detectar over a whole version --------------------------------------------------------------------------


def test_detectar_skips_public_contact_and_flags_the_rest_with_field_spans() -> None:
    propuesta = "Mi CURP es RANE840517MMNMXL09 y mi celular 443 312 4567."
    version = Version(
        respuestas={
            "contacto": {"telefono_publico": "443 312 0000", "correo_publico": "campana@correo.invalid"},
            "formacion": {"grado_maximo": "Licenciatura", "estatus": "Título"},
            "propuestas": {"propuesta_1": propuesta},
        }
    )
    found = ra.detectar(version, "curricular")
    assert [(h.tipo, h.clase, h.rubro, h.campo, propuesta[h.inicio : h.fin]) for h in found] == [
        ("dato_sensible", "curp", "propuestas", "propuesta_1", "RANE840517MMNMXL09"),
        ("dato_sensible", "telefono", "propuestas", "propuesta_1", "443 312 4567"),
    ]


def test_a_curp_in_a_public_contact_field_is_still_flagged() -> None:
    version = Version(respuestas={"contacto": {"direccion_casa_campana": "Calle Allende 245 RANE840517MMNMXL09"}})
    assert [h.clase for h in ra.detectar(version, "curricular")] == ["curp"]


def test_identity_especificar_texts_are_checked_for_identifiers_only() -> None:
    version = Version(
        respuestas={
            "discapacidad": {
                "tiene": "si",
                "tipo": ["motriz"],
                "tipo_otro": "Padezco esclerosis, llámenme al 443 312 4567",
            }
        }
    )
    assert [(h.rubro, h.campo, h.clase) for h in ra.detectar(version, "identidad")] == [
        ("discapacidad", "tipo_otro", "telefono")
    ]


def test_an_odd_value_gives_a_revision_fallida_and_the_other_fields_are_still_checked() -> None:
    version = Version(
        respuestas={
            "profesional": {"historia_profesional": {"no": "un texto"}},
            "propuestas": {"propuesta_1": "Escríbeme a maria.ramirez84@gmail.com."},
        }
    )
    assert [(h.tipo, h.clase, h.campo) for h in ra.detectar(version, "curricular")] == [
        ("revision_fallida", "error", "historia_profesional"),
        ("dato_sensible", "correo", "propuesta_1"),
    ]


# --- copied proposals ---------------------------------------------------------------------------------------

ORIGINAL = (
    "Construiré una red de comedores comunitarios en cada tenencia, administrados por las vecinas y con apoyo "
    "del DIF municipal, para que ninguna niña ni niño se quede sin comer."
)


def test_an_identical_proposal_is_a_copy_whatever_the_case_accents_and_punctuation() -> None:
    copia = ORIGINAL.upper().replace("Í", "I").replace(",", " ;  ")
    s = copias.comparar(copias.tejas(copia), copias.tejas(ORIGINAL).conjunto)
    assert s.es_copia and s.jaccard == 1.0
    assert (s.inicio, s.fin) == (0, len(copia) - 1)  # every word, up to the final stop


def test_a_nearly_identical_proposal_is_a_copy_and_a_different_one_is_not() -> None:
    casi = ORIGINAL.replace("Construiré", "Haré") + " Lo haré desde el primer día de mi gobierno."
    assert copias.comparar(copias.tejas(casi), copias.tejas(ORIGINAL).conjunto).es_copia
    otra = (
        "Construiré una red de bibliotecas en cada tenencia, con talleres de lectura para jóvenes y personas "
        "mayores, y acceso gratuito a internet."
    )
    assert not copias.comparar(copias.tejas(otra), copias.tejas(ORIGINAL).conjunto).es_copia


def test_short_proposals_are_not_compared() -> None:
    assert not copias.tejas("Agua potable en cada colonia.").comparable
    assert copias.tejas(ORIGINAL).comparable


def test_the_sketch_of_two_near_copies_overlaps() -> None:
    casi = ORIGINAL + " Con transparencia."
    assert set(copias.tejas(casi).huella()) & set(copias.tejas(ORIGINAL).huella())
    assert len(copias.tejas(ORIGINAL).huella()) <= copias.HUELLA


# --- placeholders -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "texto",
    [
        None,
        "",
        "  ",
        ".",
        "-",
        "---",
        "N/A",
        "n/a",
        "NA",
        "xxx",
        "No proporcionó",
        "sin información",
        "Ninguno",
        "Lorem ipsum dolor sit amet, consectetur.",
        "S/D",
        "Pendiente",
        "no aplica",
    ],
)
def test_placeholders_count_as_missing(texto: str | None) -> None:
    assert es_marcador(texto)


@pytest.mark.parametrize("texto", ["Agua potable en cada colonia.", "Licenciatura", "443 312 0000", "Sin estudios"])
def test_real_answers_are_not_placeholders(texto: str) -> None:
    assert not es_marcador(texto)


def test_a_rubro_of_placeholders_is_empty_on_the_profile_and_the_ficha() -> None:
    now = datetime.now(UTC)
    curricular = {
        "profesional": {"historia_profesional": "N/A"},
        "propuestas": {"propuesta_1": "Agua potable en cada colonia.", "propuesta_2": "-", "propuesta_genero": "."},
    }
    rubros = {r.rubro.clave: r for r in rubros_publicos(curricular, {}, now, now)}
    assert rubros["profesional"].vacio
    assert not rubros["propuestas"].vacio
    assert [d.texto for d in rubros["propuestas"].datos] == ["Agua potable en cada colonia.", None, None]


def test_a_placeholder_does_not_complete_a_rubro_for_submit() -> None:
    assert not rubro_complete("profesional", {"historia_profesional": "Sin información"})
    assert not rubro_complete("contacto", {"telefono_publico": "N/A", "correo_publico": "-"})
    assert rubro_complete("profesional", {"historia_profesional": "Docente de primaria en Tacámbaro."})


def test_the_comparison_page_reads_placeholders_as_missing_too() -> None:
    propuestas = {"propuesta_1": "Agua potable en cada colonia.", "propuesta_2": "N/A"}
    curricular = {"profesional": {"historia_profesional": "."}, "propuestas": propuestas}
    por_rubro = {b.clave: b for b in bloques([curricular])}
    assert por_rubro["profesional"].vacios == (True,)
    assert [f.campo.name for f in por_rubro["propuestas"].filas] == ["propuesta_1"]
