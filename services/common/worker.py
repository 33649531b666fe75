"""Runs the arq worker of one service: ``python -m services.common.worker captura``.

Each service's ``jobs.py`` declares ``FUNCTIONS`` (and optionally ``CRON_JOBS``); this module gives every
worker the same context (a database pool under ``db_pool``) and the same retry policy.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
from typing import Any

from arq.worker import Worker

from .db import create_pool
from .logs import setup_logging
from .queues import QUEUES, redis_settings
from .settings import CommonSettings, load_settings

WORKER_SERVICES = ("auth", "captura", "validacion", "publico", "reportes")


def build_worker(service: str, settings: CommonSettings, **overrides: Any) -> Worker:
    module = importlib.import_module(f"services.{service}.jobs")

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["db_pool"] = await create_pool(settings, min_size=1, max_size=4)
        ctx["settings"] = settings

    async def shutdown(ctx: dict[str, Any]) -> None:
        if "db_pool" in ctx:
            await ctx["db_pool"].close()

    options: dict[str, Any] = {
        "functions": module.FUNCTIONS,
        "cron_jobs": getattr(module, "CRON_JOBS", None),
        "queue_name": QUEUES[service],
        "redis_settings": redis_settings(settings.redis_url),
        "on_startup": startup,
        "on_shutdown": shutdown,
        "max_tries": 10,
        # Failed results expire so the outbox relay can hand the job over again later.
        "keep_result": 600,
        # arq's default polls twice a second, which caps a burst (8,000 publications) at ~25 jobs/s.
        "poll_delay": 0.05,
        "max_jobs": 20,
        "job_timeout": 300,
        "handle_signals": True,
    }
    options.update(overrides)
    return Worker(**options)


def main() -> None:
    parser = argparse.ArgumentParser(description="arq worker of a Conóceles service")
    parser.add_argument("service", choices=WORKER_SERVICES)
    args = parser.parse_args()
    settings = load_settings(CommonSettings)
    setup_logging(settings.log_level, f"worker-{args.service}")
    asyncio.set_event_loop(asyncio.new_event_loop())
    build_worker(args.service, settings).run()


if __name__ == "__main__":
    main()
