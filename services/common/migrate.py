"""Applies the numbered SQL files in ``migrations/`` in order, once each, recorded in a table.

An advisory lock makes concurrent runs (several processes starting at once) wait for each other. Each file
runs in its own transaction, so a failing file leaves the database as it was before that file.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import asyncpg

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
_LOCK_KEY = 7_160_240  # any constant shared by every runner of this project
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

CREATE_TABLE_SQL = """
CREATE TABLE IF NOT EXISTS public.schema_migrations (
    name       text PRIMARY KEY,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""
APPLIED_SQL = "SELECT name, checksum FROM public.schema_migrations"
RECORD_SQL = "INSERT INTO public.schema_migrations (name, checksum) VALUES ($1, $2)"


class MigrationError(RuntimeError):
    pass


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[Path]:
    files = sorted(p for p in directory.iterdir() if p.suffix == ".sql")
    for path in files:
        if not _NAME.match(path.name):
            raise MigrationError(f"{path.name}: a migration is named NNNN_what_it_does.sql")
    return files


async def apply_migrations(conn: asyncpg.Connection, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply what is missing; return the names applied now. Refuses an applied file that was edited."""
    applied_now: list[str] = []
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        await conn.execute(CREATE_TABLE_SQL)
        applied = {r["name"]: r["checksum"] for r in await conn.fetch(APPLIED_SQL)}
        for path in migration_files(directory):
            sql = path.read_text(encoding="utf-8")
            checksum = hashlib.sha256(sql.encode()).hexdigest()
            if path.name in applied:
                if applied[path.name] != checksum:
                    raise MigrationError(
                        f"{path.name} cambió después de aplicarse; escribe una migración nueva en lugar de editarla"
                    )
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute(RECORD_SQL, path.name, checksum)
            log.info("migration applied: %s", path.name)
            applied_now.append(path.name)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
    return applied_now
