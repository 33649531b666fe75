"""The transactional outbox: a change and the job it causes commit together, then a relay hands the job to arq.

``enqueue`` is called inside the caller's transaction. The relay (``python -m services.common.relay``) moves
due rows into arq under the job id ``outbox:<id>``; the worker marks the row done after the job succeeds,
and failed (``failed_at``) when its payload does not match its contract (``contracts.py``).
A row not done after ``redeliver_after`` seconds is enqueued again under the same id: arq refuses it while
the first copy is queued, running or finished, and accepts it when Redis lost it, so nothing is lost and
nothing runs twice at once. Job functions are idempotent (keyed by record and version) for the rest.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import asyncpg
from arq.connections import ArqRedis

from .queues import QUEUES

log = logging.getLogger(__name__)

INSERT_SQL = "INSERT INTO outbox.jobs (queue, function, args) VALUES ($1, $2, $3) RETURNING id"
NOTIFY_CHANNEL = "outbox"
DUE_SQL = """
SELECT id, queue, function, args
FROM outbox.jobs
WHERE done_at IS NULL AND failed_at IS NULL
  AND (enqueued_at IS NULL OR enqueued_at < now() - make_interval(secs => $1))
ORDER BY id
LIMIT $2
FOR UPDATE SKIP LOCKED
"""
MARK_ENQUEUED_SQL = "UPDATE outbox.jobs SET enqueued_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])"
MARK_DONE_SQL = "UPDATE outbox.jobs SET done_at = now(), last_error = NULL WHERE id = $1 AND done_at IS NULL"
MARK_ERROR_SQL = "UPDATE outbox.jobs SET last_error = $2 WHERE id = $1"
# A payload its contract refuses: no retry can fix it, so the relay stops handing it over (services/common/worker.py).
MARK_FAILED_SQL = "UPDATE outbox.jobs SET failed_at = now(), last_error = $2 WHERE id = $1 AND done_at IS NULL"


async def enqueue(conn: asyncpg.Connection, service: str, function: str, **args: Any) -> int:
    """Write a job for ``service``'s worker in the caller's transaction; it leaves only if that commits.

    Services call ``contracts.send`` instead, which names the job and checks its payload; this is its plumbing."""
    if not conn.is_in_transaction():
        raise RuntimeError("outbox.enqueue debe llamarse dentro de la transacción del cambio")
    job_id: int = await conn.fetchval(INSERT_SQL, QUEUES[service], function, args)
    # NOTIFY is delivered at commit, so the relay wakes only for jobs that exist.
    await conn.execute("SELECT pg_notify($1, '')", NOTIFY_CHANNEL)
    return job_id


async def relay_once(pool: asyncpg.Pool, redis: ArqRedis, redeliver_after: float = 30, batch: int = 500) -> int:
    """Move the due jobs into arq; return how many were handed over."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(DUE_SQL, redeliver_after, batch)
        if not rows:
            return 0
        for row in rows:
            await redis.enqueue_job(
                row["function"],
                _job_id=f"outbox:{row['id']}",
                _queue_name=row["queue"],
                outbox_id=row["id"],
                **row["args"],
            )
        await conn.execute(MARK_ENQUEUED_SQL, [r["id"] for r in rows])
    return len(rows)


async def run_relay(
    pool: asyncpg.Pool, redis: ArqRedis, stop: asyncio.Event, poll_interval: float = 1.0, redeliver_after: float = 30
) -> None:
    """Relay until ``stop`` is set: woken by NOTIFY, and polling anyway so redeliveries and missed wake-ups happen."""
    wake = asyncio.Event()

    def on_notify(*_: object) -> None:
        wake.set()

    listener: asyncpg.Connection = await pool.acquire()
    try:
        await listener.add_listener(NOTIFY_CHANNEL, on_notify)
        while not stop.is_set():
            wake.clear()
            try:
                moved = await relay_once(pool, redis, redeliver_after)
                if moved:
                    log.info("outbox relay: %d job(s) handed to arq", moved)
                    continue
            except (OSError, asyncpg.PostgresError, ConnectionError) as exc:
                # PostgreSQL or Redis is restarting: the rows stay in the outbox; try again shortly.
                log.warning("outbox relay: %s; retrying", exc)
            stop_wait = asyncio.ensure_future(stop.wait())
            wake_wait = asyncio.ensure_future(wake.wait())
            await asyncio.wait({stop_wait, wake_wait}, timeout=poll_interval, return_when=asyncio.FIRST_COMPLETED)
            for task in (stop_wait, wake_wait):
                task.cancel()
    finally:
        await listener.remove_listener(NOTIFY_CHANNEL, on_notify)
        await pool.release(listener)
