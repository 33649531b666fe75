"""Starting up: missing secrets, unreachable servers, demo data that is idempotent and never in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from launcher import demo
from launcher.system import StartupError, System, SystemConfig

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("module", ["services.auth", "services.publico", "gateway"])
def test_a_process_outside_development_refuses_to_start_without_its_secret(module: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CONOCELES_GATEWAY_SECRET"}
    env["CONOCELES_ENV"] = "production"
    result = subprocess.run(
        [sys.executable, "-m", module], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "CONOCELES_GATEWAY_SECRET es obligatorio fuera de desarrollo" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_postgresql_is_named_with_the_fix(tmp_path: Path) -> None:
    config = SystemConfig(
        data_dir=tmp_path, database_url="postgresql://postgres@127.0.0.1:1/x", redis_url="redis://127.0.0.1:1/0"
    )
    with pytest.raises(StartupError, match=r"No se pudo conectar a PostgreSQL.*DATABASE_URL"):
        System(config).start_servers()


def test_unreachable_redis_is_named_with_the_fix(system: System, tmp_path: Path) -> None:
    config = SystemConfig(data_dir=tmp_path, database_url=system.database_url, redis_url="redis://127.0.0.1:1/0")
    with pytest.raises(StartupError, match=r"No se pudo conectar a Redis.*REDIS_URL"):
        System(config).start_servers()


def test_busy_ports_are_named(system: System, tmp_path: Path) -> None:
    config = SystemConfig(
        data_dir=tmp_path,
        gateway_port=system.config.gateway_port,
        port_base=system.config.port_base,
        database_url=system.database_url,
        redis_url=system.redis_url,
    )
    with pytest.raises(StartupError, match="Puertos ocupados: auth"):
        System(config).start_processes()


async def test_demo_data_loads_twice_without_duplicates(db: asyncpg.Pool) -> None:
    count_sql = "SELECT (SELECT count(*) FROM registro.candidaturas), (SELECT count(*) FROM auth.users WHERE is_demo)"
    async with db.acquire() as conn:
        before = tuple(await conn.fetchrow(count_sql))
        await demo.load(conn, "contrasena-de-prueba-123", "test")
        after = tuple(await conn.fetchrow(count_sql))
    assert before == after
    users = {r["username"]: r for r in await db.fetch("SELECT username, role, must_change_password FROM auth.users")}
    for username in demo.DEMO_USERNAMES:
        assert users[username]["role"] == username.removeprefix("demo-").replace("candidata", "candidatura")
        assert users[username]["must_change_password"] is False


async def test_demo_data_is_never_loaded_in_production(db: asyncpg.Pool) -> None:
    async with db.acquire() as conn:
        with pytest.raises(demo.DemoInProductionError):
            await demo.load(conn, "x", "production")
