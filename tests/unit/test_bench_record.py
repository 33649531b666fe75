"""bench/record.py: each run's figures kept in bench/last-run.json and printed beside the next run's."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import record
from bench.report import FAIL, INFO, PASS, Row


def _args(path: Path, *extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidaturas", type=int, default=8000)
    record.add_options(parser)
    args = parser.parse_args(["--record", str(path), *extra])
    record.apply_smoke(args, {"candidaturas": 100})
    return args


def test_the_figure_of_a_row_is_its_number_and_unit() -> None:
    assert record.figure(Row("publication", "39.0 s", "< 30 s", FAIL)) == (39.0, "s")
    assert record.figure(Row("cached", "3,305 vs 32,468 req/s = 10%", "≥ 30%", FAIL)) == (10.0, "%")
    assert record.figure(Row("p99", "46.2 ms (p50 12.0)", "< 50 ms", PASS)) == (46.2, "ms")
    assert record.figure(Row("pending", record.NOT_MEASURED, "< 10 s", INFO)) == (None, "")
    assert record.figure(Row("explicit", "fast", "", INFO, value=3.5, unit="s")) == (3.5, "s")
    assert not record.measured(Row("pending", record.NOT_MEASURED, "< 10 s", INFO))
    assert not record.measured(Row("no verdict", "12 ms", "< 30 ms", INFO))
    assert record.measured(Row("p95", "12 ms", "< 30 ms", PASS))


def test_the_next_run_prints_the_previous_figures_and_replaces_them(tmp_path: Path) -> None:
    path = tmp_path / "last-run.json"
    path.write_text(json.dumps({"bench.capture": {"when": "x", "rows": []}}))
    first = [Row("publication of 8,000", "39.0 s", "< 30 s", FAIL)]
    table = record.report("bench", first, _args(path), {"candidaturas": 0})
    assert "previous (none recorded)" in table
    second = [Row("publication of 8,000", "24.0 s", "< 30 s", PASS), Row("new row", "1 ms", "< 2 ms", PASS)]
    table = record.report("bench", second, _args(path), {"candidaturas": 0})
    line = next(x for x in table.splitlines() if x.startswith("| publication"))
    assert "24.0 s" in line and "39.0 s" in line  # the new figure beside the previous one
    data = json.loads(path.read_text())
    assert data["bench.capture"] == {"when": "x", "rows": []}  # the other command's run is kept
    rows = data["bench"]["rows"]
    assert rows[0] == {
        "what": "publication of 8,000",
        "measured": "24.0 s",
        "value": 24.0,
        "unit": "s",
        "budget": "< 30 s",
        "result": PASS,
    }
    assert data["bench"]["options"] == {"smoke": False, "candidaturas": 8000}
    assert record.rows_of(data["bench"])[1] == Row("new row", "1 ms", "< 2 ms", PASS, 1.0, "ms")


def test_a_smoke_run_or_no_record_leaves_the_record_alone(tmp_path: Path) -> None:
    path = tmp_path / "last-run.json"
    path.write_text(json.dumps({"bench": {"when": "full", "rows": [{"what": "a", "measured": "5 s"}]}}))
    before = path.read_text()
    results = tmp_path / "results.json"
    for extra in (("--smoke", "--results", str(results)), ("--no-record",)):
        args = _args(path, *extra)
        table = record.report("bench", [Row("a", "6 s", "< 9 s", PASS)], args, {"candidaturas": 0})
        assert "previous (full)" in table and "5 s" in table
        assert path.read_text() == before
    assert args.candidaturas == 8000
    smoke = json.loads(results.read_text())["bench"]
    assert smoke["options"] == {"smoke": True, "candidaturas": 100} and smoke["rows"][0]["value"] == 6.0


def test_detail_rows_of_the_same_text_keep_their_own_previous_figure(tmp_path: Path) -> None:
    path = tmp_path / "last-run.json"
    rows = [
        Row("publication of 8,000", "14.4 s", "< 30 s", PASS),
        Row("  of which (no budget)", "outbox commit 3.6 s", "", INFO),
        Row("production path: visible", "49.9 s", "< 60 s", PASS),
        Row("  of which (no budget)", "Cache-Control max-age=50", "", INFO),
    ]
    record.report("bench", rows, _args(path), {"candidaturas": 0})
    table = record.report("bench", rows, _args(path), {"candidaturas": 0})
    details = [x for x in table.splitlines() if "of which" in x]
    assert details[0].count("outbox commit 3.6 s") == 2 and "max-age" not in details[0]
    assert details[1].count("Cache-Control max-age=50") == 2 and "outbox" not in details[1]
