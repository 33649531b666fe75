"""Formula injection (issue 7, item 11): every CSV/XLSX cell the system writes is neutralised by one helper."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from services.auth import credenciales
from services.common import celdas

SERVICES = Path(__file__).resolve().parents[2] / "services"

HOSTILE = [
    '=HYPERLINK("http://evil.example","Ver")',
    "=1+1",
    "+52 443 000 0000",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    "＝1+1",
]
PLAIN = ["Lucía Hernández", "PAN", "Distrito 7", "", "a=b", "correo@campana.invalid", "100%"]


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_text_a_spreadsheet_would_run_is_written_as_text(value: str) -> None:
    assert celdas.celda(value) == "'" + value


@pytest.mark.parametrize("value", [*PLAIN, 7, -3, 2.5, None])
def test_other_values_are_left_alone(value: object) -> None:
    assert celdas.celda(value) == value


def test_neutralising_twice_changes_nothing_more() -> None:
    once = celdas.celda("=1+1")
    assert celdas.celda(once) == once


def test_the_csv_writer_neutralises_every_cell() -> None:
    buffer = io.StringIO()
    w = celdas.writer(buffer)
    w.writerow(["=1+1", "normal", 5])
    w.writerows([["@x", "-y"]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [["'=1+1", "normal", "5"], ["'@x", "'-y"]]


def test_an_xlsx_cell_written_through_the_helper_is_text_not_a_formula() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(celdas.fila(['=HYPERLINK("http://evil.example")', 3]))
    buffer = io.BytesIO()
    book.save(buffer)
    cell = load_workbook(io.BytesIO(buffer.getvalue())).active["A1"]  # type: ignore[index]
    assert cell.data_type == "s" and cell.value.startswith("'=")


def _credencial(nombre: str, contrasena: str) -> credenciales.Credencial:
    return credenciales.Credencial(
        "PAN", "Presidencia municipal", "Morelia", "1", "propietaria", nombre, "u1", contrasena
    )


def test_the_credentials_sheet_neutralises_names_and_its_working_record_round_trips() -> None:
    hostile = _credencial('=HYPERLINK("http://evil.example")', "-abc123")
    record = credenciales.csv_header() + credenciales.csv_rows([hostile])
    # The job reads its working record back exactly: a password starting with "-" stays that password.
    assert credenciales.parse_csv(record) == [hostile]
    sheet = credenciales.csv_sheet([hostile]).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(sheet)))[1]
    assert row[5] == '\'=HYPERLINK("http://evil.example")' and row[7] == "'-abc123"


def test_no_service_writes_a_csv_or_xlsx_around_the_helper() -> None:
    """The class of bug, not one example: any new export must go through services/common/celdas.py."""
    offenders = []
    for path in SERVICES.rglob("*.py"):
        if path.name == "celdas.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"csv\.(writer|DictWriter)\(|Workbook\(", text):
            offenders.append(str(path.relative_to(SERVICES)))
    assert not offenders, offenders
