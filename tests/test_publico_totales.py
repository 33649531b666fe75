"""publico.totales (migrations/0052_publico_totales.sql) stays exactly what count(*) of the published rows says, per
(cargo, postulante, municipio, distrito, sexo), through everything that writes the read model: a publication (the
job's upsert), a republication, an identity that arrives before the questionnaire, a registry correction of cargo,
municipio or sexo (``publico.refresh_registro``), a withdrawal, a rolled-back transaction, two writers at once,
bench/masivo.py's COPY, and the generation bump that folds the pending changes. The list's API totals of filter
sets made of those columns (summed over the table) equal a plain count(*)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from redis.asyncio import Redis

from bench.masivo import seed_published
from launcher.system import System
from services.common import contracts
from services.publico import busqueda
from services.publico.filters import FILTROS, ListFilters
from services.publico.identidad import PUBLISH_IDENTIDAD_SQL
from services.publico.query import count_query
from services.publico.registro_cambios import refresh_registro
from services.publico.sql import BUMP_GENERATION_SQL, PUBLISH_SQL, WITHDRAW_SQL

from . import factories
from .helpers import Client
from .test_publico_lista_equivalencia import bump_generation

KEY = "cargo, postulante, municipio, distrito, sexo"
COUNTED_SQL = f"""
SELECT {KEY}, count(*) AS n FROM publico.candidaturas WHERE curricular IS NOT NULL GROUP BY {KEY}
"""
TOTALS_SQL = f"""
SELECT {KEY}, sum(n) AS n FROM (SELECT {KEY}, n FROM publico.totales
                                UNION ALL SELECT {KEY}, n FROM publico.totales_cambios) AS t
GROUP BY {KEY} HAVING sum(n) <> 0
"""
CURRICULAR = {"formacion": {"grado_maximo": "Licenciatura"}, "propuestas": {"propuesta_1": "Agua"}}


def _rows(records: list[asyncpg.Record]) -> set[tuple[Any, ...]]:
    return {tuple(r.values()) for r in records}


async def assert_exact(db: asyncpg.Pool | asyncpg.Connection) -> None:
    """Every combination's total equals count(*), read at one snapshot (a repeatable-read transaction)."""
    if isinstance(db, asyncpg.Pool):
        async with db.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
            counted, totals = _rows(await conn.fetch(COUNTED_SQL)), _rows(await conn.fetch(TOTALS_SQL))
    else:
        counted, totals = _rows(await db.fetch(COUNTED_SQL)), _rows(await db.fetch(TOTALS_SQL))
    assert totals == counted, (sorted(totals - counted, key=str)[:5], sorted(counted - totals, key=str)[:5])


async def _publish(conn: asyncpg.Connection, candidatura_id: int, numero: int = 1) -> None:
    now = datetime.now(UTC)
    await conn.execute(PUBLISH_SQL, candidatura_id, "", CURRICULAR, numero, now, now, None)
    await busqueda.refresh(conn, candidatura_id)


async def test_publish_correct_withdraw_keep_totals_exact(system: System, db: asyncpg.Pool) -> None:
    await assert_exact(db)
    a = await factories.candidata(db, siglas="PAN", cargo="PRES_MUN", municipio=16053)
    b = await factories.candidata(db, siglas="PRI", cargo="REG_MR", municipio=16053)
    async with db.acquire() as conn, conn.transaction():
        await _publish(conn, a.candidatura_id)
        await _publish(conn, b.candidatura_id)
        await assert_exact(conn)  # the writer's own snapshot: its changes count before any fold
    await assert_exact(db)
    assert await db.fetchval("SELECT count(*) FROM publico.totales_cambios") > 0
    # A republication of the same registration (a new questionnaire version) changes no total.
    async with db.acquire() as conn, conn.transaction():
        await _publish(conn, a.candidatura_id, numero=2)
    await assert_exact(db)

    # The bump folds every committed change into publico.totales.
    await db.fetchval(BUMP_GENERATION_SQL)
    assert await db.fetchval("SELECT count(*) FROM publico.totales_cambios") == 0
    await assert_exact(db)

    # A registry correction (cargo, municipio, sexo) through the job that copies it into the read model.
    municipio = await db.fetchval("SELECT max(clave) FROM registro.municipios WHERE clave <> 16053")
    await db.execute(
        "UPDATE registro.candidaturas SET cargo = 'SIND', municipio = $2, sexo = 'hombre' WHERE id = $1",
        a.candidatura_id,
        municipio,
    )
    redis = Redis.from_url(system.redis_url)
    try:
        await refresh_registro(
            {"db_pool": db, "redis": redis}, contracts.RefreshRegistro(candidatura_ids=[a.candidatura_id])
        )
    finally:
        await redis.aclose()
    assert await db.fetchval("SELECT municipio FROM publico.candidaturas WHERE id = $1", a.candidatura_id) == municipio
    await assert_exact(db)

    # A withdrawal, and a withdrawal rolled back.
    await db.fetchval(WITHDRAW_SQL, b.candidatura_id)
    await assert_exact(db)
    with pytest.raises(RuntimeError):
        async with db.acquire() as conn, conn.transaction():
            await conn.fetchval(WITHDRAW_SQL, a.candidatura_id)
            raise RuntimeError("rolled back")
    assert await db.fetchval("SELECT count(*) FROM publico.candidaturas WHERE id = $1", a.candidatura_id) == 1
    await db.fetchval(BUMP_GENERATION_SQL)
    await assert_exact(db)


async def test_identity_first_counts_only_once_the_questionnaire_is_published(db: asyncpg.Pool) -> None:
    c = await factories.candidata(db, siglas="MORENA", cargo="PRES_MUN")
    combination = "cargo = 'PRES_MUN' AND postulante = 'MORENA' AND municipio = 16053 AND sexo = 'mujer'"
    total = f"SELECT coalesce(sum(n), 0) FROM (SELECT n FROM publico.totales WHERE {combination} UNION ALL SELECT n FROM publico.totales_cambios WHERE {combination}) t"  # noqa: E501
    before = await db.fetchval(total)
    # Only the identity arrived: the row exists without a questionnaire, so it is not published yet.
    await db.execute(PUBLISH_IDENTIDAD_SQL, c.candidatura_id, "", {"grupos": [], "respuestas": {}}, 1, False, False, 0)
    assert await db.fetchval(total) == before
    await assert_exact(db)
    async with db.acquire() as conn, conn.transaction():
        await _publish(conn, c.candidatura_id)
    assert await db.fetchval(total) == before + 1
    await assert_exact(db)


async def test_concurrent_writers_and_folds_stay_exact(db: asyncpg.Pool) -> None:
    """Writers of the same combinations and bumps at once: none waits on a total, none deadlocks, all exact."""
    ids = [(await factories.candidata(db, siglas="PAN", cargo="REG_MR")).candidatura_id for _ in range(6)]

    async def writer(own: list[int]) -> None:
        async with db.acquire() as conn, conn.transaction():
            for cid in own:
                await _publish(conn, cid)
            await asyncio.sleep(0.05)  # both transactions open at once, over the same combination
            await conn.fetchval(BUMP_GENERATION_SQL)

    await asyncio.gather(writer(ids[:3]), writer(ids[3:][::-1]))
    await assert_exact(db)
    async with db.acquire() as conn, conn.transaction():
        for cid in ids[:2]:
            await conn.fetchval(WITHDRAW_SQL, cid)
    await asyncio.gather(db.fetchval(BUMP_GENERATION_SQL), db.fetchval(BUMP_GENERATION_SQL))
    await assert_exact(db)


async def test_masivo_copy_is_counted(system: System, db: asyncpg.Pool) -> None:
    first = await db.fetchval("SELECT coalesce(max(id), 0) + 1 FROM publico.candidaturas WHERE id >= 2000000000")
    masivo = await seed_published(db, 300, first_id=max(first, 2_000_000_000))
    await assert_exact(db)
    async with db.acquire() as conn, conn.transaction():
        await conn.execute(
            "DELETE FROM publico.candidaturas WHERE id BETWEEN $1 AND $2", masivo.first_id, masivo.last_id
        )
        await conn.fetchval(BUMP_GENERATION_SQL)
    await assert_exact(db)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sexo": "mujer"},
        {"cargo": "PRES_MUN"},
        {"postulante": "PAN", "sexo": "mujer"},
        {"municipio": "16053"},
        {"cargo": "PRES_MUN", "municipio": "16053", "sexo": "mujer"},
        {"postulante": "PRI", "cargo": "REG_MR", "municipio": "16053"},
        {"distrito": "1", "sexo": "hombre"},
    ],
)
async def test_api_total_of_counted_columns_equals_count(
    system: System, db: asyncpg.Pool, client: Client, params: dict[str, str]
) -> None:
    # Published rows of their own, so the first page is full and the total is the sum, not the page's length.
    for _ in range(2):
        c = await factories.candidata(db, siglas="PAN", cargo="PRES_MUN")
        async with db.acquire() as conn, conn.transaction():
            await _publish(conn, c.candidatura_id)
    await bump_generation(system, db)
    query = count_query(FILTROS, ListFilters.model_validate(params))
    assert "publico.totales" in query.sql
    where = " AND ".join(["curricular IS NOT NULL"] + [f"{k} = ${i + 1}" for i, k in enumerate(params)])
    args = [int(v) if k in ("municipio", "distrito") else v for k, v in params.items()]
    expected = await db.fetchval(f"SELECT count(*) FROM publico.candidaturas WHERE {where}", *args)
    response = await client.get("/api/v1/candidaturas", params={**params, "limite": "1"})
    assert response.status == 200, await response.text()
    assert (await response.json())["total"] == expected
    assert int(await db.fetchval(query.sql, *query.args)) == expected


def test_other_filters_count_the_rows() -> None:
    for params in ({"q": "lopez"}, {"sexo": "mujer", "edad": "30-39"}, {"escolaridad": "Maestría"}):
        assert "publico.totales" not in count_query(FILTROS, ListFilters.model_validate(params)).sql, params
