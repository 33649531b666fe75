"""The test session starts the real system once: embedded PostgreSQL and Redis (or DATABASE_URL/REDIS_URL),
migrations, catalogs, demo data, every service, two publico processes, the workers, the relay and the gateway,
on ports of its own so it can run beside `make run`.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from playwright.async_api import Browser, Page

from launcher.system import System, SystemConfig
from services.common.db import create_pool

from .browser import CHROMIUM, CHROMIUM_ARGS, CHROMIUM_INSTALLED
from .helpers import DEMO_PASSWORD, Client, started

warnings.filterwarnings("ignore", module="platformdirs")
LOGIN_LIMIT = 200


@pytest.fixture(scope="session")
def system() -> Iterator[System]:
    # Not under pytest's basetemp: another pytest run on this machine prunes old basetemps, and with them the
    # data folder of a system still running.
    data_dir = Path(tempfile.mkdtemp(prefix="conoceles-test-"))
    # CONOCELES_TEST_PORT lets two test sessions run side by side (services use port+21…, Redis port+50).
    port = int(os.environ.get("CONOCELES_TEST_PORT", "18080"))
    config = SystemConfig(
        data_dir=data_dir,
        gateway_port=port,
        port_base=port + 20,
        redis_port=port + 50,
        env="test",
        demo_password=DEMO_PASSWORD,
        demo_tamano="minimo",  # the published demo process, small: its tests need variety, not volume
        database_url=os.environ.get("DATABASE_URL") or None,
        redis_url=os.environ.get("REDIS_URL") or None,
        log_file=data_dir / "system.log",
        # Every test logs in from 127.0.0.1: the per-address limit must not trip across the whole suite.
        extra_env={
            "GATEWAY_LOGIN_ATTEMPTS_PER_MINUTE": str(LOGIN_LIMIT),
            # Few open-data releases keep their files, so tests/test_datos_poda.py sees old ones pruned.
            "PUBLICO_DATOS_CONSERVAR": "3",
            # The gateway reads the publication generation on every hit of its page cache: a test that sees a
            # publication done sees it on its next request (production reads it every 0.5 s, docs/operations.md).
            "GATEWAY_PAGE_CACHE_CHECK_INTERVAL": "0",
        },
    )
    with started(config) as system:
        yield system


@pytest.fixture(scope="session")
def base_url(system: System) -> str:
    return system.url


@pytest.fixture(scope="session")
async def db(system: System) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(system.settings(), min_size=1, max_size=4)
    yield pool
    await pool.close()


@pytest.fixture
async def client(base_url: str) -> AsyncIterator[Client]:
    c = Client(base_url)
    yield c
    await c.close()


@pytest.fixture
async def make_client(base_url: str) -> AsyncIterator[type[Client]]:
    clients: list[Client] = []

    def factory() -> Client:
        c = Client(base_url)
        clients.append(c)
        return c

    yield factory  # type: ignore[misc]
    for c in clients:
        await c.close()


@pytest.fixture(scope="session")
async def browser(system: System) -> AsyncIterator[Browser]:
    from playwright.async_api import async_playwright

    if not CHROMIUM_INSTALLED:
        raise RuntimeError(f"Chromium no está instalado en {CHROMIUM}: `apt-get install -y chromium` (lo hace .ci/run)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(locale="es-MX")
    page = await context.new_page()
    yield page
    await context.close()
