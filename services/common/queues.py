"""Queue names: one arq queue per service that owns jobs, so each worker runs only its own functions."""

from __future__ import annotations

from arq.connections import RedisSettings

QUEUES = {
    "auth": "conoceles:auth",
    "captura": "conoceles:captura",
    "validacion": "conoceles:validacion",
    "publico": "conoceles:publico",
    "reportes": "conoceles:reportes",
}


def redis_settings(redis_url: str) -> RedisSettings:
    # Retries ride out a Redis restart instead of crashing the worker or the relay.
    settings = RedisSettings.from_dsn(redis_url)
    settings.conn_retries = 30
    settings.conn_retry_delay = 1
    return settings
