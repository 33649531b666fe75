"""The forms of the Unidad de Transparencia: a written revocation (captura) and a new aviso de privacidad
(publico), validated with Spanish messages and no server."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from services.captura.revocacion import RevocacionForm, errores
from services.common.mensajes import mensaje
from services.publico.avisos import MAX_TEXTO, AvisoForm

HOY = date(2027, 3, 10)


def _revocacion(**data: str) -> RevocacionForm:
    base = {"tipo": "2", "fecha_solicitud": "2027-03-09", "folio": " UT/123/2027 ", "nota": ""}
    return RevocacionForm.model_validate({**base, **data}, context={"hoy": HOY})


def _errores(**data: str) -> dict[str, str]:
    with pytest.raises(ValidationError) as exc:
        _revocacion(**data)
    return errores(exc.value)


def test_a_written_revocation_is_read_and_trimmed() -> None:
    form = _revocacion(tipo="3", nota="  Entregado en oficialía de partes.  ")
    assert (form.tipo, form.fecha_solicitud, form.folio) == (3, date(2027, 3, 9), "UT/123/2027")
    assert form.nota == "Entregado en oficialía de partes."
    assert _revocacion(fecha_solicitud="2027-03-10").fecha_solicitud == HOY


@pytest.mark.parametrize(
    ("data", "campo", "texto"),
    [
        ({"tipo": "1"}, "tipo", "la 2 (publicación) o la 3"),
        ({"tipo": ""}, "tipo", "la 2 (publicación) o la 3"),
        ({"tipo": "x"}, "tipo", "la 2 (publicación) o la 3"),
        ({"fecha_solicitud": ""}, "fecha_solicitud", "Escribe la fecha del escrito"),
        ({"fecha_solicitud": "2027-03-11"}, "fecha_solicitud", "posterior a hoy"),
        ({"fecha_solicitud": "2027-02-30"}, "fecha_solicitud", "fecha válida"),
        ({"fecha_solicitud": "1900-01-01"}, "fecha_solicitud", "demasiado antigua"),
        ({"folio": "   "}, "folio", "Escribe el folio"),
        ({"folio": "F" * 81}, "folio", "como máximo 80 caracteres"),
        ({"nota": "n" * 1001}, "nota", "como máximo 1000 caracteres"),
    ],
)
def test_a_bad_revocation_says_what_to_fix(data: dict[str, str], campo: str, texto: str) -> None:
    assert texto in _errores(**data)[campo]


def test_a_missing_folio_is_required() -> None:
    with pytest.raises(ValidationError) as exc:
        RevocacionForm.model_validate({"tipo": "2", "fecha_solicitud": "2027-03-01"}, context={"hoy": HOY})
    assert errores(exc.value) == {"folio": "Este dato es obligatorio."}


def test_a_new_aviso_keeps_its_paragraphs_and_refuses_what_the_table_would() -> None:
    texto = "Responsable. {instituto} trata los datos.\r\n\r\nFinalidad. Dar a conocer a las candidaturas."
    form = AvisoForm.model_validate({"texto": f"  {texto}  ", "version_base": "3"})
    assert form.texto == texto.replace("\r\n", "\n") and form.version_base == 3
    for bad, message in (
        ({"texto": "   ", "version_base": "1"}, "Escribe el texto del aviso."),
        ({"texto": "Corto.", "version_base": "1"}, "demasiado corto"),
        ({"texto": "x" * (MAX_TEXTO + 1), "version_base": "1"}, "como máximo 50000 caracteres"),
        ({"texto": texto, "version_base": ""}, "Vuelve a cargar la página"),
        ({"texto": texto, "version_base": "-1"}, "al menos 0"),
    ):
        with pytest.raises(ValidationError) as exc:
            AvisoForm.model_validate(bad)
        assert message in mensaje(exc.value.errors()[0])
