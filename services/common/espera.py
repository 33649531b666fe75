"""What a progress page waits for: whether the job behind it is being run right now, or waits for a worker.

A job is pending while its outbox row is not done. A worker running it holds arq's in-progress key (renewed
while it runs, services/common/worker.py); when that worker dies the key lapses within seconds and the job
waits in the queue, or for the relay to hand it over again, until a worker takes it. The page then says so
instead of showing a progress that does not move.
"""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from arq.constants import in_progress_key_prefix
from redis.asyncio import Redis
from redis.exceptions import RedisError

from .outbox import arq_job_id

log = logging.getLogger(__name__)

# The outbox is shared plumbing (docs/architecture.md): a service reads the rows of the jobs it waits for.
PENDING_JOB_SQL = """
SELECT id FROM outbox.jobs
WHERE function = $1 AND args @> $2::jsonb AND done_at IS NULL AND failed_at IS NULL
ORDER BY id DESC
LIMIT 1
"""
EN_ESPERA = "En espera de un trabajador: el trabajo se retomará en cuanto uno esté libre."


def job_key(outbox_id: int) -> str:
    """arq's in-progress key of the job the relay handed over for one outbox row."""
    return in_progress_key_prefix + arq_job_id(outbox_id)


async def waiting_for_worker(pool: asyncpg.Pool, redis: Redis | None, function: str, **args: Any) -> bool:
    """True when a job ``function`` whose payload contains ``args`` is pending and no worker is running it."""
    outbox_id = await pool.fetchval(PENDING_JOB_SQL, function, args)
    if outbox_id is None or redis is None:
        return False
    try:
        return not await redis.exists(job_key(outbox_id))
    except RedisError as exc:
        # Without Redis no worker runs anything: the page says what it waits for.
        log.warning("espera: Redis no responde (%s)", exc)
        return True
