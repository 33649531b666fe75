"""One record per run (``bench/last-run.json``) and the previous run's figures beside the new ones.

``python -m bench`` and ``python -m bench.capture`` each keep their last run in the same file, under their own
name: every row of the budgets table with its measured text, its number and unit, its budget and its result.
The next run prints that figure in a ``previous`` column, so a change that makes something slower shows in the
table itself. A ``--smoke`` run (``make test``) never replaces it: its toy sizes are no comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .report import FAIL, PASS, Row, table

RECORD = Path(__file__).with_name("last-run.json")
NOT_MEASURED = "not measured yet"
# The figure a row is judged by: after "=" when there is one ("1,545 vs 22,801 req/s = 7%"), else the first number.
_FIGURE = re.compile(r"(-?\d[\d,]*(?:\.\d+)?)\s*(%|[A-Za-zµ/]+)?")


def add_options(parser: argparse.ArgumentParser) -> None:
    """--smoke and where the run's figures go; the same for both commands."""
    parser.add_argument("--smoke", action="store_true", help="every scenario at a toy size, in seconds (make test)")
    parser.add_argument("--record", type=Path, default=RECORD, help=f"the previous run's figures ({RECORD.name})")
    parser.add_argument("--no-record", action="store_true", help="leave --record as it is (implied by --smoke)")
    parser.add_argument("--results", type=Path, help="also write this run's rows alone to this JSON file")


def apply_smoke(args: argparse.Namespace, smoke: dict[str, Any]) -> None:
    """With --smoke, the command's toy sizes replace its options."""
    if args.smoke:
        vars(args).update(smoke)


def options(args: argparse.Namespace, names: dict[str, Any]) -> dict[str, Any]:
    """The options that size the run, recorded with it (a previous figure is only comparable at equal sizes)."""
    return {"smoke": bool(args.smoke), **{name: getattr(args, name) for name in names}}


def recorded(args: argparse.Namespace) -> bool:
    """Whether this run replaces the recorded one: never a smoke run, whose toy figures are no comparison."""
    return not (args.no_record or args.smoke)


def figure(row: Row) -> tuple[float | None, str]:
    """The row's measured number and its unit (``row.value``/``row.unit`` when given, else read from the text)."""
    if row.value is not None:
        return row.value, row.unit
    text = row.measured.rsplit(" = ", 1)[-1] if " = " in row.measured else row.measured
    if text.startswith(NOT_MEASURED):
        return None, ""
    match = _FIGURE.search(text)
    if match is None:
        return None, ""
    return float(match[1].replace(",", "")), match[2] or row.unit


def measured(row: Row) -> bool:
    """A budget row that was really measured: a number and a verdict (what the smoke test asks of every one)."""
    return figure(row)[0] is not None and row.result in (PASS, FAIL)


def as_record(rows: Sequence[Row], sizes: dict[str, Any]) -> dict[str, Any]:
    """What one command measured, as JSON: every row with its number, unit, budget and result."""
    out = []
    for r in rows:
        value, unit = figure(r)
        row = {"what": r.what, "measured": r.measured, "value": value, "unit": unit, "budget": r.budget}
        out.append({**row, "result": r.result})
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"when": when, "cpus": os.cpu_count(), "options": sizes, "rows": out}


def rows_of(run: dict[str, Any]) -> list[Row]:
    """The rows of a recorded run, back as ``Row``s."""
    return [
        Row(r["what"], r["measured"], r["budget"], r["result"], r.get("value"), r.get("unit") or "")
        for r in run.get("rows", [])
    ]


def read(path: Path, command: str) -> dict[str, Any] | None:
    """The last recorded run of ``command`` (``bench`` or ``bench.capture``) in ``path``, if any."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    run = data.get(command) if isinstance(data, dict) else None
    return run if isinstance(run, dict) else None


def write(path: Path, command: str, run: dict[str, Any]) -> None:
    """Replace ``command``'s run in ``path``, keeping the other command's (both share one file)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data = data if isinstance(data, dict) else {}
    data[command] = run
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def keys(whats: Sequence[str]) -> list[str]:
    """Each row's key for the ``previous`` column: its text, which names the sizes; an indented row (a detail of
    the row above, such as "of which") is keyed under that row, since several share one text."""
    out: list[str] = []
    parent = ""
    for what in whats:
        if what.startswith(" "):
            out.append(f"{parent} / {what.strip()}")
        else:
            parent = what
            out.append(what)
    return out


def previous_figures(run: dict[str, Any] | None) -> dict[str, str]:
    """Row key (:func:`keys`) → what the previous run measured."""
    if run is None:
        return {}
    rows = [r for r in run.get("rows", []) if isinstance(r, dict) and "what" in r]
    return dict(zip(keys([r["what"] for r in rows]), (r["measured"] for r in rows), strict=True))


def budgets_table(rows: Sequence[Row], previous: dict[str, str], when: str) -> str:
    """The budgets table with a ``previous`` column (the recorded run of ``when``); blank for a new row."""
    header = f"previous ({when})" if when else "previous (none recorded)"
    return table(
        ("what", "measured", header, "budget", "result"),
        [
            (r.what, r.measured, previous.get(key, ""), r.budget, r.result)
            for r, key in zip(rows, keys([r.what for r in rows]), strict=True)
        ],
    )


def report(command: str, rows: Sequence[Row], args: argparse.Namespace, sizes: dict[str, Any]) -> str:
    """The budgets table beside the run recorded in ``args.record``; then this run replaces it there (unless
    --no-record or --smoke) and, with --results, is written alone to that file (the smoke test reads it)."""
    before = read(args.record, command)
    run = as_record(rows, options(args, sizes))
    text = budgets_table(rows, previous_figures(before), before["when"] if before else "")
    if recorded(args):
        write(args.record, command, run)
    if args.results is not None:
        args.results.write_text(json.dumps({command: run}, indent=2, ensure_ascii=False) + "\n")
    return text
