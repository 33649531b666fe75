"""A system of its own for a resilience module: killed, frozen and restarted without touching the session's.

Each module takes a block of ports above CONOCELES_TEST_PORT (gateway +N, services +N+20…, Redis +N+50), so the
modules and the session's own system (+0…+50) never share one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import asyncpg

from launcher.system import System, SystemConfig
from services.common.db import create_pool

from ..helpers import DEMO_PASSWORD, started

# tests/test_launcher_stop.py uses +300.
OFFSETS = {"caidas": 400, "trabajos": 460, "gateway_faults": 520, "datos": 600}


def base_port(module: str) -> int:
    return int(os.environ.get("CONOCELES_TEST_PORT", "18080")) + OFFSETS[module]


@contextmanager
def running_system(module: str, **config_extra: Any) -> Iterator[System]:
    """The whole system (minimal demo, supervised every 0.2 s) on ``module``'s ports; ``config_extra`` adds to
    SystemConfig (tests/helpers.py started())."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"conoceles-{module}-"))
    port = base_port(module)
    config = SystemConfig(
        data_dir=data_dir,
        gateway_port=port,
        port_base=port + 20,
        redis_port=port + 50,
        env="test",
        demo_password=DEMO_PASSWORD,
        demo_tamano="minimo",
        log_file=data_dir / "system.log",
        **config_extra,
    )
    with started(config) as system:
        yield system


@asynccontextmanager
async def pool_of(system: System) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(system.settings(), min_size=1, max_size=4)
    try:
        yield pool
    finally:
        await pool.close()
