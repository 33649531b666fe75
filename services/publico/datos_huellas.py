"""The per-row hashes of a release, compared with the previous release's in PostgreSQL, not in the worker.

A release of 100,000 candidacies has 100,000 hashes, and so has the release before it: held as two
``dict[str, str]`` in the worker, plus the JSON of the INSERT, they were what took worker-publico over its memory
budget (docs/bench.md). The new hashes go by COPY, chunk by chunk as the rows stream, into a temporary table of
the build's transaction; the changes (``datos.cambios``, same lists, same order) and the stored
``{"<id>": "<sha256>"}`` object are computed by the queries below, so the worker holds one chunk at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import asyncpg

TABLE = "datos_huellas_nuevas"
# Dropped with the build's transaction (committed or rolled back), so a pooled connection never keeps it.
CREATE_SQL = "CREATE TEMPORARY TABLE datos_huellas_nuevas (id integer PRIMARY KEY, huella text NOT NULL) ON COMMIT DROP"
ANALYZE_SQL = "ANALYZE datos_huellas_nuevas"  # autovacuum never sees temporary tables: the join needs the count

# The previous release's hashes ($1: its numero; NULL for the first release: nothing before it) against the new
# ones, row by row: ``nueva`` / ``previa`` are NULL where the id is not in that release.
SAME_SQL = """
SELECT NOT EXISTS (
    SELECT FROM datos_huellas_nuevas n
    FULL JOIN (
        SELECT key::integer AS id, value AS huella
        FROM publico.datos_publicaciones, jsonb_each_text(huellas)
        WHERE numero = $1
    ) p ON p.id = n.id
    WHERE n.huella IS DISTINCT FROM p.huella
)
"""
# The id lists are sorted, as ``datos.cambios`` sorts them.
INSERT_RELEASE_SQL = """
WITH diff AS (
    SELECT n.id AS nueva, p.id AS previa, n.huella <> p.huella AS distinta
    FROM datos_huellas_nuevas n
    FULL JOIN (
        SELECT key::integer AS id, value AS huella
        FROM publico.datos_publicaciones, jsonb_each_text(huellas)
        WHERE numero = $1
    ) p ON p.id = n.id
),
cambios AS (
    SELECT jsonb_build_object(
        'agregadas', coalesce(jsonb_agg(nueva ORDER BY nueva) FILTER (WHERE previa IS NULL), '[]'),
        'retiradas', coalesce(jsonb_agg(previa ORDER BY previa) FILTER (WHERE nueva IS NULL), '[]'),
        'corregidas', coalesce(jsonb_agg(nueva ORDER BY nueva) FILTER (WHERE distinta), '[]')
    ) AS cambios
    FROM diff
),
huellas AS (
    SELECT count(*) AS total, coalesce(jsonb_object_agg(id::text, huella), '{}') AS huellas
    FROM datos_huellas_nuevas
)
INSERT INTO publico.datos_publicaciones (numero, created_at, generacion, total, cambios, huellas)
SELECT $2, $3, $4, huellas.total, cambios.cambios, huellas.huellas FROM cambios, huellas
RETURNING total
"""


async def create(conn: asyncpg.Connection) -> None:
    await conn.execute(CREATE_SQL)


async def add(conn: asyncpg.Connection, huellas: Iterable[tuple[int, str]]) -> None:
    """One chunk of (candidatura id, hash of its row)."""
    await conn.copy_records_to_table(TABLE, records=huellas, columns=("id", "huella"))


async def same(conn: asyncpg.Connection, previa: int | None) -> bool:
    """Whether the new hashes are the previous release's, id for id."""
    await conn.execute(ANALYZE_SQL)
    return bool(await conn.fetchval(SAME_SQL, previa))


async def insert_release(
    conn: asyncpg.Connection, previa: int | None, numero: int, fecha: datetime, generacion: int
) -> int:
    """The release's row, its changes against ``previa`` and its hashes; the number of candidacies it holds."""
    return int(await conn.fetchval(INSERT_RELEASE_SQL, previa, numero, fecha, generacion))
