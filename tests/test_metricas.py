"""/metrics for operators (issue 13, Observability): per-route requests and latency, the page cache's hits and
misses, and each queue's depth and job counters, read on the gateway's operator port (local only)."""

from __future__ import annotations

import re

import aiohttp
import asyncpg

from launcher.system import System

from .helpers import Client, eventually

PUBLICADA_SQL = "SELECT id FROM publico.candidaturas ORDER BY id LIMIT 1"


async def operator_metrics(system: System) -> str:
    async with aiohttp.ClientSession() as http, http.get(f"{system.operator_url}/metrics") as response:
        assert response.status == 200
        return await response.text()


def sample(text: str, pattern: str) -> float:
    """The sum of every sample whose name and labels match ``pattern`` (one per instance)."""
    return sum(float(v) for v in re.findall(rf"^{pattern}[^\n]* (\S+)$", text, re.MULTILINE))


async def test_metrics_count_routes_cache_and_queues(system: System, client: Client, db: asyncpg.Pool) -> None:
    candidatura_id = await db.fetchval(PUBLICADA_SQL)
    route = (
        r'conoceles_http_route_requests_total\{service="publico",method="GET",route="/candidaturas/:id",status="200"'
    )
    before = await operator_metrics(system)
    for n in range(3):
        # Three addresses: the gateway answers a repeated one from its own memory, without publico (page_cache.py).
        response = await client.get(f"/candidaturas/{candidatura_id}?intento={n}")
        assert response.status == 200
    after = await operator_metrics(system)
    assert sample(after, route) - sample(before, route) >= 3
    latency = r'conoceles_http_route_seconds_count\{service="publico",method="GET",route="/candidaturas/:id"'
    assert sample(after, latency) >= 3
    # Every cached page counts as a hit or a miss (the ratio operators watch); the demo keeps publishing in the
    # background, and each publication starts a new cache generation, so which one is not fixed here.
    cache = r'conoceles_publico_cache_(?:hits|misses)_total\{service="publico"'
    assert sample(after, cache) - sample(before, cache) >= 3
    # A path that matches no route is one label, not one per path (scanners must not blow up the series).
    await client.get("/no-existe-123")
    await client.get("/no-existe-456")
    text = await operator_metrics(system)
    assert "no-existe" not in text
    assert re.search(r'route="\(sin ruta\)",status="404"', text)
    for queue in ("auth", "captura", "validacion", "publico", "reportes"):
        assert re.search(rf'conoceles_queue_depth\{{service="{queue}",queue="conoceles:{queue}"[^}}]*\}} \d+', text)

    async def job_counters() -> bool:
        text = await operator_metrics(system)
        return bool(re.search(r'conoceles_jobs_failed_total\{service="publico",queue="conoceles:publico"', text)) and (
            bool(re.search(r'conoceles_jobs_retried_total\{service="publico"', text))
        )

    # Workers write arq's health line every 15 s (arq's default is hourly).
    await eventually(job_counters, within=60, what="the publico worker's job counters on /metrics")
