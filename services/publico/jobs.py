"""Jobs publico runs: keep the read model in step with what the institute approved."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncpg

from services.common import contracts, media, worker

from . import busqueda
from .avance import record_avance
from .cache import advance_generation
from .datos_jobs import build_release
from .identidad import set_visible
from .publicar import publish, publish_lote
from .registro_cambios import refresh_registro
from .sql import BUMP_GENERATION_SQL, FOTO_IN_USE_SQL, LOCK_FOTO_SQL, PUBLISHED_FOTO_SQL, WITHDRAW_SQL
from .visitas import flush as flush_visitas


def _media_dir(ctx: dict[str, Any]) -> Path:
    media_dir: Path = ctx["settings"].media_dir
    return media_dir


async def _drop_if_unused(ctx: dict[str, Any], conn: asyncpg.Connection, sha: str) -> None:
    """Remove a photo's public copies once no published row shows it (the caller holds its lock)."""
    if not await conn.fetchval(FOTO_IN_USE_SQL, sha):
        await asyncio.to_thread(media.unpublish_photo, _media_dir(ctx), sha)


async def withdraw(ctx: dict[str, Any], job: contracts.Withdraw) -> bool:
    candidatura_id = job.candidatura_id
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        foto = await conn.fetchval(PUBLISHED_FOTO_SQL, candidatura_id)
        if foto is not None:
            await conn.execute(LOCK_FOTO_SQL, foto)
        removed = await conn.fetchval(WITHDRAW_SQL, candidatura_id)
        if removed is None:
            return False
        if foto is not None:
            await _drop_if_unused(ctx, conn, foto)
        generation = await conn.fetchval(BUMP_GENERATION_SQL)
    await advance_generation(ctx["redis"], generation)
    return True


async def identidad_visible(ctx: dict[str, Any], job: contracts.IdentidadVisible) -> bool:
    """A consent given or revoked in captura: show or hide the identity groups (docs/design.md §4) at once."""
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        visible = await set_visible(conn, job.candidatura_id, job.publicacion, job.estadistica, job.seq)
        await busqueda.refresh(conn, job.candidatura_id)
        if not visible:
            return False
        generation = await conn.fetchval(BUMP_GENERATION_SQL)
    await advance_generation(ctx["redis"], generation)
    return True


class WorkerSettings(worker.WorkerSettings):
    service = "publico"
    functions = (
        worker.job(contracts.Publish, publish),
        worker.job(contracts.PublishLote, publish_lote),
        worker.job(contracts.Withdraw, withdraw),
        worker.job(contracts.IdentidadVisible, identidad_visible),
        worker.job(contracts.BuildRelease, build_release),
        worker.job(contracts.FlushVisitas, flush_visitas),
        worker.job(contracts.RecordAvance, record_avance),
        worker.job(contracts.RefreshRegistro, refresh_registro),
    )
    # Every minute: a release once publications settled (services/publico/datos_jobs.py decides whether to build).
    cron_jobs = (
        worker.cron_job(contracts.BuildRelease, build_release, second=30, run_at_startup=True),
        # Every five minutes: the day's visits so far reach reportes (a total each time, so a rerun is harmless).
        worker.cron_job(contracts.FlushVisitas, flush_visitas, minute=set(range(0, 60, 5)), second=15),
    )
