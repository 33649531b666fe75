"""The outbox relay process: ``python -m services.common.relay``."""

from __future__ import annotations

import asyncio
import signal

from arq.connections import create_pool as create_arq_pool

from .db import create_pool
from .logs import setup_logging
from .outbox import run_relay
from .queues import redis_settings
from .settings import CommonSettings, load_settings


async def _main(settings: CommonSettings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    pool = await create_pool(settings, min_size=2, max_size=3)
    redis = await create_arq_pool(redis_settings(settings.redis_url))
    try:
        await run_relay(pool, redis, stop)
    finally:
        await redis.aclose()
        await pool.close()


def main() -> None:
    settings = load_settings(CommonSettings)
    setup_logging(settings.log_level, "relay", json_format=settings.log_format == "json")
    asyncio.run(_main(settings))


if __name__ == "__main__":
    main()
