"""The release's streaming writers give the bytes the in-memory build always gave, whatever the chunking, hash
what they write, and refuse a JSON whose announced total is not what was written."""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from services.common import celdas
from services.publico import datos
from services.publico.datos_escritura import EscritorRelease, JsonIncremental, Suma

from .test_datos import _row

NOW = datetime(2027, 5, 1, 18, 30, tzinfo=UTC)


def _filas(n: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        curricular = {
            "contacto": {"correo_publico": f"c{i}@ejemplo.invalid", "direccion_casa_campana": 'Calle "1", Centro'},
            "formacion": {"grado_maximo": "Licenciatura", "cursos": "Uno\nDos"},
            "propuestas": {"propuesta_1": "=1+1" if i % 3 == 0 else f"Agua ñandú {i}", "propuesta_2": "-x"},
        }
        rows.append(datos.fila(_row(id=1000 + i, curricular=curricular, edad=20 + i % 50), "Michoacán", "16"))
    return rows


def _old_csv(encabezado: Any, filas: Any) -> bytes:
    """The in-memory build as it was before the release was streamed (services/publico/datos.py, 2026-11)."""
    buffer = io.StringIO()
    writer = celdas.writer(buffer, lineterminator="\r\n")
    writer.writerow(encabezado)
    writer.writerows(filas)
    return buffer.getvalue().encode("utf-8-sig")


def _old_xlsx(encabezado: Any, filas: Any) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("candidaturas")
    sheet.append(celdas.fila(encabezado))
    for values in filas:
        sheet.append(celdas.fila(values))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _old_archivos(filas: list[dict[str, Any]], numero: int) -> dict[str, bytes]:
    tabla = [[f.get(n) for n in datos.NOMBRES] for f in filas]
    documento = {"publicacion": numero, "fecha": NOW.isoformat(), "total": len(filas), "candidaturas": filas}
    return {
        "candidaturas.csv": _old_csv(datos.NOMBRES, tabla),
        "candidaturas.xlsx": _old_xlsx(datos.NOMBRES, tabla),
        "candidaturas.json": orjson.dumps(documento),
        "diccionario.csv": _old_csv(
            ("COLUMNA", "TIPO", "DESCRIPCION"), [(c.nombre, c.tipo, c.descripcion) for c in datos.COLUMNAS]
        ),
    }


def _xlsx_cells(data: bytes) -> list[tuple[Any, ...]]:
    # The release's XLSX is written by xlsxwriter since 2026-12 (docs/datos-abiertos.md): other bytes, same cells.
    return list(load_workbook(io.BytesIO(data), read_only=True)["candidaturas"].iter_rows(values_only=True))


@pytest.mark.parametrize("chunk", [1, 7, 1000])
def test_streamed_files_are_the_in_memory_files_byte_for_byte(tmp_path: Path, chunk: int) -> None:
    filas = _filas(250)
    escritor = EscritorRelease(tmp_path, 5, NOW, len(filas), datos.NOMBRES)
    for start in range(0, len(filas), chunk):
        escritor.add(filas[start : start + chunk])
    sumas = escritor.close(datos.diccionario_csv())
    before = _old_archivos(filas, 5)
    for name in datos.ARCHIVOS:
        data = (tmp_path / name).read_bytes()
        assert sumas[name].bytes == len(data) and sumas[name].sha256 == hashlib.sha256(data).hexdigest(), name
        if name.endswith(".xlsx"):
            assert _xlsx_cells(data) == _xlsx_cells(before[name])
        else:
            assert data == before[name], name
    assert datos.archivos(filas, 5, NOW)["candidaturas.json"] == before["candidaturas.json"]


def test_a_rebuild_of_the_same_release_gives_the_same_bytes(tmp_path: Path) -> None:
    filas = _filas(40)
    for build in ("a", "b"):
        escritor = EscritorRelease(tmp_path / build, 5, NOW, len(filas), datos.NOMBRES)
        escritor.add(filas)
        escritor.close(datos.diccionario_csv())
    for name in datos.ARCHIVOS:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    # Nothing but the four files is left in the folder (the sheet's temporary file is gone).
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(datos.ARCHIVOS)
    with zipfile.ZipFile(tmp_path / "a" / "candidaturas.xlsx") as archive:
        assert NOW.strftime("%Y-%m-%dT%H:%M:%SZ").encode() in archive.read("docProps/core.xml")


def test_the_release_sheet_neutralises_formulas_and_keeps_numbers_and_gaps(tmp_path: Path) -> None:
    target = tmp_path / "h.xlsx"
    sheet = celdas.HojaXlsxGrande(target, ["A", "B", "C"], creado=NOW, hoja="h")
    sheet.append(['=HYPERLINK("http://evil.example")', 42, None])
    sheet.append(["http://ejemplo.invalid", "007", "＝1+1"])
    sheet.save()
    rows = list(load_workbook(target, read_only=True)["h"].iter_rows(values_only=True))
    assert rows == [
        ("A", "B", "C"),
        ('\'=HYPERLINK("http://evil.example")', 42, None),
        ("http://ejemplo.invalid", "007", "'＝1+1"),
    ]
    with zipfile.ZipFile(target) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"hyperlink" not in sheet_xml


def test_an_empty_release_is_still_a_valid_document(tmp_path: Path) -> None:
    escritor = EscritorRelease(tmp_path, 1, NOW, 0, datos.NOMBRES)
    escritor.close(datos.diccionario_csv())
    assert orjson.loads((tmp_path / "candidaturas.json").read_bytes())["candidaturas"] == []
    assert (tmp_path / "candidaturas.csv").read_bytes() == _old_csv(datos.NOMBRES, [])


def test_the_checksum_is_of_every_byte_written() -> None:
    raw = io.BytesIO()
    out = Suma(raw)
    for part in (b"uno", b"", "ñandú".encode()):
        out.write(part)
    assert out.archivo().sha256 == hashlib.sha256(raw.getvalue()).hexdigest()
    assert out.archivo().bytes == len(raw.getvalue())


def test_a_json_whose_rows_do_not_match_its_announced_total_is_refused() -> None:
    document = JsonIncremental(Suma(io.BytesIO()), 1, NOW, total=3)
    document.add([{"a": 1}, {"a": 2}])
    with pytest.raises(RuntimeError, match="announced 3"):
        document.close()


def test_xlsx_cells_stay_neutralised_when_written_row_by_row(tmp_path: Path) -> None:
    sheet = celdas.HojaXlsx(["A"], hoja="h")
    sheet.append(['=HYPERLINK("http://evil.example")'])
    sheet.append([42])
    sheet.save(tmp_path / "h.xlsx")
    values = [r[0] for r in load_workbook(tmp_path / "h.xlsx", read_only=True).active.iter_rows(values_only=True)]  # type: ignore[union-attr]
    assert values == ["A", '\'=HYPERLINK("http://evil.example")', 42]


class _HojaXlsxwriter(celdas.HojaXlsxGrande):
    """The release sheet as written before 2026-12-02's change: each cell by xlsxwriter's own write_* calls, and
    the rows' temporary file copied into the sheet by xlsxwriter's own text copy."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self._sheet._write_optimized_sheet_data

    def append(self, values: Any) -> None:
        for column, value in enumerate(celdas.fila(values)):
            if value is None:
                continue
            if isinstance(value, str):
                self._sheet.write_string(self._row, column, value)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                self._sheet.write_number(self._row, column, value)
            else:
                self._sheet.write_string(self._row, column, str(value))
        self._row += 1


def _hoja_bytes(clase: type[celdas.HojaXlsxGrande], target: Path, filas: list[list[Any]]) -> bytes:
    sheet = clase(target, ["A", "B", "C", "D"], creado=NOW, hoja="h")
    for values in filas:
        sheet.append(values)
    sheet.save()
    return target.read_bytes()


# Texts xlsxwriter escapes: control characters and its own _xHHHH_ escape, XML's &<>, the non-characters,
# whitespace at either end (ASCII and Unicode), formulas (neutralised), surrogate-pair characters.
_TEXTO_XLSX = st.lists(
    st.sampled_from([*list(" \t\n\r\x01\x1f\x0b&<>\"'=-_xX0aF4ñ😀\ufffe\uffff\xa0\u2028"), "_x0041_", "_x00ZZ_"]),
    max_size=10,
).map("".join)
_VALOR_XLSX = st.one_of(
    st.none(),
    _TEXTO_XLSX,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_VALOR_XLSX, max_size=4), max_size=6))
def test_the_release_sheet_has_the_bytes_of_xlsxwriters_own_cell_writing(filas: list[list[Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ours = _hoja_bytes(celdas.HojaXlsxGrande, Path(folder) / "a.xlsx", filas)
        theirs = _hoja_bytes(_HojaXlsxwriter, Path(folder) / "b.xlsx", filas)
    assert ours == theirs


def test_long_texts_are_truncated_as_xlsxwriter_truncates_them(tmp_path: Path) -> None:
    filas: list[list[Any]] = [["a" * 40_000, "😀" * 20_000, " " + "ñ" * 33_000, "x" * 16_000]]
    assert _hoja_bytes(celdas.HojaXlsxGrande, tmp_path / "a.xlsx", filas) == _hoja_bytes(
        _HojaXlsxwriter, tmp_path / "b.xlsx", filas
    )


def test_a_text_that_looks_like_rich_text_xml_stays_that_text(tmp_path: Path) -> None:
    # xlsxwriter would write it as raw XML: a cell holding a formula could be slipped into the sheet.
    injected = '<r><t>x</t></r></is></c><c r="D2"><f>1+1</f></c><c r="E2" t="inlineStr"><is><r><t>y</t></r>'
    target = tmp_path / "h.xlsx"
    sheet = celdas.HojaXlsxGrande(target, ["A"], creado=NOW, hoja="h")
    sheet.append([injected])
    sheet.save()
    assert list(load_workbook(target, read_only=True)["h"].iter_rows(values_only=True)) == [("A",), (injected,)]
    with zipfile.ZipFile(target) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
