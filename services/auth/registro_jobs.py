"""Jobs the registry causes in auth: when a candidacy is cancelled or its person substituted, that person's
account stops working. validacion cannot touch ``auth`` (auth owns it), so it enqueues this job instead."""

from __future__ import annotations

from typing import Any

import asyncpg
from redis.asyncio import Redis

from services.common import audit, sessions
from services.common.contracts import DisableForCandidatura

# Every account of the candidacy, whether already disabled or not: a retry after a crash between the update and
# the session revocation must still revoke the sessions.
ACCOUNTS_SQL = "SELECT id, active FROM auth.users WHERE candidatura_id = $1 FOR UPDATE"
DISABLE_SQL = """
UPDATE auth.users SET active = false, disabled_at = now(), updated_at = now()
WHERE id = ANY($1::integer[]) AND active
"""


async def disable_for_candidatura(ctx: dict[str, Any], job: DisableForCandidatura) -> int:
    """Disable the accounts of a withdrawn candidacy and end their sessions; returns how many were disabled."""
    candidatura_id = job.candidatura_id
    pool: asyncpg.Pool = ctx["db_pool"]
    redis: Redis = ctx["redis"]
    async with pool.acquire() as conn, conn.transaction():
        accounts = await conn.fetch(ACCOUNTS_SQL, candidatura_id)
        active = [a["id"] for a in accounts if a["active"]]
        if active:
            await conn.execute(DISABLE_SQL, active)
            await audit.record(
                conn,
                None,
                None,
                service="auth",
                action="desactivar_por_baja",
                entity="candidatura",
                entity_id=candidatura_id,
                details={"usuarios": active},
            )
    for account in accounts:
        await sessions.destroy_all(redis, account["id"])
    return len(active)
