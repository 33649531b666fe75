"""Jobs validacion runs: opening a review for each submitted version, publishing when the date arrives."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from arq.cron import cron
from arq.worker import func

from services.common.outbox import outbox_job

from .publication import enqueue_publish
from .sql import DUE_FOR_PUBLICATION_SQL, OPEN_CORRECTION_SQL, OPEN_REVIEW_SQL, PUBLICATION_OPEN_SQL


@outbox_job
async def review_open(
    ctx: dict[str, Any],
    *,
    envio_id: int,
    candidatura_id: int,
    cuestionario: str,
    numero: int,
    datos: dict[str, Any],
    enviado_at: str,
) -> int | None:
    """Idempotent: the review of an envio is created once, whatever the number of deliveries."""
    created: int | None = await ctx["db_pool"].fetchval(
        OPEN_REVIEW_SQL, envio_id, candidatura_id, cuestionario, numero, datos, datetime.fromisoformat(enviado_at)
    )
    return created


async def publish_due(ctx: dict[str, Any]) -> int:
    """Once the publication date has arrived, hand every approved and not yet published version to publico."""
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        if not await conn.fetchval(PUBLICATION_OPEN_SQL):
            return 0
        due = await conn.fetch(DUE_FOR_PUBLICATION_SQL)
        for review in due:
            await enqueue_publish(conn, review)
    return len(due)


@outbox_job
async def correction_request(
    ctx: dict[str, Any],
    *,
    solicitud_id: int,
    candidatura_id: int,
    cuestionario: str,
    numero: int,
    rubros: list[str],
    motivo: str,
    created_at: str,
) -> bool:
    """A candidacy's correction request enters the staff's list (once, keyed by captura's id)."""
    created = await ctx["db_pool"].fetchval(
        OPEN_CORRECTION_SQL,
        solicitud_id,
        candidatura_id,
        cuestionario,
        numero,
        rubros,
        motivo,
        datetime.fromisoformat(created_at),
    )
    return created is not None


FUNCTIONS = [
    func(review_open, name="review.open"),
    func(publish_due, name="validacion.publish_due"),
    func(correction_request, name="review.correction_request"),
]
CRON_JOBS = [cron(publish_due, name="validacion.publish_due", second=0, run_at_startup=True)]
