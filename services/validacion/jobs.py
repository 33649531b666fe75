"""Jobs validacion runs: opening a review for each submitted version, publishing when the date arrives."""

from __future__ import annotations

from typing import Any

from services.common import contracts, worker

from .publication import enqueue_publishes
from .revision_automatica import banderas
from .sql import DUE_CHUNK, DUE_FOR_PUBLICATION_SQL, OPEN_CORRECTION_SQL, OPEN_REVIEW_SQL, PUBLICATION_OPEN_SQL


async def open_review(ctx: dict[str, Any], job: contracts.OpenReview) -> int | None:
    """Idempotent: the review of an envio is created once, whatever the number of deliveries, and its automatic
    checks (flags in validacion.banderas) are written in the same transaction, only when the review is created."""
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        created: int | None = await conn.fetchval(
            OPEN_REVIEW_SQL,
            job.envio_id,
            job.candidatura_id,
            job.cuestionario,
            job.numero,
            job.version.stored(),
            job.enviado_at,
        )
        if created is not None:
            await banderas.revisar(conn, created, job.candidatura_id, job.cuestionario, job.version)
    return created


async def publish_due(ctx: dict[str, Any], job: contracts.PublishDue | None = None) -> int:
    """Once the publication date has arrived, hand every approved and not yet published version to publico, in
    lotes. A chunk of ``DUE_CHUNK`` reviews per transaction, and chunks until none is left: a kill loses nothing
    (the reviews of an uncommitted chunk are still unrequested), and 8,000 due go out at once, not 1,000 a minute."""
    sent = 0
    while True:
        async with ctx["db_pool"].acquire() as conn, conn.transaction():
            if not await conn.fetchval(PUBLICATION_OPEN_SQL):
                return sent
            due = await conn.fetch(DUE_FOR_PUBLICATION_SQL, DUE_CHUNK)
            await enqueue_publishes(conn, due)
        sent += len(due)
        if len(due) < DUE_CHUNK:
            return sent


async def correction_request(ctx: dict[str, Any], job: contracts.CorrectionRequest) -> bool:
    """A candidacy's correction request enters the staff's list (once, keyed by captura's id)."""
    created = await ctx["db_pool"].fetchval(
        OPEN_CORRECTION_SQL,
        job.solicitud_id,
        job.candidatura_id,
        job.cuestionario,
        job.numero,
        list(job.rubros),
        job.motivo,
        job.created_at,
    )
    return created is not None


class WorkerSettings(worker.WorkerSettings):
    service = "validacion"
    functions = (
        worker.job(contracts.OpenReview, open_review),
        worker.job(contracts.PublishDue, publish_due),
        worker.job(contracts.CorrectionRequest, correction_request),
    )
    cron_jobs = (worker.cron_job(contracts.PublishDue, publish_due, second=0, run_at_startup=True),)
