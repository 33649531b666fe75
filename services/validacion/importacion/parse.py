"""Reads an uploaded table (CSV in any of the encodings Excel writes, or XLSX) into rows of text by column name.

Header names are folded (no case, no accents, spaces as ``_``) so ``Primer Apellido`` and ``PRIMER_APELLIDO``
are the same column. Values stay text, except the dates and numbers an XLSX cell already carries.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

XLSX_MAGIC = b"PK\x03\x04"
Value = str | date | int | float | None


class ArchivoInvalido(ValueError):
    """The file as a whole cannot be read (not a table, empty, unknown encoding)."""


@dataclass
class Tabla:
    columnas: list[str]
    # Each row keeps its row number in the file (the header is row 1), as staff see it in Excel.
    filas: list[tuple[int, dict[str, Value]]] = field(default_factory=list)


def fold(text: str) -> str:
    """``"Número de Fórmula " -> "numero de formula"``: lower case, no accents, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def column_key(header: str) -> str:
    return fold(header).replace(" ", "_").replace("-", "_")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; anything that is not UTF-8 is what Excel writes in Spanish: cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # cp1252 is Latin-1 plus printable characters in 0x80-0x9F; five bytes are undefined there.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def delimiter(text: str) -> str:
    """``;`` (Excel in Spanish) or ``,``: the sniffer when it is sure, otherwise the more frequent in the header."""
    header = text.split("\n", 1)[0]
    try:
        found = csv.Sniffer().sniff(text[:8192], delimiters=";,\t").delimiter
    except csv.Error:
        found = ""
    if found and found in header:
        return found
    return ";" if header.count(";") > header.count(",") else ","


def _clean(value: Value) -> Value:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, datetime):
        return value.date()
    return value


def _table(rows: Any) -> Tabla:
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None or not any(h not in (None, "") for h in header):
        raise ArchivoInvalido("El archivo está vacío: la primera fila debe tener los nombres de las columnas.")
    columnas = [column_key(str(h)) if h is not None else "" for h in header]
    tabla = Tabla(columnas)
    for number, raw in enumerate(iterator, start=2):
        values = [_clean(v) for v in raw]
        if not any(v is not None for v in values):
            continue  # blank lines at the end of a spreadsheet are not rows
        row = {col: (values[i] if i < len(values) else None) for i, col in enumerate(columnas) if col}
        tabla.filas.append((number, row))
    return tabla


def read_csv(data: bytes) -> Tabla:
    text = decode(data)
    # newline="" semantics: csv handles CRLF, LF and quoted line breaks itself.
    return _table(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text)))


def read_xlsx(data: bytes) -> Tabla:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise ArchivoInvalido("El archivo XLSX no se pudo leer; guárdalo de nuevo desde Excel o como CSV.") from exc
    try:
        sheet = workbook.worksheets[0]
        return _table(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def read_table(filename: str, data: bytes, max_bytes: int) -> Tabla:
    """By content, not by extension: an XLSX is a ZIP; anything else must be delimited text."""
    if not data.strip():
        raise ArchivoInvalido("El archivo está vacío.")
    if len(data) > max_bytes:  # CONOCELES_MAX_UPLOAD_MB, the limit the gateway and the docs state
        raise ArchivoInvalido(f"El archivo pasa de {max_bytes // 1024**2} MB; divídelo en varios.")
    if data.startswith(XLSX_MAGIC):
        return read_xlsx(data)
    if b"\x00" in data[:4096]:
        raise ArchivoInvalido(f"«{filename}» no es un CSV ni un XLSX.")
    return read_csv(data)
