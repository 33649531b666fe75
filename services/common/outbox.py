"""The transactional outbox: a change and the job it causes commit together, then a relay hands the job to arq.

``enqueue`` is called inside the caller's transaction. The relay (``python -m services.common.relay``) moves
due rows into arq under the job id ``outbox:<id>``; the worker marks the row done after the job succeeds,
and failed (``failed_at``) when its payload does not match its contract (``contracts.py``).
A row not done after ``redeliver_after`` seconds is enqueued again under the same id when arq no longer holds
it (Redis lost it); while arq still has it queued or running, the delay starts again instead (``relay_once``).
arq also refuses a second copy while the first is queued, running or finished, so nothing is lost and nothing
runs twice at once. Job functions are idempotent (keyed by record and version) for the rest.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import asyncpg
from arq.connections import ArqRedis
from arq.constants import job_key_prefix
from redis.exceptions import RedisError

from .queues import QUEUES

log = logging.getLogger(__name__)

INSERT_SQL = "INSERT INTO outbox.jobs (queue, function, args) VALUES ($1, $2, $3) RETURNING id"
NOTIFY_CHANNEL = "outbox"
DUE_SQL = """
SELECT id, queue, function, args, enqueued_at
FROM outbox.jobs
WHERE done_at IS NULL AND failed_at IS NULL
  AND (enqueued_at IS NULL OR enqueued_at < now() - make_interval(secs => $1))
ORDER BY id
LIMIT $2
FOR UPDATE SKIP LOCKED
"""
MARK_ENQUEUED_SQL = "UPDATE outbox.jobs SET enqueued_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])"
# Still in arq's queue (or running) when its redelivery delay ran out: the delay starts again, no attempt counted.
MARK_STILL_QUEUED_SQL = "UPDATE outbox.jobs SET enqueued_at = now() WHERE id = ANY($1::bigint[])"
MARK_DONE_SQL = "UPDATE outbox.jobs SET done_at = now(), last_error = NULL WHERE id = $1 AND done_at IS NULL"
MARK_ERROR_SQL = "UPDATE outbox.jobs SET last_error = $2 WHERE id = $1"
# A payload its contract refuses: no retry can fix it, so the relay stops handing it over (services/common/worker.py).
MARK_FAILED_SQL = "UPDATE outbox.jobs SET failed_at = now(), last_error = $2 WHERE id = $1 AND done_at IS NULL"


async def enqueue(conn: asyncpg.Connection, service: str, function: str, *, wake: bool = True, **args: Any) -> int:
    """Write a job for ``service``'s worker in the caller's transaction; it leaves only if that commits.

    ``wake=False`` leaves the job to the relay's next poll (``outbox_poll_interval``, 1 s) instead of waking it:
    for jobs written on a hot path that nobody waits for (a questionnaire's start of capture). A transaction that
    NOTIFYs takes PostgreSQL's one notification-queue lock at commit and holds it through its WAL flush, so
    every such commit in the database waits for the one before it: one per save capped captura at about one
    save per disk flush (109 saves/s, docs/bench.md).

    Services call ``contracts.send`` instead, which names the job and checks its payload; this is its plumbing."""
    if not conn.is_in_transaction():
        raise RuntimeError("outbox.enqueue debe llamarse dentro de la transacción del cambio")
    job_id: int = await conn.fetchval(INSERT_SQL, QUEUES[service], function, args)
    if wake:
        # NOTIFY is delivered at commit, so the relay wakes only for jobs that exist.
        await conn.execute("SELECT pg_notify($1, '')", NOTIFY_CHANNEL)
    return job_id


async def relay_once(pool: asyncpg.Pool, redis: ArqRedis, redeliver_after: float = 30, batch: int = 500) -> int:
    """Move the due jobs into arq; return how many were handed over.

    A row handed over before is handed over again only if arq no longer has it: a job still waiting in its queue
    (a bulk publication queued for longer than ``redeliver_after``) or running keeps its ``arq:job:`` key, so its
    redelivery clock restarts instead, and ``attempts`` counts real hand-overs only. Redis losing the job (a
    restart without its data) removes that key, and the next round hands the job over again."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(DUE_SQL, redeliver_after, batch)
        if not rows:
            return 0
        seen = [r for r in rows if r["enqueued_at"] is not None]
        still = await _still_in_arq(redis, [r["id"] for r in seen])
        handed = [r for r in rows if r["id"] not in still]
        for row in handed:
            await redis.enqueue_job(
                row["function"],
                _job_id=arq_job_id(row["id"]),
                _queue_name=row["queue"],
                outbox_id=row["id"],
                **row["args"],
            )
        if handed:
            await conn.execute(MARK_ENQUEUED_SQL, [r["id"] for r in handed])
        if still:
            await conn.execute(MARK_STILL_QUEUED_SQL, sorted(still))
    return len(handed)


def arq_job_id(outbox_id: int) -> str:
    """The arq job id of an outbox row: one id per row, so arq refuses a second copy while it has the first."""
    return f"outbox:{outbox_id}"


async def _still_in_arq(redis: ArqRedis, outbox_ids: list[int]) -> set[int]:
    """The rows whose job arq still holds (queued, deferred or running: its job key lives until it finishes)."""
    if not outbox_ids:
        return set()
    async with redis.pipeline(transaction=False) as pipe:
        for outbox_id in outbox_ids:
            pipe.exists(job_key_prefix + arq_job_id(outbox_id))
        found = await pipe.execute()
    return {outbox_id for outbox_id, exists in zip(outbox_ids, found, strict=True) if exists}


# What PostgreSQL or Redis going away raises in the relay (InternalClientError: a statement cut short mid-protocol).
_OUTAGE = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError, RedisError)


class _Listener:
    """The relay's LISTEN connection, kept out of the pool. PostgreSQL restarting closes it, and asyncpg never
    re-opens it on its own: without ``ensure`` the relay would fall back to polling until it restarted."""

    def __init__(self, pool: asyncpg.Pool, wake: asyncio.Event) -> None:
        self.pool = pool
        self.wake = wake
        self.conn: asyncpg.Connection | None = None
        self.lost = False  # listened once, and that connection died

    def _on_notify(self, *_: object) -> None:
        self.wake.set()

    def _on_terminated(self, *_: object) -> None:
        # Wake the loop, so it listens again as soon as PostgreSQL answers.
        self.wake.set()

    async def ensure(self) -> None:
        """Listen, on a new connection if the last one died; raises while PostgreSQL cannot be reached."""
        if self._alive():
            return
        self.lost = self.lost or self.conn is not None
        await self.close()
        conn: asyncpg.Connection = await self.pool.acquire()
        try:
            await conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
        except BaseException:
            conn.terminate()  # half-set-up while PostgreSQL went away: never back into the pool as it is
            await self.pool.release(conn)
            raise
        conn.add_termination_listener(self._on_terminated)
        self.conn = conn
        if self.lost:
            log.info("outbox relay: listening for NOTIFY %s again", NOTIFY_CHANNEL)
            self.lost = False

    def _alive(self) -> bool:
        try:
            return self.conn is not None and not self.conn.is_closed()
        except asyncpg.InterfaceError:  # the pool already dropped the dead connection under us
            return False

    async def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            if not conn.is_closed():
                conn.remove_termination_listener(self._on_terminated)
                await conn.remove_listener(NOTIFY_CHANNEL, self._on_notify)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            pass  # the connection died meanwhile; releasing it below is all that is left
        try:
            await self.pool.release(conn)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.info("outbox relay: old LISTEN connection already gone (%s)", type(exc).__name__)


async def run_relay(
    pool: asyncpg.Pool,
    redis: ArqRedis,
    stop: asyncio.Event,
    poll_interval: float = 1.0,
    redeliver_after: float = 30,
    retry_interval: float = 1.0,
) -> None:
    """Relay until ``stop`` is set: woken by NOTIFY, and polling anyway so redeliveries and missed wake-ups happen.

    While PostgreSQL or Redis is away it retries every ``retry_interval`` (WARNING lines, no tracebacks); the first
    round that reaches PostgreSQL again also listens again, so hand-off is back to NOTIFY speed at once."""
    wake = asyncio.Event()
    listener = _Listener(pool, wake)
    try:
        while not stop.is_set():
            wake.clear()
            pause = poll_interval
            try:
                await listener.ensure()
                moved = await relay_once(pool, redis, redeliver_after)
                if moved:
                    log.info("outbox relay: %d job(s) handed to arq", moved)
                    continue
            except (
                OSError,
                asyncpg.PostgresError,
                asyncpg.InterfaceError,
                asyncpg.InternalClientError,
                RedisError,
            ) as exc:
                # PostgreSQL or Redis is restarting: the rows stay in the outbox; try again shortly.
                log.warning("outbox relay: %s: %s; retrying", type(exc).__name__, exc)
                pause = min(poll_interval, retry_interval)
            stop_wait = asyncio.ensure_future(stop.wait())
            wake_wait = asyncio.ensure_future(wake.wait())
            await asyncio.wait({stop_wait, wake_wait}, timeout=pause, return_when=asyncio.FIRST_COMPLETED)
            for task in (stop_wait, wake_wait):
                task.cancel()
    finally:
        await listener.close()
