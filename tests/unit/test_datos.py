"""The open-data release's contents without a server: the row of a published candidacy, private fields kept
out, formula cells neutralised, checksums, the changelog, and the OpenAPI document's list parameters."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, datetime
from typing import Any

import orjson
from openpyxl import load_workbook

from gateway.app import retry_after
from services.publico import datos, openapi
from services.publico.filters import FILTROS

NOW = datetime(2027, 5, 1, 18, 30, tzinfo=UTC)


def _row(**over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": 41,
        "cargo": "AYU",
        "cargo_nombre": "Presidencia municipal",
        "postulante": "PAN",
        "postulante_nombre": "Partido Acción Nacional",
        "postulante_tipo": "partido",
        "distrito": None,
        "municipio": 16053,
        "municipio_nombre": "Morelia",
        "numero": 1,
        "tipo": "propietaria",
        "sexo": "mujer",
        "edad": 44,
        "nombre_completo": "Lucía Hernández Ñúñez",
        "curricular": {
            "contacto": {
                "correo_publico": "campana@ejemplo.invalid",
                "telefono_publico": "443 000 0000",
                "facebook": "https://facebook.com/lucia",
                "x": "https://x.com/lucia",
            },
            "formacion": {"grado_maximo": "Licenciatura", "estatus": "Título"},
            "propuestas": {"propuesta_1": '=HYPERLINK("http://evil.example","Ver")', "propuesta_2": "Agua"},
        },
        "declarado_at": NOW,
        "revisado_at": NOW,
        # Identity answers without consent 2: only the acción afirmativa group may show.
        "identidad": {"grupos": ["Persona de la diversidad sexual"], "respuestas": {"d1": {"q": "SECRETO"}}},
        "identidad_publica": False,
        "accion_afirmativa": None,
    }
    return {**row, **over}


def test_a_row_carries_the_ine_columns_first_then_ids_and_inegi_keys() -> None:
    values = datos.fila(_row(), "Michoacán", "16")
    assert list(values) == list(datos.NOMBRES)
    assert datos.NOMBRES[:3] == ("PARTIDO_COALICION", "CARGO", "ENTIDAD")
    assert datos.NOMBRES[24] == "PROPUESTA_GENERO" and datos.NOMBRES[25] == "ID_CANDIDATURA"
    assert values["PARTIDO_COALICION"] == "Partido Acción Nacional (PAN)"
    assert values["TIPO_CANDIDATO"] == "propietaria" and values["SEXO"] == "Mujer"
    assert values["REDES"] == "https://facebook.com/lucia | https://x.com/lucia"
    assert values["CVE_MUNICIPIO_INEGI"] == "16053" and values["CVE_ENTIDAD_INEGI"] == "16"
    assert values["ESCOLARIDAD"] == "Licenciatura" and values["HISTORIA_PROFESIONAL"] is None
    assert values["DECLARADO_EL"] == NOW.isoformat()


def test_identity_groups_appear_only_with_consent() -> None:
    assert datos.fila(_row(), "M", "16")["GRUPOS"] is None
    shown = datos.fila(_row(identidad_publica=True), "M", "16")["GRUPOS"]
    assert shown == "Persona de la diversidad sexual"


def test_no_private_field_reaches_any_file() -> None:
    # A read-model row never has them, but one that did (a future column) must still not leak: the files hold
    # the dictionary's columns only.
    row = _row(curp="HEÑL800101MMNRXX09", rfc="HENL800101AB1", clave_elector="CLAVEPRIVADA01", fecha_nacimiento="1980")
    files = datos.archivos([datos.fila(row, "M", "16")], 1, NOW)
    for name, data in files.items():
        text = data.decode("utf-8-sig") if not name.endswith(".xlsx") else _xlsx_text(data)
        for secret in ("HEÑL800101", "HENL800101AB1", "CLAVEPRIVADA01", "SECRETO"):
            assert secret not in text, (name, secret)


def _xlsx_text(data: bytes) -> str:
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return "\n".join(str(c) for r in sheet.iter_rows(values_only=True) for c in r)  # type: ignore[union-attr]


def test_formula_cells_are_neutralised_in_csv_and_xlsx_but_json_keeps_the_data() -> None:
    files = datos.archivos([datos.fila(_row(), "M", "16")], 3, NOW)
    assert files["candidaturas.csv"].startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    rows = list(csv.DictReader(io.StringIO(files["candidaturas.csv"].decode("utf-8-sig"))))
    assert rows[0]["PROPUESTA_1"].startswith("'=") and rows[0]["NOMBRE_CANDIDATO"] == "Lucía Hernández Ñúñez"
    sheet = load_workbook(io.BytesIO(files["candidaturas.xlsx"])).active
    header = [c.value for c in sheet[1]]  # type: ignore[index]
    cell = sheet.cell(row=2, column=header.index("PROPUESTA_1") + 1)  # type: ignore[union-attr]
    assert cell.data_type == "s" and str(cell.value).startswith("'=")
    document = orjson.loads(files["candidaturas.json"])
    assert document["publicacion"] == 3 and document["total"] == 1
    assert document["candidaturas"][0]["PROPUESTA_1"].startswith("=HYPERLINK")


def test_checksums_are_sha256_of_the_bytes() -> None:
    data = b"hola"
    assert datos.sha256(data) == hashlib.sha256(data).hexdigest()
    assert len(datos.sha256(datos.diccionario_csv())) == 64


def test_the_content_hash_changes_with_the_content_only() -> None:
    a = datos.fila(_row(), "M", "16")
    assert datos.huella(a) == datos.huella(dict(reversed(list(a.items()))))
    assert datos.huella(a) != datos.huella({**a, "PROPUESTA_2": "Agua potable"})


def test_the_changelog_says_added_withdrawn_and_corrected_by_id() -> None:
    before = {"1": "a", "2": "b", "3": "c"}
    after = {"2": "b", "3": "C", "10": "z"}
    assert datos.cambios(before, after) == {"agregadas": [10], "retiradas": [1], "corregidas": [3]}
    assert datos.cambios({}, {"5": "x"}) == {"agregadas": [5], "retiradas": [], "corregidas": []}


def test_the_dictionary_lists_every_column() -> None:
    rows = list(csv.reader(io.StringIO(datos.diccionario_csv().decode("utf-8-sig"))))
    assert rows[0] == ["COLUMNA", "TIPO", "DESCRIPCION"]
    assert [r[0] for r in rows[1:]] == list(datos.NOMBRES)
    assert all(r[2] for r in rows[1:])


def test_openapi_documents_every_filter_of_the_table() -> None:
    document = openapi.document()
    assert document["openapi"].startswith("3.")
    params = {p["name"] for p in document["paths"]["/api/v1/candidaturas"]["get"]["parameters"]}
    assert {f.nombre for f in FILTROS} | {"cursor", "limite"} <= params
    for path in document["paths"].values():
        for response in path["get"]["responses"].values():
            ref = response["content"]["application/json"]["schema"]["$ref"]
            assert ref.rsplit("/", 1)[1] in document["components"]["schemas"]


def test_a_429_says_when_the_window_ends() -> None:
    assert retry_after(120.0) == 60
    assert retry_after(179.5) == 1
    assert retry_after(150.2) == 30


def test_placeholders_are_exported_as_missing_like_the_profile_shows_them() -> None:
    curricular = {
        "formacion": {"grado_maximo": "Licenciatura", "cursos": "N/A"},
        "profesional": {"historia_profesional": "  .  "},
        "propuestas": {"propuesta_1": "sin información", "propuesta_2": "Agua potable"},
        "contacto": {"pagina_web": "n/d", "facebook": "ninguno", "x": "https://x.com/lucia"},
    }
    values = datos.fila(_row(curricular=curricular), "M", "16")
    assert values["CURSOS"] is None and values["HISTORIA_PROFESIONAL"] is None and values["PROPUESTA_1"] is None
    assert values["PAGINA_WEB"] is None and values["REDES"] == "https://x.com/lucia"
    assert values["PROPUESTA_2"] == "Agua potable" and values["ESCOLARIDAD"] == "Licenciatura"


def test_circunscripcion_is_filled_for_rp_lists_only() -> None:
    assert datos.fila(_row(), "M", "16")["CIRCUNSCRIPCION"] is None  # a row without the registry's columns
    rp = _row(cargo="DIP_RP", cargo_ambito="estado", circunscripcion=None, municipio=None)
    assert datos.fila(rp, "M", "16")["CIRCUNSCRIPCION"] == 1
    assert datos.fila({**rp, "circunscripcion": 2}, "M", "16")["CIRCUNSCRIPCION"] == 2
    assert datos.fila(_row(cargo_ambito="municipio", circunscripcion=None), "M", "16")["CIRCUNSCRIPCION"] is None
