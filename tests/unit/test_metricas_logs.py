"""services/common/metricas.py and logs.py without a server: bounded labels, arq's health line, JSON log lines."""

from __future__ import annotations

import io
import logging
from collections import Counter

import orjson

from services.common import logs, metricas


def test_arq_health_check_line_is_parsed() -> None:
    line = "Dec-02 03:40:00 j_complete=57 j_failed=2 j_retried=3 j_ongoing=1 queued=4"
    assert metricas.parse_health_check(line) == {
        "j_complete": 57, "j_failed": 2, "j_retried": 3, "j_ongoing": 1, "queued": 4,
    }  # fmt: skip
    assert metricas.parse_health_check("") == {}


def test_requests_are_counted_per_route_pattern_with_latency() -> None:
    metrics: Counter[str] = Counter()
    metricas.count_request(metrics, "GET", "/candidaturas/:id", 200, 0.25)
    metricas.count_request(metrics, "GET", "/candidaturas/:id", 200, 0.5)
    assert metrics['http_route_requests_total{method="GET",route="/candidaturas/:id",status="200"}'] == 2
    assert metrics['http_route_seconds_count{method="GET",route="/candidaturas/:id"}'] == 2
    assert metrics['http_route_seconds_sum{method="GET",route="/candidaturas/:id"}'] == 0.75


def test_json_log_lines_carry_the_request_id() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter("publico"))
    logger = logging.getLogger("prueba.json")
    logger.addHandler(handler)
    logger.propagate = False
    token = logs.REQUEST_ID.set("abc123")
    try:
        logger.warning("sin caché: %s", "/candidaturas")
        try:
            raise ValueError("mal")
        except ValueError:
            logger.exception("falló")
    finally:
        logs.REQUEST_ID.reset(token)
        logger.removeHandler(handler)
    first, second = (orjson.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "sin caché: /candidaturas"
    assert (first["process"], first["level"], first["request_id"]) == ("publico", "WARNING", "abc123")
    assert "ValueError: mal" in second["exception"]
