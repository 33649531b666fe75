"""/health and /metrics are not public (issue 7, item 13): the internet gets "ok" or "degraded"; upstream
addresses, error names and metrics are for operators (the local operator port, or an admin session).
"""

from __future__ import annotations

import re
import socket

import aiohttp
import pytest
from yarl import URL

from launcher.system import System

from .helpers import Client

# Every way a path could reach a service's own /health or /metrics through the gateway's routing.
TRICKS = [
    "/metrics",
    "/metrics/",
    "//metrics",
    "/%6detrics",
    "/%6Detrics",
    "/./metrics",
    "/x/../metrics",
    "/x/%2e%2e/metrics",
    "/captura/metrics",
    "/captura/../metrics",
    "/captura/%2e%2e/metrics",
    "/captura/..%2fmetrics",
    "/cuenta/metrics",
    "/validacion/metrics",
    "/reportes/metrics",
    "/api/metrics",
    "/health/",
    "//health",
    "/%68ealth",
    "/x/../health",
    "/captura/health",
    "/captura/../health",
    "/captura/%2e%2e/health",
    "/cuenta/%2e%2e/health",
    "/reportes/..%2fhealth",
]
INTERNAL = re.compile(r"127\.0\.0\.1|:\d{4,5}|upstreams|conoceles_http|postgresql|redis|ClientConnector", re.I)


async def test_public_health_says_only_up_or_degraded(client: Client) -> None:
    response = await client.get("/health")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert not INTERNAL.search(await response.text())


async def test_public_metrics_do_not_exist(client: Client) -> None:
    response = await client.get("/metrics")
    assert response.status == 404
    assert "conoceles_" not in await response.text()


@pytest.mark.parametrize("persona", [None, "demo-validador", "demo-coordinacion"])
async def test_no_routing_trick_exposes_a_service_health_or_metrics(
    persona: str | None, make_client: type[Client], base_url: str
) -> None:
    client = make_client()
    if persona:
        await client.login(persona)
    leaks = []
    for path in TRICKS:
        async with client.session.get(URL(base_url + path, encoded=True), allow_redirects=False) as response:
            text = await response.text()
        if response.status == 200 and text == '{"status":"ok"}':
            continue  # the gateway's own public answer
        if response.status < 400 or INTERNAL.search(text) or "conoceles_" in text:
            leaks.append(f"{path}: {response.status} {text[:120]!r}")
    assert leaks == []


async def test_an_admin_reads_the_details_and_the_metrics_through_the_gateway(client: Client) -> None:
    await client.login("demo-admin")
    health = await client.get("/health")
    body = await health.json()
    assert health.status == 200
    assert set(body["services"]) == {"auth", "captura", "validacion", "publico", "reportes"}
    metrics = await client.get("/metrics")
    text = await metrics.text()
    assert metrics.status == 200 and metrics.headers["Cache-Control"] == "no-store"
    assert re.search(r'conoceles_gateway_upstream_up\{service="publico",instance="[^"]+"\} 1', text)
    assert re.search(r'conoceles_http_requests_total\{service="captura",status="\d+",instance="[^"]+"\} \d+', text)


async def test_the_operator_port_is_local_and_has_the_details(system: System) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{system.operator_url}/health") as response:
            body = await response.json()
        assert response.status == 200
        assert all(s["healthy"] >= 1 for s in body["services"].values())
        assert any(u["url"].startswith("http://127.0.0.1:") for u in body["services"]["publico"]["upstreams"])
        async with http.get(f"{system.operator_url}/metrics") as response:
            text = await response.text()
        assert response.status == 200
        assert text.count('conoceles_gateway_upstream_up{service="publico"') == 2
        # Nothing but health and metrics there: the site itself is not served on the operator port.
        async with http.get(f"{system.operator_url}/candidaturas") as response:
            assert response.status == 404
    # Bound to the loopback address only.
    async with aiohttp.ClientSession() as http:
        outside = [
            info[4][0]
            for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
            if not info[4][0].startswith("127.")
        ]
        for address in outside:
            with pytest.raises(aiohttp.ClientConnectorError):
                async with http.get(f"http://{address}:{system.operator_port}/health"):
                    pass


async def test_a_service_reached_directly_still_answers_its_checks(system: System) -> None:
    """The gateway's checks, compose's healthchecks and Prometheus reach each process directly."""
    port = system.process("captura").spec.port
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/health") as response:
            assert response.status == 200 and (await response.json())["checks"]["postgresql"] == "ok"
        async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
            assert response.status == 200 and "conoceles_http_requests_total" in await response.text()
