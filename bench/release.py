"""The open-data release scenario: a full release (CSV, XLSX, JSON + checksums) built as the system builds it.

The ``publico.build_release`` job goes through the outbox (``contracts.BuildRelease(inmediata=True)``, what an
operator's request sends); the clock runs from its commit until the new release is listed at
``/api/v1/datos`` and every file of it answers at its public download route. Meanwhile worker-publico's
resident memory is sampled: the build streams (docs/datos-abiertos.md), so its peak must stay under the
per-process budget whatever the number of rows.

``python -m bench`` runs it after the publication of 8,000, then again with the read model topped up to
100,000 by bench/masivo.py (``--no-release-100k`` skips that part). ``python -m bench.release`` runs it alone
on a system of its own, seeding with bench/masivo.py only, for iterating.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

from launcher.system import System, SystemConfig
from services.common import contracts
from services.common.db import create_pool

from . import PORT_SHIFT
from .masivo import seed_published
from .memory import status_kib
from .report import Row, budgets_table, verdict

BUDGET_S = {8_000: 10.0, 100_000: 90.0}
MEMORY_BUDGET_MB = 150.0
WORKER = "worker-publico"
COUNT_SQL = "SELECT count(*) FROM publico.candidaturas WHERE curricular IS NOT NULL"


@dataclass
class ReleaseResult:
    published: int
    seconds: float | None  # None: no release appeared within the timeout
    worker_peak_mb: float
    worker_cpu_s: float = 0.0  # CPU seconds worker-publico used meanwhile: the build's own cost on a busy machine
    numero: int | None = None
    total: int | None = None
    megabytes: float = 0.0
    note: str = ""


class PeakRss:
    """worker-publico's VmRSS every 0.1 s while the build runs (VmHWM would keep the peak of its whole life)."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bench-release-rss", daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(0.1):
            for run in list(self.system.running):
                if run.spec.name == WORKER:
                    self.peak_kib = max(self.peak_kib, status_kib(run.process.pid, "VmRSS") or 0)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def cpu_s(self) -> float:
        """worker-publico's user + system CPU seconds so far (/proc/<pid>/stat), 0 when it is gone."""
        for run in list(self.system.running):
            if run.spec.name == WORKER:
                try:
                    fields = Path(f"/proc/{run.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    return 0.0
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return 0.0

    @property
    def mb(self) -> float:
        return self.peak_kib * 1024 / 1e6


async def _latest(http: aiohttp.ClientSession, base: str) -> dict[str, Any] | None:
    async with http.get(f"{base}/api/v1/datos") as response:
        if response.status != 200:
            return None
        body = await response.json()
    return max(body["publicaciones"], key=lambda r: r["numero"], default=None)


async def _served(http: aiohttp.ClientSession, base: str, release: dict[str, Any]) -> bool:
    """Every file answers 200 at its download route (its first bytes read; the whole would time the network)."""
    for archivo in release["archivos"]:
        async with http.get(base + archivo["url"]) as response:
            if response.status != 200:
                return False
            await response.content.read(65536)
    return True


async def measure_release(system: System, pool: asyncpg.Pool, within_s: float = 600) -> ReleaseResult:
    published = int(await pool.fetchval(COUNT_SQL))
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
        before = await _latest(http, system.url)
        last = before["numero"] if before else 0
        with PeakRss(system) as rss:
            cpu = rss.cpu_s()
            started = time.monotonic()
            async with pool.acquire() as conn, conn.transaction():
                asked = await contracts.send(conn, contracts.BuildRelease(inmediata=True))
            while time.monotonic() - started < within_s:
                latest = await _latest(http, system.url)
                if latest is not None and latest["numero"] > last and await _served(http, system.url, latest):
                    seconds = time.monotonic() - started
                    size = sum(a["bytes"] for a in latest["archivos"]) / 1e6
                    used = rss.cpu_s() - cpu
                    return ReleaseResult(published, seconds, rss.mb, used, latest["numero"], latest["total"], size)
                done = await pool.fetchval("SELECT done_at IS NOT NULL FROM outbox.jobs WHERE id = $1", asked)
                if done and (latest is None or latest["numero"] <= last):
                    # Asked and run, but nothing new to publish (a release of these rows exists already).
                    return ReleaseResult(published, None, rss.mb, note="the job built nothing: no change")
                await asyncio.sleep(0.1)
    return ReleaseResult(published, None, rss.mb, note=f"no release within {within_s:.0f} s")


async def top_up(pool: asyncpg.Pool, target: int) -> int:
    """Seed (bench/masivo.py) until ``target`` candidacies are published; how many were added."""
    missing = target - int(await pool.fetchval(COUNT_SQL))
    if missing > 0:
        await seed_published(pool, missing, seed=target)
    return max(missing, 0)


def rows(result: ReleaseResult, target: int) -> list[Row]:
    n = f"{target:,}"
    budget = BUDGET_S.get(target, BUDGET_S[100_000] if target > 8_000 else BUDGET_S[8_000])
    if result.seconds is None:
        measured = result.note
    else:
        measured = (
            f"{result.seconds:.1f} s ({result.total:,} rows, {result.megabytes:.0f} MB of files, "
            f"{WORKER} {result.worker_cpu_s:.1f} CPU s)"
        )
    ok = result.seconds is not None and result.seconds < budget
    memory_ok = result.worker_peak_mb < MEMORY_BUDGET_MB
    return [
        Row(f"open-data release of {n}: job queued → files served", measured, f"< {budget:.0f} s", verdict(ok)),
        Row(
            f"  {WORKER} peak RSS during the release of {n}",
            f"{result.worker_peak_mb:.0f} MB",
            f"< {MEMORY_BUDGET_MB:.0f} MB",
            verdict(memory_ok),
        ),
    ]


async def scenario(system: System, sizes: list[int], say: Any = print) -> list[Row]:
    """A release at each size of ``sizes`` (the read model topped up by bench/masivo.py before each)."""
    pool = await create_pool(system.settings(), min_size=1, max_size=2)
    out: list[Row] = []
    try:
        for target in sizes:
            started = time.monotonic()
            added = await top_up(pool, target)
            if added:
                say(f"release: {added:,} published rows seeded (bench/masivo.py) in {time.monotonic() - started:.1f} s")
            say(f"release: building the open-data release of {target:,}…")
            result = await measure_release(system, pool)
            say(
                f"      {result.seconds or 0:.1f} s, {WORKER} {result.worker_cpu_s:.1f} CPU s, "
                f"peak {result.worker_peak_mb:.0f} MB {result.note}"
            )
            out += rows(result, target)
    finally:
        await pool.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.release", description=__doc__)
    parser.add_argument("--sizes", default="8000,100000", help="published candidacies of each release (8000,100000)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    data_dir = Path(tempfile.mkdtemp(prefix="conoceles-bench-release-"))
    config = SystemConfig(
        data_dir=data_dir,
        gateway_port=28080 + PORT_SHIFT,
        port_base=28100 + PORT_SHIFT,
        redis_port=26390 + PORT_SHIFT,
        env="test",
        demo_password="bench-" + os.urandom(6).hex(),
        # The small demo: the full one's publications would still be queued ahead of the release job.
        demo_tamano="minimo",
        log_file=data_dir / "system.log",
    )
    system = System(config)
    try:
        system.start()
        system.supervise_in_background(interval=0.5)
        table = asyncio.run(scenario(system, sizes))
        print(budgets_table(table))
        return 0
    finally:
        system.stop()
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
