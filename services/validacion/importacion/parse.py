"""Reads an uploaded table (CSV in any of the encodings Excel writes, or XLSX) into rows of text by column name.

Header names are folded (no case, no accents, spaces as ``_``) so ``Primer Apellido`` and ``PRIMER_APELLIDO``
are the same column. Values stay text, except the dates and numbers an XLSX cell already carries.
"""

from __future__ import annotations

import csv
import io
import logging
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

log = logging.getLogger(__name__)

XLSX_MAGIC = b"PK\x03\x04"
MAX_COLUMNAS = 200
DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")
Value = str | date | int | float | None


@dataclass(frozen=True)
class Limites:
    """How much of a file is read (ValidacionSettings sets them): rows with data, rows counting blank ones,
    and the expanded size of an XLSX."""

    filas: int = 20_000
    renglones: int = 40_000
    xlsx_bytes: int = 100 * 1024**2
    # The file as uploaded: CONOCELES_MAX_UPLOAD_MB, the limit the gateway, the 413 page and the docs state.
    archivo_bytes: int = 12 * 1024**2


class ArchivoInvalidoError(ValueError):
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


def column_letter(index: int) -> str:
    """``0 -> "A"``, ``26 -> "AA"``: how Excel names the column staff must look at."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _columns(header: Sequence[Any]) -> list[str]:
    columnas = [column_key(str(h)) if h not in (None, "") else "" for h in header]
    while columnas and not columnas[-1]:
        columnas.pop()
    if len(columnas) > MAX_COLUMNAS:
        raise ArchivoInvalidoError(f"La primera fila tiene {len(columnas)} columnas; el máximo es {MAX_COLUMNAS}.")
    seen: dict[str, list[int]] = {}
    for i, columna in enumerate(columnas):
        if columna:
            seen.setdefault(columna, []).append(i)
    repetidas = [(c, idx) for c, idx in seen.items() if len(idx) > 1]
    if repetidas:
        # Only one value per column can be kept: refusing is better than silently keeping the last.
        detalle = "; ".join(f"«{c}» en las columnas {', '.join(column_letter(i) for i in idx)}" for c, idx in repetidas)
        raise ArchivoInvalidoError(f"La primera fila repite nombres de columna ({detalle}); deja una sola de cada una.")
    return columnas


def _table(rows: Iterable[Sequence[Any]], limites: Limites) -> Tabla:
    """Reads up to the caps and stops there: a file over them is refused before anything is validated."""
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None or not any(h not in (None, "") for h in header):
        raise ArchivoInvalidoError("El archivo está vacío: la primera fila debe tener los nombres de las columnas.")
    columnas = _columns(header)
    width = len(columnas)
    tabla = Tabla(columnas)
    for number, raw in enumerate(iterator, start=2):
        if number > limites.renglones:
            raise ArchivoInvalidoError(
                f"El archivo pasa de {limites.renglones:,} renglones contando los vacíos; borra los renglones "
                "vacíos del final o divídelo en varios archivos."
            )
        values = [_clean(v) for v in raw[:width]]
        if all(v is None for v in values):
            continue  # blank lines at the end of a spreadsheet are not rows
        if len(tabla.filas) == limites.filas:
            raise ArchivoInvalidoError(
                f"El archivo tiene más de {limites.filas:,} filas; divídelo en archivos de hasta {limites.filas:,} "
                "filas y cárgalos uno por uno."
            )
        row = {col: (values[i] if i < len(values) else None) for i, col in enumerate(columnas) if col}
        tabla.filas.append((number, row))
    return tabla


def _csv_rows(reader: Any) -> Iterator[list[str]]:
    """The csv module's errors, in Spanish and with the line: they are the file's problem, not a crash."""
    while True:
        # An unclosed quote runs on for many lines: the line where the row began is the one to look at.
        inicio = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise ArchivoInvalidoError(
                    f"La fila que empieza en la línea {inicio} del CSV tiene un valor de más de "
                    f"{csv.field_size_limit() // 1024} KB; revisa que cada comilla de apertura tenga su comilla de "
                    "cierre."
                ) from exc
            raise ArchivoInvalidoError(f"El CSV no se puede leer en la línea {inicio}; guárdalo de nuevo.") from exc
        yield row


def read_csv(data: bytes, limites: Limites) -> Tabla:
    text = decode(data)
    # newline="" semantics: csv handles CRLF, LF and quoted line breaks itself.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    return _table(_csv_rows(reader), limites)


def _check_xlsx_parts(archive: zipfile.ZipFile, limites: Limites) -> None:
    """Excel never writes a DTD: one in any part is an attack (external entities, entity expansion), refused
    before an XML parser sees it. The parts' sizes are read from the ZIP directory, which zipfile enforces while
    reading, so a small file that expands to gigabytes is refused without expanding it."""
    total = sum(info.file_size for info in archive.infolist())
    if total > limites.xlsx_bytes:
        raise ArchivoInvalidoError(
            f"El archivo XLSX descomprimido ocupa más de {limites.xlsx_bytes // 1024**2} MB; guárdalo como CSV o "
            "divídelo en varios."
        )
    for info in archive.infolist():
        with archive.open(info) as part:
            head = part.read(4)
            # Excel writes UTF-8; an XML part in UTF-16 would hide a DTD from the byte search below.
            if head[:2] in UTF16_STARTS:
                raise ArchivoInvalidoError("El archivo XLSX tiene partes en una codificación que Excel no usa.")
            window = head
            while chunk := part.read(1024**2):
                window = window[-16:] + chunk
                if any(marker in window for marker in DTD_MARKERS):
                    raise ArchivoInvalidoError(
                        "El archivo XLSX contiene una declaración DTD o entidades XML, que Excel nunca escribe; "
                        "guárdalo de nuevo desde Excel o como CSV."
                    )


def read_xlsx(data: bytes, limites: Limites) -> Tabla:
    invalid = "El archivo XLSX no se pudo leer; guárdalo de nuevo desde Excel o como CSV."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_xlsx_parts(archive, limites)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ArchivoInvalidoError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise ArchivoInvalidoError(invalid) from exc
    except Exception as exc:  # openpyxl on a hostile file raises whatever its parser met (ParseError, TypeError…)
        log.info("XLSX refused: %r", exc)
        raise ArchivoInvalidoError(invalid) from exc
    try:
        sheet = workbook.worksheets[0]
        if isinstance(sheet, ReadOnlyWorksheet):
            # The declared dimension (it may say A1:XFD1048576) would pad every row to it: read what is there.
            sheet.reset_dimensions()
        return _table(sheet.iter_rows(values_only=True), limites)
    except ArchivoInvalidoError:
        raise
    except Exception as exc:  # the same: a malformed sheet is the file's problem
        log.info("XLSX sheet refused: %r", exc)
        raise ArchivoInvalidoError(invalid) from exc
    finally:
        workbook.close()


def read_table(filename: str, data: bytes, limites: Limites | None = None) -> Tabla:
    """By content, not by extension: an XLSX is a ZIP; anything else must be delimited text."""
    limites = limites or Limites()
    if not data.strip():
        raise ArchivoInvalidoError("El archivo está vacío.")
    if len(data) > limites.archivo_bytes:
        raise ArchivoInvalidoError(f"El archivo pasa de {limites.archivo_bytes // 1024**2} MB; divídelo en varios.")
    if data.startswith(XLSX_MAGIC):
        return read_xlsx(data, limites)
    if b"\x00" in data[:4096]:
        raise ArchivoInvalidoError(f"«{filename}» no es un CSV ni un XLSX.")
    return read_csv(data, limites)
