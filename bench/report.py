"""Plain-text tables for the terminal (and for pasting into docs/bench.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .load import LoadResult

PASS = "pass"
FAIL = "FAIL"
INFO = "-"


@dataclass(frozen=True)
class Row:
    what: str
    measured: str
    budget: str
    result: str  # PASS, FAIL or INFO
    # The number the budget judges and its unit, for bench/last-run.json; read from ``measured`` when None.
    value: float | None = None
    unit: str = ""


def verdict(ok: bool) -> str:
    return PASS if ok else FAIL


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            out.append(str(cell).rjust(widths[i]) if i in right else str(cell).ljust(widths[i]))
        return "| " + " | ".join(out) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def budgets_table(rows: Sequence[Row]) -> str:
    return table(("what", "measured", "budget", "result"), [(r.what, r.measured, r.budget, r.result) for r in rows])


def load_table(results: Sequence[LoadResult]) -> str:
    rows = [
        (
            r.name,
            str(r.connections),
            f"{r.requests}",
            f"{r.rps:,.0f}",
            f"{r.p50_ms:.1f}",
            f"{r.p95_ms:.1f}",
            f"{r.p99_ms:.1f}",
            f"{r.max_ms:.0f}",
            f"{r.bytes / max(r.requests, 1) / 1024:.1f}",
            str(r.errors),
            f"{r.other_cpu:.0%}",
        )
        for r in results
    ]
    headers = (
        "load run", "conns", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "KiB/resp", "errors",
        "other CPU",
    )  # fmt: skip
    return table(headers, rows, right=range(1, 11))


def cpu_table(results: Sequence[LoadResult]) -> str:
    return table(
        ("load run", "conns", "CPU used, in cores (2.00 = the whole machine)"),
        [(r.name, str(r.connections), r.consumers) for r in results],
        right=(1,),
    )


# Every budget row of each command, by the start of its ``what`` (the rest names sizes that vary with the options).
# tests/test_bench_smoke.py runs each command with --smoke and asserts every one of these is in its table with a
# figure and a verdict (and so is any other row with a budget). A scenario that adds a budget row adds it here.
BUDGET_ROWS: dict[str, tuple[str, ...]] = {
    "bench": (
        "publication of ",
        "cached profile via gateway, req/s",
        "cached profile via gateway, p99",
        "cached list via gateway, req/s",
        "cached list via gateway, p99",
        "production path: cached profile",
        "production path: cached list",
        "production path: a withdrawal",
        "production path: a publication",
        "uncached filtered list (HTML,",
        "uncached filtered list (API,",
        "memory: ",
        "open-data release of ",
        "  worker-publico peak RSS during the release of ",
    ),
    "bench.capture": (
        "capture: ",
        "  errors, open loop",
        "  errors, closed loop",
        "  acknowledged saves lost or different",
        "logins: ",
        "  auth's peak RSS",
    ),
}
