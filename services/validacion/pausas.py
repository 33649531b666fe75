"""The pause of a published candidacy, as every path that publishes asks about it (migrations/0036_pausas.sql)."""

from __future__ import annotations

import asyncpg

PAUSED_SQL = "SELECT EXISTS (SELECT 1 FROM validacion.pausas WHERE candidatura_id = $1 AND reanudada_at IS NULL)"


async def is_paused(conn: asyncpg.Connection, candidatura_id: int) -> bool:
    paused: bool = await conn.fetchval(PAUSED_SQL, candidatura_id)
    return paused
