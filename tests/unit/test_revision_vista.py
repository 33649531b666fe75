"""The reviewer's page helpers without a server: the word diff and the flagged spans."""

from __future__ import annotations

from services.validacion import diferencias, resaltado
from services.validacion.resaltado import Tramo


def test_a_word_diff_marks_removed_and_added_words_with_a_text_alternative() -> None:
    html = str(diferencias.diff_palabras("Agua potable en cada colonia.", "Agua limpia en cada colonia y tenencia."))
    assert html.startswith("Agua ")
    assert (
        '<del><span class="visualmente-oculto">[se quitó: </span>potable<span class="visualmente-oculto">]</span></del>'
        in html
    )
    assert "<ins>" in html and "limpia" in html and "y tenencia." in html
    assert " en cada " in html


def test_a_word_diff_escapes_the_persons_text() -> None:
    html = str(diferencias.diff_palabras("<b>hola</b>", "<script>alert(1)</script> hola"))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


def test_equal_texts_have_no_marks() -> None:
    assert str(diferencias.diff_palabras("igual", "igual")) == "igual"


def test_comparar_marks_only_changed_fields() -> None:
    partes = [("propuestas", "Propuestas", [("propuesta_1", "Propuesta 1"), ("propuesta_2", "Propuesta 2")])]
    anterior = {"propuestas": {"propuesta_1": "Agua", "propuesta_2": "Luz"}}
    actual = {"propuestas": {"propuesta_1": "Agua", "propuesta_2": "Luz y drenaje"}}
    [seccion] = diferencias.comparar(partes, anterior, actual)
    assert seccion.cambios == 1
    assert [c.etiqueta for c in seccion.campos if c.cambio] == ["Propuesta 2"]
    # A rubro absent from the old version compares with empty text, never fails.
    [nuevo] = diferencias.comparar(partes, {}, actual)
    assert nuevo.cambios == 2


def test_identity_dimensions_compare_by_question_text() -> None:
    old = [{"clave": "edad", "titulo": "Edad", "filas": [{"pregunta": "¿Eres joven?", "respuesta": "No"}]}]
    new = [{"clave": "edad", "titulo": "Edad", "filas": [{"pregunta": "¿Eres joven?", "respuesta": "Sí"}]}]
    [seccion] = diferencias.comparar_descritas(old, new)
    assert seccion.titulo == "Edad" and seccion.campos[0].etiqueta == "¿Eres joven?" and seccion.cambios == 1


def test_a_span_is_marked_and_named() -> None:
    texto = "Mi CURP es GOMR800101MMNRRS09, llámame."
    html = str(resaltado.resaltar(texto, [Tramo(11, 29, "Posible CURP")]))
    assert html == (
        'Mi CURP es <mark class="bandera">GOMR800101MMNRRS09</mark> <span class="bandera-clase">[Posible CURP]</span>'
        ", llámame."
    )


def test_overlapping_and_out_of_range_spans_never_repeat_or_cut_the_text() -> None:
    texto = "abc def ghi"
    html = str(resaltado.resaltar(texto, [Tramo(4, 7, "A"), Tramo(5, 11, "B"), Tramo(9, 50, "B"), Tramo(3, 3, "C")]))
    assert html.count("<mark") == 1
    assert '<mark class="bandera">def ghi</mark> <span class="bandera-clase">[A; B]</span>' in html
    assert html.startswith("abc ")


def test_spans_escape_the_text_around_and_inside() -> None:
    html = str(resaltado.resaltar("<i>x</i> 4433120000", [Tramo(9, 19, "Posible teléfono particular")]))
    assert "&lt;i&gt;x&lt;/i&gt;" in html and "<i>" not in html


def test_classes_and_states_are_words_never_keys() -> None:
    assert resaltado.clase("curp") == "Posible CURP"
    assert resaltado.clase("algo_nuevo", "dato_sensible") == "Posible dato sensible"
    assert resaltado.clase("x", "propuesta_copiada") == "Propuesta igual a la de otra candidatura"
    assert resaltado.estado("informativa") == "Informativa, no es una falta"
    assert "_" not in "".join(resaltado.ESTADOS.values()) + "".join(resaltado.CLASES.values())


def test_an_informative_span_is_marked_apart() -> None:
    html = str(resaltado.resaltar("Misma plataforma", [Tramo(0, 5, "Plataforma común", "bandera informativa")]))
    assert html.startswith('<mark class="bandera informativa">Misma</mark>')


def test_every_class_the_checks_write_has_a_spanish_label() -> None:
    from services.validacion.revision_automatica import CLASES_COPIA, ERROR, sensibles

    assert set(resaltado.CLASES) == {*sensibles.CLASES, *CLASES_COPIA, ERROR}
