"""The workers' lease on running jobs (services/common/worker.py), without a Redis: what it is set to, which
jobs it covers, and the stop signal handled once."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from arq.connections import RedisSettings
from arq.worker import func

from services.common import worker
from services.common.espera import job_key


async def _slow(ctx: dict[str, Any]) -> None:
    await asyncio.sleep(60)


def _worker(**kwargs: Any) -> worker.LeasedWorker:
    return worker.LeasedWorker(
        functions=[func(_slow, name="slow")],
        redis_settings=RedisSettings(port=1),
        handle_signals=False,
        job_timeout=300,
        **kwargs,
    )


async def test_the_in_progress_key_lives_for_the_lease_not_the_job_timeout() -> None:
    # arq's own worker keeps it for the longest timeout plus 10 s: five minutes after a kill.
    assert worker.Worker(functions=[func(_slow, name="slow")], handle_signals=False).in_progress_timeout_s == 310
    assert _worker().in_progress_timeout_s == worker.LEASE_S
    assert _worker(lease_s=2).in_progress_timeout_s == 2
    assert worker.RENEW_EVERY_S * 3 <= worker.LEASE_S  # a renewal or two may be late without losing the job


async def test_only_the_jobs_still_running_are_renewed() -> None:
    w = _worker()
    running = asyncio.ensure_future(asyncio.sleep(60))
    finished = asyncio.ensure_future(asyncio.sleep(0))
    await finished
    w.tasks = {"outbox:1": running, "outbox:2": finished}
    try:
        assert w.running_job_ids() == ["outbox:1"]
        assert worker.lease_keys(w.running_job_ids()) == ["arq:in-progress:outbox:1"]
        assert job_key(1) == "arq:in-progress:outbox:1"
    finally:
        running.cancel()


async def test_a_second_stop_signal_is_ignored() -> None:
    w = _worker()
    running = asyncio.ensure_future(asyncio.sleep(60))
    w.tasks = {"outbox:1": running}
    w.handle_sig(signal.SIGTERM)
    await asyncio.sleep(0)
    assert w.stopping and running.cancelled()
    again = asyncio.ensure_future(asyncio.sleep(60))
    w.tasks = {"outbox:1": again}
    w.handle_sig(signal.SIGTERM)  # arq's handler would cancel the clean-up of the first stop
    await asyncio.sleep(0)
    assert not again.cancelled()
    again.cancel()
