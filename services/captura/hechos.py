"""The facts :mod:`services.captura.reglas` decides on, read from the database. Reading never writes: a
questionnaire nobody saved yet reads as ``pendiente`` (its row is created by the first write)."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from services.common.plazos import ventana_de

from .reglas import EN_CORRECCION, Situacion
from .sql import APPROVED_CORRECTION_RUBROS_SQL, CUESTIONARIO_FOR_UPDATE_SQL, ENSURE_CUESTIONARIO_SQL

ESTADO_SQL = """
SELECT coalesce((SELECT estado FROM captura.cuestionarios WHERE candidatura_id = $1 AND cuestionario = $2),
                'pendiente')
"""


def now() -> datetime:
    return datetime.now(UTC)


async def situacion(
    conn: asyncpg.Connection | asyncpg.Pool, candidatura_id: int, cuestionario: str, estado: str | None = None
) -> Situacion:
    """The questionnaire's situation; ``estado`` when the caller already holds it (locked)."""
    if estado is None:
        estado = await conn.fetchval(ESTADO_SQL, candidatura_id, cuestionario)
    corregibles: frozenset[str] = frozenset()
    if estado == EN_CORRECCION:
        corregibles = frozenset(await conn.fetchval(APPROVED_CORRECTION_RUBROS_SQL, candidatura_id, cuestionario))
    return Situacion(await ventana_de(conn, candidatura_id), str(estado), corregibles)


async def lock(conn: asyncpg.Connection, candidatura_id: int, cuestionario: str) -> asyncpg.Record:
    """The questionnaire's row (estado, envios), created if needed and locked for the caller's transaction:
    saves and submits of one questionnaire run one at a time. The row exists from the first save on, so the lock
    is tried first: one statement per save instead of an insert that does nothing and then the lock."""
    row: asyncpg.Record | None = await conn.fetchrow(CUESTIONARIO_FOR_UPDATE_SQL, candidatura_id, cuestionario)
    if row is not None:
        return row
    # A concurrent first save's insert makes this one wait and do nothing; the lock then finds its row.
    await conn.execute(ENSURE_CUESTIONARIO_SQL, candidatura_id, cuestionario)
    locked: asyncpg.Record = await conn.fetchrow(CUESTIONARIO_FOR_UPDATE_SQL, candidatura_id, cuestionario)
    return locked
