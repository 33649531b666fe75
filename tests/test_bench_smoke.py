"""The bench at a toy size (issue #12: "a smoke version of the bench runs in make test so it cannot rot").

``python -m bench --smoke`` and ``python -m bench.capture --smoke`` run as the lead runs them, each on a system
of its own, and every budget row of their tables must come out measured: a figure and a verdict. The expected
rows are the bench's own list (``bench.report.BUDGET_ROWS``, where a new scenario adds its rows), and any other
row with a budget in the run's ``--results`` file is held to the same; the only budget rows allowed without a
figure are those the bench itself declares not measured yet (``bench.__main__.NOT_YET``). Nothing here judges
speed: a smoke figure is no measurement.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import NOT_YET
from bench.record import NOT_MEASURED, measured, rows_of
from bench.report import BUDGET_ROWS, Row

ROOT = Path(__file__).resolve().parents[1]
TEST_PORT = int(os.environ.get("CONOCELES_TEST_PORT", "18080"))
# The bench's ports run from Redis at 26390 to capture's at 29176; moved down by 16,000 they sit at 10390-13176,
# below the tests' 18080 (+0…+570), make run's 8080-8200 and the kernel's ephemeral ports (32768+), and apart
# from any `make bench` (28080+, or its own CONOCELES_BENCH_PORT_SHIFT). They move with CONOCELES_TEST_PORT, as
# every port of the suite does, so two test sessions side by side run two smoke benches apart.
PORT_SHIFT = TEST_PORT - 18080 - 16000
COMMANDS = ("bench", "bench.capture")
# Starting two systems on a loaded machine can take minutes; the bench itself stops when it is done.
pytestmark = pytest.mark.timeout(900)


def _run(command: str, results: Path) -> tuple[subprocess.CompletedProcess[str], list[Row]]:
    env = {**os.environ, "CONOCELES_BENCH_PORT_SHIFT": str(PORT_SHIFT)}
    argv = [sys.executable, "-m", command, "--smoke", "--no-record", "--results", str(results)]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=840, check=False)
    assert done.returncode == 0, (done.stdout[-4000:], done.stderr[-4000:])
    return done, rows_of(json.loads(results.read_text())[command])


@pytest.mark.parametrize("command", COMMANDS)
def test_every_budget_row_is_measured_by_a_smoke_run(command: str, tmp_path: Path) -> None:
    record = ROOT / "bench" / "last-run.json"
    before = record.read_bytes() if record.exists() else None
    done, rows = _run(command, tmp_path / "results.json")
    budget_rows = [r for r in rows if r.budget]
    missing = [start for start in BUDGET_ROWS[command] if not any(r.what.startswith(start) for r in budget_rows)]
    assert missing == [], done.stdout[-4000:]
    pending = {what for what, _budget in NOT_YET} if command == "bench" else set()
    unmeasured = [r for r in budget_rows if not measured(r) and r.what not in pending]
    assert unmeasured == [], done.stdout[-4000:]
    for r in budget_rows:
        if r.what in pending:
            assert r.measured == NOT_MEASURED, r  # declared pending: it must not hide a broken measurement
        # Printed in the table, beside its budget and verdict.
        assert any(r.what in line and r.measured in line and r.result in line for line in done.stdout.splitlines())
    # A smoke run leaves the recorded full run alone.
    assert (record.read_bytes() if record.exists() else None) == before
