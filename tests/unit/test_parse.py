"""Reading an uploaded table (services/validacion/importacion/parse.py): header checks, caps, hostile files."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import pytest
from openpyxl import Workbook

from services.validacion.importacion.parse import ArchivoInvalidoError, Limites, column_letter, read_table


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _patch(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == part else content)
    return out.getvalue()


SMALL = _xlsx([["cargo", "curp"], ["DIP_MR", "X"]])
SHEET = "xl/worksheets/sheet1.xml"


def test_rows_are_numbered_as_in_excel_and_blank_lines_skipped() -> None:
    tabla = read_table("a.csv", b"Cargo;CURP\n\nDIP_MR;x\n;\nSIND;y\n")
    assert tabla.columnas == ["cargo", "curp"]
    assert tabla.filas == [(3, {"cargo": "DIP_MR", "curp": "x"}), (5, {"cargo": "SIND", "curp": "y"})]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"cargo,CURP,Curp\nx,y,z\n", "repite nombres de columna («curp» en las columnas B, C)"),
        (b"N\xc3\xbamero,numero,cargo,Cargo\n1,2,3,4\n", "«numero» en las columnas A, B; «cargo» en las columnas C, D"),
    ],
)
def test_a_repeated_column_is_refused_not_overwritten(data: bytes, message: str) -> None:
    with pytest.raises(ArchivoInvalidoError, match=re.escape(message)):
        read_table("a.csv", data)


def test_a_repeated_column_in_xlsx_is_refused() -> None:
    with pytest.raises(ArchivoInvalidoError, match="«curp» en las columnas A, C"):
        read_table("a.xlsx", _xlsx([["CURP", "cargo", "curp"], ["a", "b", "c"]]))


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"
    ]  # fmt: skip


def test_rows_over_the_cap_are_refused_while_reading() -> None:
    limites = Limites(filas=3, renglones=100)
    read_table("a.csv", b"cargo\n" + b"x\n" * 3, limites)
    with pytest.raises(ArchivoInvalidoError, match="más de 3 filas"):
        read_table("a.csv", b"cargo\n" + b"x\n" * 4, limites)
    # Blank lines do not count as rows, but reading them has a limit too.
    read_table("a.csv", b"cargo\n" + b"\n" * 50 + b"x\n", limites)
    with pytest.raises(ArchivoInvalidoError, match="pasa de 100 renglones contando los vacíos"):
        read_table("a.csv", b"cargo\n" + b",\n" * 200 + b"x\n", limites)


def test_csv_field_over_the_limit_is_a_clear_refusal() -> None:
    with pytest.raises(ArchivoInvalidoError, match="línea 2 del CSV tiene un valor de más de 128 KB"):
        read_table("a.csv", b"cargo,curp\n" + b"a" * 200_000 + b",x\n")
    # An unclosed quote swallows the rest of the file: the line where it began is named.
    with pytest.raises(ArchivoInvalidoError, match="empieza en la línea 3"):
        read_table("a.csv", b'cargo,curp\nx,y\n"abc,x\n' + b"y,z\n" * 50_000)


@pytest.mark.parametrize(
    "prolog",
    [
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        b"<!DOCTYPE worksheet SYSTEM 'http://example.invalid/x.dtd'>",
    ],
)
@pytest.mark.parametrize("part", [SHEET, "xl/styles.xml", "[Content_Types].xml", "xl/workbook.xml"])
def test_xlsx_with_a_dtd_or_entities_is_refused_before_parsing(prolog: bytes, part: str) -> None:
    with pytest.raises(ArchivoInvalidoError, match="declaración DTD o entidades XML"):
        read_table("a.xlsx", _patch(SMALL, part, lambda c: prolog + c))


def test_a_dtd_split_across_read_chunks_is_found() -> None:
    padding = b"<!--" + b" " * (1024**2 - 8) + b"-->"
    with pytest.raises(ArchivoInvalidoError, match="declaración DTD"):
        read_table("a.xlsx", _patch(SMALL, SHEET, lambda c: padding + b"<!DOCTYPE x>" + c))


def test_xlsx_parts_in_utf16_are_refused() -> None:
    with pytest.raises(ArchivoInvalidoError, match="codificación que Excel no usa"):
        read_table("a.xlsx", _patch(SMALL, "xl/workbook.xml", lambda c: c.decode().encode("utf-16")))


def test_xlsx_that_expands_past_the_cap_is_refused_without_expanding() -> None:
    bomb = _patch(SMALL, "docProps/app.xml", lambda c: c + b" " * (3 * 1024**2))
    assert len(bomb) < 100_000
    with pytest.raises(ArchivoInvalidoError, match="descomprimido ocupa más de 2 MB"):
        read_table("a.xlsx", bomb, Limites(xlsx_bytes=2 * 1024**2))


def test_a_declared_dimension_does_not_pad_rows() -> None:
    huge = _patch(SMALL, SHEET, lambda c: c.replace(b'<dimension ref="A1:B2"', b'<dimension ref="A1:XFD1048576"'))
    tabla = read_table("a.xlsx", huge)
    assert tabla.columnas == ["cargo", "curp"] and tabla.filas == [(2, {"cargo": "DIP_MR", "curp": "X"})]


def test_a_far_away_row_stops_at_the_blank_rows_cap() -> None:
    far = b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    with pytest.raises(ArchivoInvalidoError, match="pasa de 1,000 renglones"):
        read_table("a.xlsx", _patch(SMALL, SHEET, lambda c: c.replace(b"</sheetData>", far)), Limites(renglones=1000))


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04garbage", _patch(SMALL, SHEET, lambda c: c[: len(c) // 2]), _patch(SMALL, SHEET, lambda c: b"")],
)
def test_broken_xlsx_is_a_clear_refusal(data: bytes) -> None:
    with pytest.raises(ArchivoInvalidoError, match="XLSX no se pudo leer"):
        read_table("a.xlsx", data)


def test_too_many_columns() -> None:
    with pytest.raises(ArchivoInvalidoError, match="tiene 201 columnas; el máximo es 200"):
        read_table("a.csv", (",".join(f"c{i}" for i in range(201)) + "\n1\n").encode())
