"""Pure parts of page 1 and page 9: the aviso text as paragraphs naming the institute, and the acuerdo fields of
the process settings form (services/validacion/proceso/forms.py)."""

from __future__ import annotations

from datetime import date

import pytest
from aiohttp import web
from multidict import MultiDict
from pydantic import ValidationError

from services.common import tiempo
from services.publico.enlaces import enlaces
from services.publico.paginas import parrafos
from services.validacion.proceso.forms import errores, from_form

ZONA = tiempo.zona("America/Mexico_City")
BASE = {
    "captura_inicio": "2027-03-01T09:00",
    "captura_fin": "2027-04-01T18:00",
    "publicacion_inicio": "2027-04-15T09:00",
    "jornada_electoral": "2027-06-06",
    "zona_horaria": "America/Mexico_City",
    "limite_texto_largo": "1000",
    "limite_propuesta": "500",
    "rondas_correccion": "2",
}


def test_parrafos_split_on_blank_lines_and_name_the_institute() -> None:
    texto = "{instituto} es responsable.\r\n\r\nSegundo   párrafo\ncontinúa.\n\n\n"
    assert parrafos(texto, "Instituto Electoral de Prueba") == [
        "Instituto Electoral de Prueba es responsable.",
        "Segundo párrafo continúa.",
    ]


def test_the_acuerdo_is_optional_and_trimmed() -> None:
    assert from_form(MultiDict(BASE), [], ZONA).acuerdo_publicacion_numero is None
    ajustes = from_form(
        MultiDict(
            {**BASE, "acuerdo_publicacion_numero": "  IEM-CG-12/2027 ", "acuerdo_publicacion_fecha": "2027-02-15"}
        ),
        [],
        ZONA,
    )
    assert ajustes.acuerdo_publicacion_numero == "IEM-CG-12/2027"
    assert ajustes.acuerdo_publicacion_fecha == date(2027, 2, 15)


@pytest.mark.parametrize(
    ("campos", "campo", "mensaje"),
    [
        ({"acuerdo_publicacion_fecha": "2027-02-15"}, "acuerdo_publicacion_fecha", "Escribe también el número"),
        ({"acuerdo_publicacion_numero": "X" * 121}, "acuerdo_publicacion_numero", "como máximo 120 caracteres"),
        ({"acuerdo_publicacion_numero": "IEM\x00CG"}, "acuerdo_publicacion_numero", "caracteres no válidos"),
        (
            {"acuerdo_publicacion_numero": "IEM-CG-1", "acuerdo_publicacion_fecha": "9999-01-01"},
            "acuerdo_publicacion_fecha",
            "entre los años",
        ),
        (
            {"acuerdo_publicacion_numero": "IEM-CG-1", "acuerdo_publicacion_fecha": "15/02/2027"},
            "acuerdo_publicacion_fecha",
            "fecha válida",
        ),
    ],
)
def test_a_wrong_acuerdo_says_what_is_wrong_in_spanish(campos: dict[str, str], campo: str, mensaje: str) -> None:
    with pytest.raises(ValidationError) as exc:
        from_form(MultiDict({**BASE, **campos}), [], ZONA)
    assert mensaje in errores(exc.value)[campo]


def test_links_to_other_pages_appear_only_once_their_route_exists() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response()

    app = web.Application()
    app.router.add_get("/datos", handler, name="datos")
    assert enlaces(app) == {"datos": "/datos"}
    assert "mi-eleccion" not in enlaces(app)
