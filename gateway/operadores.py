"""What only operators see: the detailed health of every upstream and the metrics of every process.

The internet gets ``/health`` as one word (up or degraded, with the same status code the details give), and
no ``/metrics`` at all. The details and the metrics are for an operator: on the operator port, bound to a
local address (``GATEWAY_OPERATOR_HOST``/``GATEWAY_OPERATOR_PORT``), or through the gateway with a session of
the ``admin`` role. Upstream addresses, ports and error names never reach anyone else.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import orjson
from aiohttp import web

from .settings import GatewaySettings
from .upstreams import UpstreamPool, check

Resources = Callable[[], tuple[aiohttp.ClientSession, dict[str, UpstreamPool]]]
METRICS_CONTENT_TYPE = "text/plain"
_SAMPLE = re.compile(r"^([A-Za-z_:][A-Za-z0-9_:]*)(\{[^}]*\})?\s+(.+)$")


async def health_report(client: aiohttp.ClientSession, pools: dict[str, UpstreamPool]) -> dict[str, Any]:
    """Every upstream of every service, checked now: "ok" only if each service has one healthy process."""
    names = list(pools)
    results = await asyncio.gather(
        *(asyncio.gather(*(check(client, pools[n], u) for u in pools[n].members)) for n in names)
    )
    services = {}
    for name, checks in zip(names, results, strict=True):
        healthy = sum(1 for c in checks if c.get("status") == "ok")
        services[name] = {"healthy": healthy, "upstreams": checks}
    ok = all(s["healthy"] for s in services.values())
    return {"status": "ok" if ok else "degraded", "services": services}


def health_response(report: dict[str, Any], detailed: bool) -> web.Response:
    body = report if detailed else {"status": report["status"]}
    status = 200 if report["status"] == "ok" else 503
    return web.Response(
        body=orjson.dumps(body), status=status, content_type="application/json", headers={"Cache-Control": "no-store"}
    )


def _instance(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}"


def with_label(line: str, label: str) -> str:
    """A Prometheus sample line with one more label (``service="x"`` → ``service="x",instance="…"``)."""
    match = _SAMPLE.match(line)
    if not match:
        return line
    name, labels, value = match.groups()
    inner = labels[1:-1] if labels else ""
    return f"{name}{{{inner + ',' if inner else ''}{label}}} {value}"


async def _scrape(client: aiohttp.ClientSession, url: str) -> list[str] | None:
    try:
        async with client.get(f"{url}/metrics", timeout=aiohttp.ClientTimeout(total=2)) as response:
            if response.status != 200:
                return None
            text = await response.text()
    except (aiohttp.ClientError, TimeoutError):
        return None
    return [line for line in text.splitlines() if line and not line.startswith("#")]


async def metrics_text(client: aiohttp.ClientSession, pools: dict[str, UpstreamPool]) -> str:
    """The metrics of every upstream process (labelled with its instance) and whether the gateway sees it up."""
    members = [(name, u) for name, pool in pools.items() for u in pool.members]
    scraped = await asyncio.gather(*(_scrape(client, u.url) for _, u in members))
    lines = ["# conoceles gateway: every upstream process, as the gateway reaches it"]
    for (name, upstream), samples in zip(members, scraped, strict=True):
        instance = f'instance="{_instance(upstream.url)}"'
        lines.append(f'conoceles_gateway_upstream_up{{service="{name}",{instance}}} {int(samples is not None)}')
        lines.extend(with_label(line, instance) for line in samples or [])
    return "\n".join(lines) + "\n"


def metrics_response(text: str) -> web.Response:
    return web.Response(text=text, content_type=METRICS_CONTENT_TYPE, headers={"Cache-Control": "no-store"})


def operator_app(resources: Resources) -> web.Application:
    """The operator port's own small application: detailed /health and /metrics, nothing else."""

    async def health(request: web.Request) -> web.Response:
        return health_response(await health_report(*resources()), detailed=True)

    async def metrics(request: web.Request) -> web.Response:
        return metrics_response(await metrics_text(*resources()))

    app = web.Application()
    app.router.add_get("/health", health)
    app.router.add_get("/metrics", metrics)
    return app


def operator_site(settings: GatewaySettings, resources: Resources) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup context that serves :func:`operator_app` on the operator port while the gateway runs."""

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        if not settings.operator_port:
            yield
            return
        runner = web.AppRunner(operator_app(resources), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, settings.operator_host, settings.operator_port).start()
        yield
        await runner.cleanup()

    return ctx
