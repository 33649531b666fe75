"""Jobs publico runs: keep the read model in step with what the institute approved."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from services.common import contracts, media, worker
from services.common.estados import report_status
from services.common.identidad import IDENTIDAD

from . import busqueda
from .avance import record_avance
from .cache import GENERATION_KEY, catch_up_generation
from .datos_jobs import build_release
from .identidad import publish_identidad, set_visible
from .registro_cambios import refresh_registro
from .sql import (
    BUMP_GENERATION_SQL,
    FOTO_IN_USE_SQL,
    LOCK_FOTO_SQL,
    NAME_SQL,
    PUBLISH_SQL,
    PUBLISHED_FOTO_SQL,
    SET_PROCEDENCIA_SQL,
    WITHDRAW_SQL,
)
from .text import normalize
from .visitas import flush as flush_visitas


def _media_dir(ctx: dict[str, Any]) -> Path:
    media_dir: Path = ctx["settings"].media_dir
    return media_dir


async def _drop_if_unused(ctx: dict[str, Any], conn: asyncpg.Connection, sha: str) -> None:
    """Remove a photo's public copies once no published row shows it (the caller holds its lock)."""
    if not await conn.fetchval(FOTO_IN_USE_SQL, sha):
        await asyncio.to_thread(media.unpublish_photo, _media_dir(ctx), sha)


async def publish(ctx: dict[str, Any], job: contracts.Publish) -> bool:
    """Upsert the published row; an older version never replaces a newer one, so redelivery is harmless."""
    candidatura_id, cuestionario, numero = job.candidatura_id, job.cuestionario, job.numero
    if cuestionario == IDENTIDAD:
        # Its own columns only: the curricular (and its photo) are left as they are.
        return await publish_identidad(
            ctx, candidatura_id=candidatura_id, numero=numero, version=job.version, revisado_at=job.revisado_at
        )
    foto = job.version.foto.sha256 if job.version.foto else None
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        previous = await conn.fetchval(PUBLISHED_FOTO_SQL, candidatura_id)
        for sha in sorted({foto, previous} - {None}):
            await conn.execute(LOCK_FOTO_SQL, sha)
        name = await conn.fetchval(NAME_SQL, candidatura_id) or ""
        published = await conn.fetchval(
            PUBLISH_SQL,
            candidatura_id,
            normalize(name),
            # The read model keeps the stored shape, which the profile and the open data read.
            job.version.stored(),
            numero,
            job.declarado_at,
            job.revisado_at,
            foto,
        )
        if published is None:
            # This version is already published as it is (a delivery repeated after a kill): nothing to bump or
            # send again; only make sure the first run's bump reached Redis.
            await catch_up_generation(ctx["redis"], conn)
            return False
        await conn.execute(SET_PROCEDENCIA_SQL, candidatura_id, job.procedencia())
        await busqueda.refresh(conn, candidatura_id)
        # The public copy exists before the row that points at it is committed; a missing private file (media
        # folder not shared with captura) fails the job loudly and the outbox retries it.
        if foto is not None:
            await asyncio.to_thread(media.publish_photo, _media_dir(ctx), foto)
        if previous is not None and previous != foto:
            await _drop_if_unused(ctx, conn, previous)
        generation = await conn.fetchval(BUMP_GENERATION_SQL)
        await contracts.send(
            conn,
            contracts.SetEstado(
                candidatura_id=candidatura_id, cuestionario=cuestionario, numero=numero, estado="publicado"
            ),
        )
        await report_status(
            conn,
            candidatura_id=candidatura_id,
            cuestionario=cuestionario,
            estado="publicado",
            at=datetime.now(UTC),
            job_key=f"publicacion:{candidatura_id}:{numero}",
        )
    await ctx["redis"].set(GENERATION_KEY, generation)
    return True


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
    await ctx["redis"].set(GENERATION_KEY, generation)
    return True


async def identidad_visible(ctx: dict[str, Any], job: contracts.IdentidadVisible) -> bool:
    """A consent given or revoked in captura: show or hide the identity groups (docs/design.md §4) at once."""
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        visible = await set_visible(conn, job.candidatura_id, job.publicacion, job.estadistica, job.seq)
        await busqueda.refresh(conn, job.candidatura_id)
        if not visible:
            return False
        generation = await conn.fetchval(BUMP_GENERATION_SQL)
    await ctx["redis"].set(GENERATION_KEY, generation)
    return True


class WorkerSettings(worker.WorkerSettings):
    service = "publico"
    functions = (
        worker.job(contracts.Publish, publish),
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
