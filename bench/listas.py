"""The uncached filtered list, measured honestly: every request a filter set publico has not cached yet.

The page cache is keyed by the *validated* filters (services/publico/cache.py), so a made-up parameter no longer
misses it. The filter sets are drawn from the published rows themselves (each matches at least one candidacy),
shuffled, and each is asked once in the whole bench: every wrk run gets the ones no earlier run used. Whether
publico really missed is read from its own counters (``conoceles_publico_cache_{hits,misses}_total`` of every
publico process, through the gateway's operator port) before and after the run; a run with any hit is reported
as FAIL, not as a pass.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlencode

import asyncpg
from redis.asyncio import Redis

from launcher.system import System
from services.common.db import create_pool
from services.publico.filters import EDADES

from .load import LoadResult
from .masivo import seed_published
from .report import INFO, Row, verdict

MASIVO_P95_BUDGET_MS = 60.0
IN_FLIGHT_MARGIN = 128  # more than the connections of any run (64): each has at most one request in flight
Env = dict[str, str] | Callable[[], dict[str, str]] | None


class Measure(Protocol):
    def __call__(self, name: str, url: str, connections: int, env: Env = None) -> LoadResult: ...


# The age range of a row, as the list's «Edad» filter names it (services/publico/filters.py EDADES).
EDAD_SQL = " ".join(
    ["CASE"]
    + [
        f"WHEN edad >= {desde}" + (f" AND edad < {hasta}" if hasta is not None else "") + f" THEN '{rango}'"
        for rango, (desde, hasta) in EDADES.items()
    ]
    + ["END"]
)
# Each: the filters of one kind of query, as SQL expressions of a published row; DISTINCT gives every combination
# that some row has. Word prefixes of the search text stand for a visitor typing part of a name.
KINDS: dict[tuple[str, ...], str] = {
    ("municipio",): "municipio::text",
    ("cargo", "municipio"): "cargo, municipio::text",
    ("cargo", "municipio", "sexo"): "cargo, municipio::text, sexo",
    ("municipio", "sexo", "edad"): f"municipio::text, sexo, {EDAD_SQL}",
    ("postulante", "municipio"): "postulante, municipio::text",
    ("postulante", "cargo", "sexo", "edad"): f"postulante, cargo, sexo, {EDAD_SQL}",
    ("cargo", "distrito", "postulante"): "cargo, distrito::text, postulante",
    ("distrito", "sexo", "edad"): f"distrito::text, sexo, {EDAD_SQL}",
    ("q",): "left(w, 4)",
    ("q", "cargo"): "left(w, 5), cargo",
    ("q", "sexo"): "left(w, 3), sexo",
    ("q", "postulante"): "left(w, 4), postulante",
    # More sets than the runs at 1 and 64 connections ask for, on top of the budget runs': a feed run dry starts
    # its file again, and those repeats are answered by the gateway's page cache (fast, and not uncached).
    ("q", "municipio"): "left(w, 4), municipio::text",
    ("q", "distrito"): "left(w, 4), distrito::text",
    ("q", "edad"): f"left(w, 4), {EDAD_SQL}",
    ("postulante", "municipio", "sexo"): "postulante, municipio::text, sexo",
}
KIND_SQL = """
SELECT DISTINCT {select} FROM publico.candidaturas, unnest(string_to_array(nombre_busqueda, ' ')) AS w
WHERE curricular IS NOT NULL AND length(w) >= 3
"""


async def filter_sets(pool: asyncpg.Pool, seed: int = 7) -> list[str]:
    """Every distinct filter combination of :data:`KINDS` found in the published rows, as query strings, shuffled."""
    found: set[str] = set()
    for names, select in KINDS.items():
        for row in await pool.fetch(KIND_SQL.format(select=select)):
            values = list(row.values())
            if all(v is not None for v in values):
                found.add(urlencode(list(zip(names, values, strict=True))))
    queries = sorted(found)
    random.Random(seed).shuffle(queries)
    return queries


@dataclass
class Contadores:
    hits: int
    misses: int


def cache_counters(operator_url: str) -> Contadores:
    """The page-cache counters of every publico process, summed (the operator port's /metrics)."""
    with urllib.request.urlopen(f"{operator_url}/metrics", timeout=10) as response:
        text = response.read().decode()
    totals = {"hits": 0, "misses": 0}
    for line in text.splitlines():
        for kind in totals:
            if line.startswith(f"conoceles_publico_cache_{kind}_total"):
                totals[kind] += int(float(line.rsplit(" ", 1)[1]))
    return Contadores(totals["hits"], totals["misses"])


class Feed:
    """Hands every wrk run the filter sets no earlier run used (bench/wrk.lua, BENCH_MODE=queries).

    How many a run used is what publico answered meanwhile (its counters): a run consumes a prefix of its file.
    Past the end the file starts again, those repeats are cache hits, and the hit check says so.
    """

    def __init__(self, queries: list[str], operator_url: str) -> None:
        if not queries:
            raise RuntimeError("no published rows to draw filter sets from")
        self.queries = queries
        self.operator_url = operator_url
        self.position = 0
        self.folder = Path(tempfile.mkdtemp(prefix="conoceles-bench-listas-"))
        self._answered: int | None = None

    def _advance(self) -> None:
        now = cache_counters(self.operator_url)
        answered = now.hits + now.misses
        if self._answered is not None:
            # Requests of the last run still queued in front of publico when it stopped are counted later: skip
            # as many filter sets as could be in flight, or the next run would repeat them as cache hits.
            self.position += answered - self._answered + IN_FLIGHT_MARGIN
        self._answered = answered

    def env(self, prefix: str) -> Callable[[], dict[str, str]]:
        """The environment of the next wrk run under ``prefix``, made when the run starts."""

        def make() -> dict[str, str]:
            self._advance()
            start = min(self.position, len(self.queries))
            rest = self.queries[start:] or self.queries
            path = self.folder / f"queries-{start}.txt"
            path.write_text("\n".join(rest) + "\n")
            return {"BENCH_MODE": "queries", "BENCH_PREFIX": prefix, "BENCH_QUERIES": str(path)}

        return make

    @property
    def left(self) -> int:
        return max(0, len(self.queries) - self.position)


@dataclass(frozen=True)
class MissCheck:
    hits: int
    misses: int
    requests: int

    @property
    def ok(self) -> bool:
        # No hit, and a miss for at least every request wrk saw answered (the warm-up's add more misses): a cache
        # answering before publico (the gateway's, Apache's) would show as fewer misses than requests.
        return self.hits == 0 and self.misses >= self.requests

    def text(self) -> str:
        return f"{self.hits:,} cache hits, {self.misses:,} misses for {self.requests:,} requests"


def check(before: Contadores, after: Contadores, requests: int) -> MissCheck:
    return MissCheck(after.hits - before.hits, after.misses - before.misses, requests)


def feed_of(system: System) -> Feed:
    """A feed of the filter sets of the rows published now, for the uncached runs."""

    async def sets() -> list[str]:
        pool = await create_pool(system.settings(), min_size=1, max_size=1)
        try:
            return await filter_sets(pool)
        finally:
            await pool.close()

    return Feed(asyncio.run(sets()), system.operator_url)


def uncached_rows(
    system: System,
    measure: Measure,
    feed: Feed,
    published: str,
    connections: int,
    budget_ms: float,
    findings: list[str],
) -> list[Row]:
    """The uncached filtered list, HTML then API, each checked to have missed the cache on every request."""
    rows = []
    for label, prefix in (("HTML", "/candidaturas"), ("API", "/api/v1/candidaturas")):
        before = cache_counters(system.operator_url)
        name = f"gateway → publico, uncached filtered {label} list ({published} published)"
        result = measure(name, system.url + prefix, connections, feed.env(prefix))
        missed = check(before, cache_counters(system.operator_url), result.requests)
        rows.append(
            Row(
                f"uncached filtered list ({label}, {published} published, {connections} conns), p95",
                f"{result.p95_ms:.1f} ms ({result.rps:,.0f} req/s; {missed.text()})",
                f"< {budget_ms:.0f} ms, 0 hits",
                verdict(result.p95_ms < budget_ms and not result.errors and missed.ok),
            )
        )
        if not missed.ok:
            findings.append(
                f"{name}: {missed.text()}: the run did not miss the cache on every request, so its latency is not "
                f"an uncached figure ({len(feed.queries):,} distinct filter sets were drawn from the data)"
            )
    return rows


def info_rows(
    system: System, measure: Measure, feed: Feed, connections: tuple[int, ...], findings: list[str]
) -> list[Row]:
    """The uncached HTML list at other connection counts (no budget), checked for cache hits like the budget rows:
    a run whose filter sets repeat is answered by the gateway's page cache and would read as a fast uncached page."""
    rows = []
    for conns in connections:
        before = cache_counters(system.operator_url)
        name = "gateway → publico, uncached filtered HTML list"
        result = measure(name, system.url + "/candidaturas", conns, feed.env("/candidaturas"))
        missed = check(before, cache_counters(system.operator_url), result.requests)
        measured = f"p50 {result.p50_ms:.1f} ms, p95 {result.p95_ms:.1f} ms ({result.rps:,.0f} req/s; {missed.text()})"
        label = f"  HTML at {conns} conn{'s' if conns > 1 else ''} (no budget)"
        rows.append(Row(label, measured, "", INFO if missed.ok else "FAIL"))
        if not missed.ok:
            findings.append(
                f"{name} at {conns} connections: {missed.text()}: not an uncached figure ({feed.left:,} of "
                f"{len(feed.queries):,} filter sets were left unused when it started)"
            )
    return rows


def masivo_rows(system: System, measure: Measure, total: int, connections: int, findings: list[str]) -> list[Row]:
    """The same uncached list on ``total`` published rows: the read model topped up with bench/masivo.py."""

    async def top_up() -> tuple[int, float, list[str]]:
        pool = await create_pool(system.settings(), min_size=1, max_size=2)
        redis = Redis.from_url(system.redis_url)
        try:
            have = int(await pool.fetchval("SELECT count(*) FROM publico.candidaturas WHERE curricular IS NOT NULL"))
            started = time.monotonic()
            await seed_published(pool, max(0, total - have), redis=redis)
            seconds = time.monotonic() - started
            return max(0, total - have), seconds, await filter_sets(pool)
        finally:
            await redis.aclose()
            await pool.close()

    try:
        added, seconds, queries = asyncio.run(top_up())
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
        # The table of the other runs is still worth printing: the missing figure says why it is missing.
        findings.append(f"masivo: seeding {total:,} published rows failed: {type(exc).__name__}: {exc}")
        return [Row(f"uncached filtered list ({total:,} published)", "not measured (seeding failed)", "", "FAIL")]
    print(f"[bench {time.strftime('%H:%M:%S')}] masivo: {added:,} published rows written (COPY) in {seconds:.1f} s")
    feed = Feed(queries, system.operator_url)
    rows = [Row(f"  {added:,} rows added to reach {total:,} published (COPY, no budget)", f"{seconds:.1f} s", "", "-")]
    return rows + uncached_rows(system, measure, feed, f"{total:,}", connections, MASIVO_P95_BUDGET_MS, findings)
