"""The pool hands a connection back without asyncpg's reset query (services/common/db.py): a transaction left open
is still rolled back, and session state is not cleared, which is why pooled code sets nothing but ``SET LOCAL``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from launcher.system import System
from services.common.db import create_pool


@pytest.fixture
async def one(system: System) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(system.settings(), min_size=1, max_size=1)
    yield pool
    await pool.close()


async def test_a_transaction_left_open_is_rolled_back_on_release(one: asyncpg.Pool) -> None:
    async with one.acquire() as conn:
        pid = await conn.fetchval("SELECT pg_backend_pid()")
        await conn.execute("BEGIN")
        await conn.execute("CREATE TEMP TABLE dejada (x int) ON COMMIT DROP")
    async with one.acquire() as conn:
        assert await conn.fetchval("SELECT pg_backend_pid()") == pid  # the same connection, reused
        assert not conn.is_in_transaction()
        assert await conn.fetchval("SELECT to_regclass('pg_temp.dejada')") is None


async def test_no_reset_query_on_release(one: asyncpg.Pool) -> None:
    # asyncpg's reset (RESET ALL and three more statements) would bring the setting back to its default; without
    # it the release costs no round trip, and a session SET outlives its checkout.
    async with one.acquire() as conn:
        await conn.execute("SET application_name = 'sin-reset'")
    try:
        async with one.acquire() as conn:
            assert await conn.fetchval("SHOW application_name") == "sin-reset"
    finally:
        async with one.acquire() as conn:
            await conn.execute("RESET application_name")
