"""Every cell of a CSV or XLSX the system writes goes through here, so no text runs as a spreadsheet formula.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before
one) as a formula: a candidate named ``=HYPERLINK("http://…")`` would become a link, or worse, on the
computer of whoever opens the export. Such text is written with a leading apostrophe, which spreadsheets
show as plain text (OWASP's "CSV injection" advice). Numbers stay numbers. No I/O.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

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
