"""``celdas.lineas_csv`` writes what ``celdas.writer`` (csv.writer, CRLF) writes, byte for byte."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from services.common import celdas


def _csv_writer(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    celdas.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


TEXTO = st.text(st.sampled_from([*list("a ñ,\"\r\n\t=+-@＝'x;|\\"), "\u2028", "😀"]), max_size=12)
VALOR = st.one_of(
    st.none(), TEXTO, st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.just("")
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.lists(VALOR, max_size=6), max_size=5))
def test_the_fast_lines_are_the_csv_writers(rows: list[list[Any]]) -> None:
    assert celdas.lineas_csv(rows) == _csv_writer(rows)


def test_edge_rows() -> None:
    rows: list[list[Any]] = [[], [None], [""], [None, None], ['"'], ["=1+1", " -2", "a,b"], [1.0, 10**20, True]]
    assert celdas.lineas_csv(rows) == _csv_writer(rows)
    assert celdas.lineas_csv([['=HYPERLINK("x")']]) == '"\'=HYPERLINK(""x"")"\r\n'
