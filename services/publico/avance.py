"""publico's copy of the capture and publication progress (``publico.record_avance`` from reportes' cron) and
what /estadisticas reads of it. Aggregated counts per postulante × cargo only (migrations/0042_publico_avance.sql).

A batch older than the stored one is ignored (a redelivered or late job never rolls the figures back); an identical
batch changes nothing, so the page's cache, keyed by ``version``, is not thrown away every five minutes.
"""

from __future__ import annotations

import hashlib
from typing import Any

import asyncpg
import orjson

from services.common import contracts

CORTE_SQL = "SELECT at, huella, version FROM publico.avance_corte FOR UPDATE"
CLEAR_SQL = "DELETE FROM publico.avance"
INSERT_SQL = """
INSERT INTO publico.avance (postulante_id, cargo, registradas, enviadas, validadas, publicadas)
VALUES ($1, $2, $3, $4, $5, $6)
"""
SEEN_SQL = "UPDATE publico.avance_corte SET at = $1"
CHANGED_SQL = "UPDATE publico.avance_corte SET at = $1, huella = $2, version = version + 1"
VERSION_SQL = "SELECT version, at FROM publico.avance_corte"


def huella(filas: list[contracts.FilaAvance]) -> str:
    return hashlib.sha256(orjson.dumps([f.model_dump() for f in filas])).hexdigest()


async def record_avance(ctx: dict[str, Any], job: contracts.RecordAvance) -> bool:
    """Replace the stored counts with a newer batch; True when the figures changed."""
    pool: asyncpg.Pool = ctx["db_pool"]
    nueva = huella(job.filas)
    async with pool.acquire() as conn, conn.transaction():
        corte = await conn.fetchrow(CORTE_SQL)
        if corte["at"] is not None and corte["at"] >= job.at:
            return False
        if corte["huella"] == nueva:
            await conn.execute(SEEN_SQL, job.at)
            return False
        await conn.execute(CLEAR_SQL)
        await conn.executemany(
            INSERT_SQL,
            [(f.postulante_id, f.cargo, f.registradas, f.enviadas, f.validadas, f.publicadas) for f in job.filas],
        )
        await conn.execute(CHANGED_SQL, job.at, nueva)
    return True
