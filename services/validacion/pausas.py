"""The pause of a published candidacy, as every path that publishes asks about it (migrations/0036_pausas.sql)."""

from __future__ import annotations

import asyncpg

PAUSED_SQL = "SELECT EXISTS (SELECT 1 FROM validacion.pausas WHERE candidatura_id = $1 AND reanudada_at IS NULL)"


async def is_paused(conn: asyncpg.Connection, candidatura_id: int) -> bool:
    paused: bool = await conn.fetchval(PAUSED_SQL, candidatura_id)
    return paused


PAUSED_AMONG_SQL = """
SELECT DISTINCT candidatura_id FROM validacion.pausas WHERE candidatura_id = ANY($1::int[]) AND reanudada_at IS NULL
"""


async def paused_among(conn: asyncpg.Connection, candidatura_ids: list[int]) -> set[int]:
    """The candidacies among ``candidatura_ids`` that are paused now (one query for a bulk publication)."""
    if not candidatura_ids:
        return set()
    return {r["candidatura_id"] for r in await conn.fetch(PAUSED_AMONG_SQL, candidatura_ids)}
