"""Every cell of a CSV or XLSX the system writes goes through here, so no text runs as a spreadsheet formula.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before
one) as a formula: a candidate named ``=HYPERLINK("http://…")`` would become a link, or worse, on the
computer of whoever opens the export. Such text is written with a leading apostrophe, which spreadsheets
show as plain text (OWASP's "CSV injection" advice). Numbers stay numbers. No I/O.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import os
import re
import shutil
import threading
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from math import isinf, isnan
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
import xlsxwriter.workbook  # type: ignore[import-untyped]
from openpyxl import Workbook
from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_col_to_name  # type: ignore[import-untyped]
from xlsxwriter.xmlwriter import XMLwriter  # type: ignore[import-untyped]

# An XLSX cell's text limit, in UTF-16 units (xlsxwriter truncates a longer one).
XLS_STRMAX = 32767
# The full-width forms too: some spreadsheets fold them to their ASCII twins.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def celda(value: Any) -> Any:
    """The value as it may be written to a cell: text that a spreadsheet would run is made plain text."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def fila(values: Iterable[Any]) -> list[Any]:
    return [celda(v) for v in values]


class EscritorCsv:
    """``csv.writer`` whose every row goes through :func:`celda`; the only CSV writer services use."""

    def __init__(self, buffer: io.StringIO, **options: Any) -> None:
        self._writer = csv.writer(buffer, **options)

    def writerow(self, values: Iterable[Any]) -> Any:
        return self._writer.writerow(fila(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(buffer: io.StringIO, **options: Any) -> EscritorCsv:
    return EscritorCsv(buffer, **options)


def _campo_csv(value: Any) -> str:
    # csv.writer's field, QUOTE_MINIMAL: None is empty, a float its repr, anything else its str; quoted when it
    # holds the delimiter, the quote (doubled) or a line end.
    if value is None:
        return ""
    if isinstance(value, str):
        text: str = celda(value)
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = str(value)
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


def lineas_csv(rows: Iterable[Iterable[Any]]) -> str:
    """What :func:`writer` with ``lineterminator="\\r\\n"`` writes for ``rows`` (every cell through :func:`celda`),
    built with ``str`` methods: CPython's csv module looks at a field one character at a time, ~20 times slower
    on the release's long answers (docs/bench.md). ``tests/unit/test_celdas_csv.py`` holds the two equal."""
    lineas = []
    for row in rows:
        campos = [_campo_csv(v) for v in row]
        # csv.writer quotes a row that is one empty field, which would otherwise be a blank line.
        lineas.append('""\r\n' if len(campos) == 1 and not campos[0] else ",".join(campos) + "\r\n")
    return "".join(lineas)


class HojaXlsx:
    """A one-sheet XLSX written row by row, every cell through :func:`celda`. openpyxl's write-only mode keeps the
    sheet in a temporary file until :meth:`save`, so memory stays flat however many rows are appended."""

    def __init__(self, encabezado: Iterable[Any], hoja: str = "datos") -> None:
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(hoja)
        self._sheet.append(fila(encabezado))

    def append(self, values: Iterable[Any]) -> None:
        self._sheet.append(fila(values))

    def save(self, target: Any) -> None:
        """To a path or a binary file; the zip is written straight there, the sheet copied from its temporary file."""
        self._book.save(target)


class HojaXlsxGrande:
    """A one-sheet XLSX of any size (the open-data release), every cell through :func:`celda`, written by xlsxwriter
    in ``constant_memory`` mode: each row goes to a temporary file as soon as it is appended, and the workbook's
    other parts and its zip are xlsxwriter's. A text is always a text cell (an inline string), never a formula,
    number or link; numbers are written as numbers, ``None`` as no cell.

    The row's XML is built here, as the very text xlsxwriter's ``write_string`` / ``write_number`` write in that
    mode (the same escapes, its own helpers for the rare cases), and written to the worksheet's temporary file:
    xlsxwriter's per-cell path was most of the release's XLSX time (docs/bench.md). One difference on purpose:
    xlsxwriter writes a text that starts with ``<r>`` and ends with ``</r>`` as raw rich-text XML, so a
    candidate's answer could inject cells (a formula) into the sheet; here it is escaped like any other text.
    ``tests/unit/test_datos_escritura.py`` compares the bytes with xlsxwriter's own writing.

    The file's bytes depend only on the rows and ``creado`` (the workbook's creation date in docProps/core.xml;
    xlsxwriter dates every zip entry 1980-01-01), so a rebuild of the same release gives the same file. The zip
    is deflated at level 1: the sheet's XML is most of the release's XLSX time at level 6 for a file ~25% larger.
    """

    def __init__(self, target: Path, encabezado: Iterable[Any], creado: datetime, hoja: str = "datos") -> None:
        # The sheet's temporary file (mkstemp: never deleted by itself) lives next to the target, so whoever
        # removes an abandoned build's folder removes it too.
        self._book = xlsxwriter.Workbook(
            str(target),
            {
                "constant_memory": True,
                "tmpdir": str(target.parent),
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self._book.set_properties({"created": creado})
        self._sheet = self._book.add_worksheet(hoja)
        self._sheet._write_optimized_sheet_data = self._copiar_filas
        self._row = 0
        self._columnas: list[str] = []
        self.append(encabezado)

    def append(self, values: Iterable[Any]) -> None:
        sheet, fila_xlsx = self._sheet, str(self._row + 1)
        columnas = self._columnas
        partes = [f'<row r="{fila_xlsx}">']
        primera = ultima = -1
        for column, value in enumerate(values):
            if value is None:
                continue
            if column >= len(columnas):
                columnas.extend(xl_col_to_name(c) for c in range(len(columnas), column + 1))
            ref = columnas[column] + fila_xlsx
            if isinstance(value, str):
                partes.append(_texto_xlsx(ref, celda(value)))
            elif isinstance(value, int | float) and not isinstance(value, bool):
                if isnan(value) or isinf(value):
                    raise TypeError("NAN/INF not supported in write_number()")  # xlsxwriter's own refusal
                partes.append(f'<c r="{ref}"><v>{value:.16G}</v></c>')
            else:
                partes.append(_texto_xlsx(ref, str(value)))
            if primera < 0:
                primera = column
            ultima = column
        if primera >= 0:
            # The sheet's <dimension> and its bounds (xlsxwriter silently drops a cell beyond them: a release
            # must not lose rows, so this refuses).
            if sheet._check_dimensions(self._row, primera) or sheet._check_dimensions(self._row, ultima):
                raise ValueError(f"row {self._row} does not fit in an XLSX sheet")
            partes.append("</row>")
            sheet.fh.write("".join(partes))
        self._row += 1

    def save(self) -> None:
        with _zip_level_1():
            self._book.close()

    def _copiar_filas(self) -> None:
        """xlsxwriter's ``_write_optimized_sheet_data`` (the rows' temporary file into the sheet's XML, at the
        save), copying bytes instead of decoding and encoding them again. The same bytes: the rows' XML holds no
        carriage return (a text's is written ``_x000D_``), the only thing the text round trip would change."""
        sheet = self._sheet
        if sheet.dim_rowmin is None:
            sheet._xml_empty_tag("sheetData")
            return
        sheet._xml_start_tag("sheetData")
        sheet.row_data_fh.close()
        sheet.fh.flush()
        with open(sheet.row_data_filename, "rb") as filas:
            shutil.copyfileobj(filas, sheet.fh.buffer, 1 << 20)
        os.unlink(sheet.row_data_filename)
        sheet._xml_end_tag("sheetData")


# What xlsxwriter's _escape_control_characters changes: control characters, the non-characters U+FFFE/U+FFFF,
# and text that looks like its _xHHHH_ escape (which it escapes in turn).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_PRESERVE = ' xml:space="preserve"'


def _texto_xlsx(ref: str, text: str) -> str:
    """An inline-string cell as xlsxwriter's constant_memory mode writes it (``Worksheet._write_string`` and
    ``_write_cell``), with the same escapes; the checks first, since most texts need none."""
    if len(text) > XLS_STRMAX // 2 and _utf16_len(text) > XLS_STRMAX:
        text = _utf16_truncate(text, XLS_STRMAX)
    if "_x" in text or _CONTROL.search(text):
        text = XMLwriter._escape_control_characters(text)
    preserve = _PRESERVE if text[:1].isspace() or text[-1:].isspace() else ""
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t{preserve}>{text}</t></is></c>'


_ZIP_LOCK = threading.Lock()


@contextlib.contextmanager
def _zip_level_1() -> Iterator[None]:
    """xlsxwriter opens its zip at the default deflate level (6) with no option to choose another: its module's
    ``ZipFile`` is swapped for the time of one save (under a lock, so two saves never interleave the swap)."""
    with _ZIP_LOCK:
        saved = xlsxwriter.workbook.ZipFile
        xlsxwriter.workbook.ZipFile = functools.partial(zipfile.ZipFile, compresslevel=1)
        try:
            yield
        finally:
            xlsxwriter.workbook.ZipFile = saved


def xlsx(encabezado: Iterable[Any], filas: Iterable[Iterable[Any]], hoja: str = "datos") -> bytes:
    """An XLSX of one sheet, every cell through :func:`celda`, as bytes (small exports; see :class:`HojaXlsx`)."""
    sheet = HojaXlsx(encabezado, hoja)
    for values in filas:
        sheet.append(values)
    buffer = io.BytesIO()
    sheet.save(buffer)
    return buffer.getvalue()


def writer_interno(buffer: io.StringIO, **options: Any) -> Any:
    """A plain ``csv.writer`` for a working record the system reads back itself and no person ever opens.

    It must round-trip exactly (a generated password is data, not a cell); whatever is later handed to a
    person is written again with :func:`writer`.
    """
    return csv.writer(buffer, **options)
