"""Publishing approved versions: one (``publico.publish``) or a lote of them (``publico.publish_lote``).

Both apply each version the same way (:func:`_apply`), in one transaction, then bump the cache generation once
and send the follow-ups (captura's state, reportes' history) of the versions that changed something. A lote is
what a bulk publication sends (services/validacion/publication.py): one transaction, one bump, one Redis write and
one follow-up job of each kind for up to ``contracts.LOTE_MAX`` candidacies, where single jobs cost one of each per
candidacy; every bump empties the page cache, and the generation row serialises the transactions that bump it.

Redelivery is harmless: an older or identical version returns no row from ``PUBLISH_SQL``, so a lote that was
already applied (its worker killed after the commit) bumps nothing and sends nothing again.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from redis.exceptions import RedisError

from services.common import contracts, media
from services.common.db import database_unavailable
from services.common.identidad import IDENTIDAD

from . import busqueda
from .cache import advance_generation, catch_up_generation
from .identidad import apply_identidad
from .sql import (
    BUMP_GENERATION_SQL,
    FOTO_IN_USE_SQL,
    LOCK_FOTO_SQL,
    LOCK_PUBLISHED_SQL,
    NAME_SQL,
    PUBLISH_SQL,
    SET_PROCEDENCIA_SQL,
    SHARE_FOTO_SQL,
)
from .text import normalize

log = logging.getLogger(__name__)


def _media_dir(ctx: dict[str, Any]) -> Path:
    media_dir: Path = ctx["settings"].media_dir
    return media_dir


def _foto(job: contracts.Publish) -> str | None:
    return job.version.foto.sha256 if job.cuestionario != IDENTIDAD and job.version.foto else None


def in_lock_order(items: list[contracts.Publish]) -> list[contracts.Publish]:
    """Rows in id order (then each candidacy's versions oldest first): two lotes that share candidacies lock their
    rows in the same order, so they wait for each other instead of deadlocking."""
    return sorted(items, key=lambda j: (j.candidatura_id, j.cuestionario, j.numero))


def follow_ups(job: contracts.Publish, at: datetime) -> tuple[contracts.SetEstado, contracts.RecordStatus]:
    """What captura and reportes are told of one version that reached the public site."""
    key = (
        f"publicacion:{job.candidatura_id}:identidad:{job.numero}"
        if job.cuestionario == IDENTIDAD
        else f"publicacion:{job.candidatura_id}:{job.numero}"
    )
    return (
        contracts.SetEstado(
            candidatura_id=job.candidatura_id, cuestionario=job.cuestionario, numero=job.numero, estado="publicado"
        ),
        contracts.RecordStatus(
            candidatura_id=job.candidatura_id, cuestionario=job.cuestionario, estado="publicado", at=at, job_key=key
        ),
    )


async def _lock(conn: asyncpg.Connection, items: list[contracts.Publish]) -> dict[int, str | None]:
    """Lock the published rows (id order), then every photo the items show or replace (sorted), as withdraw does:
    rows first, then photos, so publish, lote and withdraw never wait on each other in a cycle. A photo only
    shown is locked shared: lotes of a demo or an import that share a photo would otherwise run one at a time, each
    waiting for the other's whole transaction. The photo each row shows now."""
    rows = await conn.fetch(LOCK_PUBLISHED_SQL, sorted({j.candidatura_id for j in items}))
    previous: dict[int, str | None] = {r["id"]: r["foto"] for r in rows}
    # A photo a row shows now and a new curricular replaces may be dropped (exclusive); one only shown is shared,
    # so a redelivered lote (every photo already there) waits for nobody.
    dropped = {
        sha
        for j in items
        if j.cuestionario != IDENTIDAD and (sha := previous.get(j.candidatura_id)) is not None and sha != _foto(j)
    }
    # Two versions of one curricular in the lote: the later one may drop the earlier one's photo.
    last = {j.candidatura_id: j for j in items if j.cuestionario != IDENTIDAD}
    dropped |= {
        sha for j in items if j.cuestionario != IDENTIDAD and last[j.candidatura_id] is not j and (sha := _foto(j))
    }
    shown = {sha for sha in (_foto(j) for j in items) if sha is not None}
    for sha in sorted(dropped | shown):
        await conn.execute(LOCK_FOTO_SQL if sha in dropped else SHARE_FOTO_SQL, sha)
    return previous


async def _apply_curricular(
    ctx: dict[str, Any], conn: asyncpg.Connection, job: contracts.Publish, previous: str | None
) -> bool:
    candidatura_id, foto = job.candidatura_id, _foto(job)
    name = await conn.fetchval(NAME_SQL, candidatura_id) or ""
    published = await conn.fetchval(
        PUBLISH_SQL,
        candidatura_id,
        normalize(name),
        # The read model keeps the stored shape, which the profile and the open data read.
        job.version.stored(),
        job.numero,
        job.declarado_at,
        job.revisado_at,
        foto,
    )
    if published is None:
        return False
    await conn.execute(SET_PROCEDENCIA_SQL, candidatura_id, job.procedencia())
    await busqueda.refresh(conn, candidatura_id)
    # The public copy exists before the row that points at it is committed; a missing private file (media
    # folder not shared with captura) fails the job loudly and the outbox retries it.
    if foto is not None:
        await asyncio.to_thread(media.publish_photo, _media_dir(ctx), foto)
    if previous is not None and previous != foto and not await conn.fetchval(FOTO_IN_USE_SQL, previous):
        await asyncio.to_thread(media.unpublish_photo, _media_dir(ctx), previous)
    return True


async def _apply(
    ctx: dict[str, Any], conn: asyncpg.Connection, items: list[contracts.Publish]
) -> list[contracts.Publish]:
    """Apply ``items`` (in lock order) in the caller's transaction; the ones that changed the public site."""
    previous = await _lock(conn, items)
    changed = []
    for job in items:
        if job.cuestionario == IDENTIDAD:
            # Its own columns only: the curricular (and its photo) are left as they are.
            applied = await apply_identidad(
                conn, candidatura_id=job.candidatura_id, numero=job.numero, version=job.version,
                revisado_at=job.revisado_at,
            )  # fmt: skip
        else:
            applied = await _apply_curricular(ctx, conn, job, previous.get(job.candidatura_id))
            if applied:
                previous[job.candidatura_id] = _foto(job)
        if applied:
            changed.append(job)
    return changed


async def publish(ctx: dict[str, Any], job: contracts.Publish) -> bool:
    """One version (an approval, a cleared flag): published at once, with its own bump and follow-ups."""
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        if not await _apply(ctx, conn, [job]):
            # This version is already published as it is (a delivery repeated after a kill): nothing to bump or
            # send again; only make sure the first run's bump reached Redis.
            await catch_up_generation(ctx["redis"], conn)
            return False
        generation = await conn.fetchval(BUMP_GENERATION_SQL)
        for follow_up in follow_ups(job, datetime.now(UTC)):
            await contracts.send(conn, follow_up)
    await advance_generation(ctx["redis"], generation)
    return True


# Lotes applied at once by one worker. Each holds one of the worker's four connections for its whole transaction
# (seconds), while arq starts up to 20 jobs at once: without this bound the other jobs of a bulk publication waited
# for a connection past the pool's acquire timeout and were retried until arq gave them up. Two leave two
# connections for single publishes, withdrawals and the rest, and two transactions already keep both cores busy.
LOTES_AT_ONCE = 2


def _lotes_gate(ctx: dict[str, Any]) -> asyncio.Semaphore:
    # In the worker's context, not the module: a worker restarted after Redis went away runs on a new event loop.
    gate: asyncio.Semaphore = ctx.setdefault("publico_lotes", asyncio.Semaphore(LOTES_AT_ONCE))
    return gate


async def publish_lote(ctx: dict[str, Any], job: contracts.PublishLote) -> int:
    """A lote of versions in one transaction, one bump and one follow-up job of each kind; how many changed."""
    async with _lotes_gate(ctx):
        return await _publish_lote(ctx, job)


async def _publish_lote(ctx: dict[str, Any], job: contracts.PublishLote) -> int:
    items = in_lock_order(list(job.items))
    try:
        async with ctx["db_pool"].acquire() as conn, conn.transaction():
            changed = await _apply(ctx, conn, items)
            if not changed:
                await catch_up_generation(ctx["redis"], conn)
                return 0
            generation = await conn.fetchval(BUMP_GENERATION_SQL)
            now = datetime.now(UTC)
            estados, historial = zip(*(follow_ups(j, now) for j in changed), strict=True)
            await contracts.send(conn, contracts.SetEstadoLote(items=list(estados)))
            await contracts.send(conn, contracts.RecordStatusLote(items=list(historial)))
    except Exception as exc:
        if database_unavailable(exc) or isinstance(exc, RedisError):
            raise  # the worker's retry: the lote as a whole will go through once PostgreSQL or Redis is back
        # One bad item (a photo missing from the media folder, say) must not hold the rest back: the lote becomes
        # single publish jobs, so the others go through and that one fails loudly and is retried on its own.
        log.warning("lote de %d publicaciones dividido: %s: %s", len(items), type(exc).__name__, exc)
        async with ctx["db_pool"].acquire() as conn, conn.transaction():
            for item in items:
                await contracts.send(conn, item)
        return 0
    await advance_generation(ctx["redis"], generation)
    return len(changed)
