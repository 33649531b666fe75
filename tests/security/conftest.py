"""One world for the attack suites: fresh accounts of every role and a fresh candidacy (see tests/test_hostil.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from launcher.system import System

from ..test_hostil import PROCESO_SQL, RESTORE_PROCESO_SQL, World, _world


@pytest.fixture(scope="package")
async def world(system: System, db: asyncpg.Pool) -> AsyncIterator[World]:
    before = await db.fetchrow(PROCESO_SQL)
    world = await _world(db, system.url)
    yield world
    for persona in world.personas.values():
        await persona.client.close()
    await db.execute(RESTORE_PROCESO_SQL, *before.values())
