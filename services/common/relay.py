"""The outbox relay process: ``python -m services.common.relay``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import asyncpg
from arq.connections import create_pool as create_arq_pool

from .db import create_pool, database_unavailable
from .logs import setup_logging
from .outbox import run_relay
from .queues import redis_settings
from .settings import CommonSettings, load_settings

log = logging.getLogger(__name__)


async def _pool_when_reachable(settings: CommonSettings, stop: asyncio.Event) -> asyncpg.Pool | None:
    """The pool, once PostgreSQL answers: a relay started (or restarted) during an outage waits instead of dying."""
    while not stop.is_set():
        try:
            return await create_pool(settings, min_size=2, max_size=3)
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            log.warning("outbox relay: PostgreSQL no disponible (%s); reintento en 1 s", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1)
    return None


async def _main(settings: CommonSettings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    pool = await _pool_when_reachable(settings, stop)
    if pool is None:
        return
    redis = await create_arq_pool(redis_settings(settings.redis_url))
    try:
        await run_relay(
            pool,
            redis,
            stop,
            poll_interval=settings.outbox_poll_interval,
            redeliver_after=settings.outbox_redeliver_after,
        )
    finally:
        await redis.aclose()
        await pool.close()


def main() -> None:
    settings = load_settings(CommonSettings)
    setup_logging(settings.log_level, "relay", json_format=settings.log_format == "json")
    asyncio.run(_main(settings))


if __name__ == "__main__":
    main()
