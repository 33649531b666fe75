"""Another OPL runs Conóceles by configuration alone: its name, state, address and logo reach every page, PDF and
import message, the catalogs come from its own manifest, and no template or service module names Michoacán."""

from __future__ import annotations

import re
import zlib
from datetime import date
from pathlib import Path

import aiohttp_jinja2
import pytest
from pydantic import ValidationError

from services.auth import credenciales
from services.captura import consentimiento
from services.common.instituto import Instituto
from services.common.signed_identity import ANONYMOUS
from services.publico.app import create_app
from services.publico.settings import PublicoSettings
from services.validacion.catalogos import MANIFEST, read_manifest
from services.validacion.importacion.catalogo import Catalogo
from services.validacion.importacion.parse import Tabla
from services.validacion.importacion.territorio import validate as validate_territorio

ROOT = Path(__file__).resolve().parents[2]
PRUEBA = {
    "CONOCELES_INSTITUTO_NOMBRE": "Instituto Electoral de Prueba",
    "CONOCELES_INSTITUTO_SIGLAS": "IEP",
    "CONOCELES_INSTITUTO_ENTIDAD": "Oaxaca",
    "CONOCELES_INSTITUTO_URL": "https://www.iep.example",
    "CONOCELES_INSTITUTO_LOGO": "/static/logo-iep.svg",
}
HARD_CODED = re.compile(r"Michoac|Instituto Electoral de|\bIEM\b")


@pytest.fixture
def otro_opl(monkeypatch: pytest.MonkeyPatch) -> Instituto:
    for name, value in PRUEBA.items():
        monkeypatch.setenv(name, value)
    return Instituto()


def _pdf_text(data: bytes) -> str:
    """The PDF's metadata and every (Flate-compressed) content stream, as text."""
    parts = [data.decode("latin-1")]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            pass
    return "\n".join(parts)


def test_the_settings_come_from_the_environment(otro_opl: Instituto) -> None:
    assert otro_opl.nombre == "Instituto Electoral de Prueba" and otro_opl.entidad == "Oaxaca"
    assert PublicoSettings().instituto == otro_opl
    with pytest.raises(ValidationError):
        Instituto(url="www.sin-esquema.mx")
    with pytest.raises(ValidationError):
        Instituto(logo="javascript:alert(1)")


def test_pages_name_the_configured_institute_and_never_michoacan(otro_opl: Instituto) -> None:
    env = aiohttp_jinja2.get_env(create_app(PublicoSettings()))
    context = {"identity": ANONYMOUS, "csrf_token": "", "request_path": "/", "proceso_nombre": "Proceso Local 2027"}
    base = env.get_template("base.html").render(context)
    inicio = env.get_template("publico/inicio.html").render({**context, "counts": [], "total": 0})
    for html in (base, inicio):
        assert "Instituto Electoral de Prueba" in html and "Proceso Local 2027" in html
        assert "Michoac" not in html
    assert '<a href="https://www.iep.example">' in base and 'src="/static/logo-iep.svg"' in base
    assert "de Oaxaca" in inicio


def test_pdfs_name_the_configured_institute(otro_opl: Instituto) -> None:
    fila = credenciales.Credencial("PAN", "Diputación", "distrito 1", "1", "propietaria", "Ana", "ana.ruiz", "x" * 12)
    sheet = credenciales.pdf_sheet(
        [fila],
        {"PAN": "Partido Acción Nacional"},
        lote_id=7,
        instituto=otro_opl.nombre,
        proceso="Proceso Local 2027",
        acceso="https://conoceles.example/cuenta/entrar",
        generado="1 de marzo de 2027",
    )
    persona = consentimiento.Persona("Ana Pérez", "Presidencia municipal", "Oaxaca de Juárez", "propietaria", "PAN")
    form = consentimiento.formato_pdf(
        persona, instituto=otro_opl.nombre, proceso="Proceso Local 2027", generado=date(2027, 3, 1)
    )
    for pdf in (sheet, form):
        text = _pdf_text(pdf)
        assert "Instituto Electoral de Prueba" in text and "Michoac" not in text


def test_import_messages_name_the_configured_state_and_its_catalog() -> None:
    catalogo = Catalogo(proceso_id=1, jornada=date(2027, 6, 6), edades_minimas={}, entidad="Oaxaca")
    catalogo.municipios[20067] = ("Oaxaca de Juárez", True)
    catalogo.distritos = set(range(1, 26))
    # "67" is the municipal part of Oaxaca's INEGI key 20067, as "53" is Morelia's 16053.
    assert catalogo.municipio("67") == 20067 and catalogo.municipio("067") == 20067
    tabla = Tabla(
        ["municipio", "distrito"],
        [(2, {"municipio": "Springfield", "distrito": "3"}), (3, {"municipio": "67", "distrito": "30"})],
    )
    mensajes = [p.mensaje for p in validate_territorio("composicion", tabla, catalogo).errores]
    assert mensajes == [
        "El municipio «Springfield» no existe en Oaxaca.",
        "El distrito 30 no existe (los distritos locales van del 1 al 25).",
    ]


def test_another_opl_ships_its_own_catalog_manifest(tmp_path: Path) -> None:
    shipped = read_manifest(MANIFEST)
    assert [c.clave for c in shipped.cargos][:2] == ["DIP_MR", "DIP_RP"] and shipped.sin_ayuntamiento == [16024]
    manifest = tmp_path / "catalogos.toml"
    manifest.write_text(
        'municipios = "oax_municipios.csv"\ndistritos = "oax_distritos.csv"\npartidos = "oax_partidos.csv"\n'
        '[[cargos]]\nclave = "DIP_MR"\nnombre = "Diputación de mayoría relativa"\nambito = "distrito"\n'
        "edad_minima = 21\n",
        encoding="utf-8",
    )
    assert read_manifest(manifest).municipios == "oax_municipios.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"distrito"', '"galaxia"'), encoding="utf-8")
    with pytest.raises(ValidationError):
        read_manifest(manifest)


def test_no_template_or_service_module_hard_codes_the_institute() -> None:
    allowed = {ROOT / "services/common/instituto.py"}  # the documented defaults of the first deployment
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in ("services", "gateway", "launcher")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in (".py", ".html", ".txt") and path not in allowed
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HARD_CODED.search(line)
    ]
    assert found == []


def test_an_empty_variable_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # compose passes every CONOCELES_INSTITUTO_* variable, empty when the env file does not set it.
    monkeypatch.setenv("CONOCELES_INSTITUTO_NOMBRE", "")
    monkeypatch.setenv("CONOCELES_CATALOGOS", "")
    assert Instituto().nombre == Instituto.model_fields["nombre"].default
    assert Instituto().catalogos == MANIFEST
