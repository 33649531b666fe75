"""The production path: deploy/apache's site (its proxy and HTTP cache) in front of the bench's gateway.

Two measures, in the same run as the static reference (bench/apache.py):
- the cached list and profile through Apache at the bench's connections, against Apache serving the same bytes
  as static files (budget: ≥ 70%);
- a withdrawal and a publication committed to the outbox, timed until Apache answers them (the profile gone,
  the list page with the candidacy again), polling every 0.2 s (budget: < 60 s). Each page is fetched through
  Apache just before the commit, so its copy is as young as can be: the time is close to the worst case
  (the page's max-age, then a revalidation by ETag through the gateway).
"""

from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from urllib.parse import quote

from launcher.system import System
from services.common import contracts
from services.common.db import create_pool
from services.common.shared_cache import MAX_AGE

from .apache import ApacheProcess
from .load import LoadResult
from .report import INFO, Row, verdict
from .seed import curricular

ROOT = Path(__file__).resolve().parents[1]
SITE_DIR = ROOT / "deploy" / "apache"
CONFIG = Path(__file__).with_name("apache-produccion.conf")
STATIC_DIR = ROOT / "services" / "common" / "static"
RATIO_BUDGET = 0.70
VISIBLE_BUDGET_S = 60.0
POLL_S = 0.2
GIVE_UP_S = 120.0
CACHE_TRIES = 5

Measure = Callable[[str, str, int], LoadResult]


class SiteApache(ApacheProcess):
    """``with SiteApache(port, gateway_url, media_dir) as apache:`` runs deploy/apache/conoceles-site.conf."""

    label = "apache2 (deploy/apache)"
    config = CONFIG
    server_root = SITE_DIR

    def __init__(self, port: int, gateway_url: str, media_dir: Path) -> None:
        super().__init__(port, "conoceles-bench-site-")
        self.gateway_url = gateway_url
        self.media_dir = media_dir

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def prepare(self) -> None:
        (self.run_dir / "cache").mkdir()
        # Apache's children drop root for an unprivileged user: they write the cache and the lock files here.
        for folder in (self.run_dir, self.run_dir / "cache"):
            folder.chmod(0o777)

    def defines(self) -> dict[str, str]:
        return {
            "CONOCELES_RUN_DIR": str(self.run_dir),
            "CONOCELES_HTTP_PORT": str(self.port),
            "CONOCELES_GATEWAY": self.gateway_url,
            "CONOCELES_STATIC_DIR": str(STATIC_DIR),
            "CONOCELES_MEDIA_DIR": str(self.media_dir),
            "CONOCELES_CACHE_ROOT": str(self.run_dir / "cache"),
        }


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # the bench's own Apache on 127.0.0.1
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def cache_status(url: str) -> str | None:
    """Apache's X-Cache for ``url`` once it is stored: a few GETs, as the answer right after the first one may
    still find the first copy's store under way (its CacheLock held, no X-Cache at all), and go to the gateway."""
    seen = None
    for _ in range(CACHE_TRIES):
        status, headers, _ = get(url)
        seen = headers.get("x-cache") if status == 200 else f"status {status}"
        if seen is not None and seen.startswith("HIT"):
            break
        time.sleep(POLL_S)
    return seen


@dataclass(frozen=True)
class Visibility:
    withdrawal_s: float | None
    publication_s: float | None


async def _send(system: System, job: contracts.Publish | contracts.Withdraw) -> None:
    pool = await create_pool(system.settings(), min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn, conn.transaction():
            await contracts.send(conn, job)
    finally:
        await pool.close()


async def _name(system: System, candidatura_id: int) -> str:
    pool = await create_pool(system.settings(), min_size=1, max_size=1)
    try:
        name = await pool.fetchval(
            "SELECT concat_ws(' ', nombre, primer_apellido, segundo_apellido) FROM registro.candidaturas WHERE id = $1",
            candidatura_id,
        )
        return str(name)
    finally:
        await pool.close()


def _until(check: Callable[[], bool]) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < GIVE_UP_S:
        if check():
            return time.monotonic() - started
        time.sleep(POLL_S)
    return None


def visibility(system: System, apache: SiteApache, candidatura_id: int) -> Visibility:
    """Withdraw ``candidatura_id`` (published), then publish it again: seconds until Apache shows each."""
    name = asyncio.run(_name(system, candidatura_id))
    profile = apache.url(f"/candidaturas/{candidatura_id}")
    listing = apache.url(f"/candidaturas?q={quote(name)}")
    link = f'href="/candidaturas/{candidatura_id}"'.encode()
    for url in (profile, listing, profile, listing):  # cached now: the second fetch is Apache's copy
        get(url)
    asyncio.run(_send(system, contracts.Withdraw(candidatura_id=candidatura_id)))
    withdrawn = _until(lambda: get(profile)[0] == 404 and link not in get(listing)[2])

    get(listing)
    now = datetime.now(UTC)
    job = contracts.Publish(
        candidatura_id=candidatura_id,
        cuestionario="curricular",
        numero=2,  # a newer version than the seed's, as a corrected and validated one would be
        version=contracts.Version.from_stored(curricular(Random(candidatura_id), name)),
        declarado_at=now - timedelta(days=1),
        revisado_at=now,
    )
    asyncio.run(_send(system, job))
    published = _until(lambda: link in get(listing)[2])
    return Visibility(withdrawn, published)


def scenario(
    system: System, measure: Measure, references: dict[str, LoadResult], paths: dict[str, str], port: int, conns: int
) -> tuple[list[Row], list[str]]:
    """The rows of the production path; ``references`` are the static Apache runs of the same labels."""
    rows: list[Row] = []
    findings: list[str] = []
    with SiteApache(port, system.url, system.media_dir) as apache:
        for label, path in paths.items():
            cache = cache_status(apache.url(path))
            if cache is None or not cache.startswith("HIT"):
                findings.append(f"deploy/apache did not serve {path} from its cache (X-Cache: {cache})")
            result = measure(f"Apache (deploy/apache) → gateway, cached {label} ({path})", apache.url(path), conns)
            reference = references[label]
            ratio = result.rps / reference.rps if reference.rps else 0.0
            rows.append(
                Row(
                    f"production path: cached {label} through deploy/apache, vs Apache static ({conns} conns)",
                    f"{result.rps:,.0f} vs {reference.rps:,.0f} req/s = {ratio:.0%}, p99 {result.p99_ms:.1f} ms",
                    f"≥ {RATIO_BUDGET:.0%} of Apache",
                    verdict(ratio >= RATIO_BUDGET and not result.errors),
                )
            )
        sample = int(paths["profile"].rsplit("/", 1)[1])
        seen = visibility(system, apache, sample)
    for what, seconds in (("withdrawal", seen.withdrawal_s), ("publication", seen.publication_s)):
        measured = f"{seconds:.1f} s" if seconds is not None else f"> {GIVE_UP_S:.0f} s"
        ok = seconds is not None and seconds < VISIBLE_BUDGET_S
        rows.append(Row(f"production path: a {what} visible through deploy/apache", measured, "< 60 s", verdict(ok)))
    rows.append(
        Row(
            "  of which (no budget)",
            f"Cache-Control max-age={MAX_AGE} from publico, then revalidated by ETag; page fetched just before",
            "",
            INFO,
        )
    )
    return rows, findings
