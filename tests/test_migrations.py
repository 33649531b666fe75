"""Migrations and catalogs: applied once, in order, refusing an edited file; the Michoacán catalogs loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import asyncpg
import pytest

from services.common.migrate import MIGRATIONS_DIR, MigrationError, apply_migrations, migration_files
from services.validacion.catalogos import load_catalogs


async def test_every_file_applied_once_and_a_second_run_applies_nothing(db: asyncpg.Pool) -> None:
    names = [r["name"] for r in await db.fetch("SELECT name FROM public.schema_migrations ORDER BY name")]
    assert names == [p.name for p in migration_files()]
    async with db.acquire() as conn:
        assert await apply_migrations(conn) == []


async def test_an_edited_migration_is_refused(db: asyncpg.Pool, tmp_path: Path) -> None:
    for path in migration_files():
        shutil.copy(path, tmp_path / path.name)
    first = tmp_path / migration_files()[0].name
    first.write_text(first.read_text() + "\n-- edited\n")
    async with db.acquire() as conn:
        with pytest.raises(MigrationError, match="cambió después de aplicarse"):
            await apply_migrations(conn, tmp_path)


def test_badly_named_migration_is_refused(tmp_path: Path) -> None:
    (tmp_path / "create_things.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="NNNN_"):
        migration_files(tmp_path)


async def test_one_schema_per_owner(db: asyncpg.Pool) -> None:
    schemas = {r["nspname"] for r in await db.fetch("SELECT nspname FROM pg_namespace")}
    assert {"registro", "auth", "captura", "validacion", "publico", "reportes", "audit", "outbox"} <= schemas


async def test_catalogs_are_loaded_and_reloading_changes_nothing(db: asyncpg.Pool) -> None:
    counts = "SELECT (SELECT count(*) FROM registro.{}) "
    async with db.acquire() as conn:
        before = [await conn.fetchval(counts.format(t)) for t in ("municipios", "distritos", "postulantes", "cargos")]
        assert await load_catalogs(conn) == {"cargos": 6, "municipios": 113, "distritos": 24, "partidos": 11}
        after = [await conn.fetchval(counts.format(t)) for t in ("municipios", "distritos", "postulantes", "cargos")]
        assert before == after
        assert before[0] == 113 and before[1] == 24 and before[3] == 6
        cheran = await conn.fetchrow("SELECT nombre, elige_ayuntamiento FROM registro.municipios WHERE clave = 16024")
        assert cheran["nombre"] == "Cherán" and cheran["elige_ayuntamiento"] is False
        assert await conn.fetchval("SELECT count(*) FROM registro.municipios WHERE elige_ayuntamiento") == 112
        morelia = await conn.fetchval("SELECT cabecera FROM registro.distritos WHERE numero = 10")
        assert morelia.startswith("Morelia")


async def test_audit_is_append_only(db: asyncpg.Pool) -> None:
    await db.execute("INSERT INTO audit.eventos (service, action, entity) VALUES ('test', 'probar', 'nada')")
    with pytest.raises(asyncpg.RaiseError, match="solo inserción"):
        await db.execute("DELETE FROM audit.eventos WHERE service = 'test'")


def test_migrations_dir_is_in_the_repository() -> None:
    assert MIGRATIONS_DIR == Path(__file__).resolve().parents[1] / "migrations"
