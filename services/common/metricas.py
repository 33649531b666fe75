"""What /metrics adds to the request counters: requests and latency per route, and the queue of the service.

Labels stay bounded: a route is the pattern that matched (``/candidaturas/:id``), never the raw path. A service
that owns an arq queue reports its depth and what its workers last wrote in arq's health-check key (jobs complete,
failed, retried and running since the worker started; see services/common/worker.py).
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter

from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import RedisError

from .queues import QUEUES

UNMATCHED = "(sin ruta)"
_HEALTH_FIELD = re.compile(r"\b(j_complete|j_failed|j_retried|j_ongoing|queued)=(\d+)")
HEALTH_METRICS = {
    "j_complete": "jobs_complete_total",
    "j_failed": "jobs_failed_total",
    "j_retried": "jobs_retried_total",
    "j_ongoing": "jobs_running",
}


def route_label(request: web.Request) -> str:
    """The matched route's pattern, or one fixed label for every path that matched none (404s, scans)."""
    route = request.match_info.route
    resource = route.resource if route is not None else None
    if resource is None or request.match_info.http_exception is not None:
        return UNMATCHED
    # `/candidaturas/{id}` → `/candidaturas/:id`: a brace inside a label breaks simple sample parsers (the gateway's).
    return resource.canonical.replace('"', "").replace("{", ":").replace("}", "")


def count_request(metrics: Counter[str], method: str, route: str, status: int, seconds: float) -> None:
    labels = f'method="{method}",route="{route}"'
    metrics[f'http_route_requests_total{{{labels},status="{status}"}}'] += 1
    metrics[f"http_route_seconds_sum{{{labels}}}"] += seconds  # type: ignore[assignment]
    metrics[f"http_route_seconds_count{{{labels}}}"] += 1


def parse_health_check(text: str) -> dict[str, int]:
    """arq's health-check line (``Dec-02 03:40:00 j_complete=5 j_failed=1 j_retried=2 j_ongoing=0 queued=3``)."""
    return {name: int(value) for name, value in _HEALTH_FIELD.findall(text)}


async def queue_samples(redis: Redis, service: str) -> list[str]:
    """Prometheus samples of the service's own queue; none if it owns no queue or Redis does not answer."""
    queue = QUEUES.get(service)
    if queue is None:
        return []
    try:
        depth, health = await asyncio.wait_for(_read_queue(redis, queue), 2)
    except (RedisError, TimeoutError):
        return [f'conoceles_queue_up{{service="{service}",queue="{queue}"}} 0']
    labels = f'service="{service}",queue="{queue}"'
    lines = [f"conoceles_queue_up{{{labels}}} 1", f"conoceles_queue_depth{{{labels}}} {depth}"]
    fields = parse_health_check(health.decode() if health else "")
    for field, metric in HEALTH_METRICS.items():
        if field in fields:
            lines.append(f"conoceles_{metric}{{{labels}}} {fields[field]}")
    return lines


async def _read_queue(redis: Redis, queue: str) -> tuple[int, bytes | None]:
    depth: int = await redis.zcard(queue)
    health: bytes | None = await redis.get(f"{queue}:health-check")
    return depth, health
