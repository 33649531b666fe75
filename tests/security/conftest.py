"""One world for the attack suites: fresh accounts of every role and a fresh candidacy (see tests/test_hostil.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from launcher.system import System

from ..test_hostil import PROCESO_SQL, RESTORE_PROCESO_SQL, World, _alarms, _log_size, _new_log, _world


@pytest.fixture(scope="package")
async def world(system: System, db: asyncpg.Pool) -> AsyncIterator[World]:
    before = await db.fetchrow(PROCESO_SQL)
    world = await _world(db, system.url)
    yield world
    for persona in world.personas.values():
        await persona.client.close()
    await db.execute(RESTORE_PROCESO_SQL, *before.values())


@pytest.fixture(scope="module")
async def quiet_log(system: System) -> AsyncIterator[None]:
    """Nothing alarming (Traceback, ERROR) in the system log while the module ran, late lines included."""
    since = await _log_size(system)
    yield
    await asyncio.sleep(0.5)  # other processes write the log
    assert _alarms(_new_log(system, since)) == []
