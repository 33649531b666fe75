"""What a decision sends to the other services, written to the outbox in the decision's transaction."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.common import contracts
from services.common.contracts import Version
from services.common.estados import report_status

from .pausas import paused_among

# Versions per publico.publish_lote: a bulk publication of 8,000 costs 80 transactions and cache bumps in publico.
LOTE = 100


def publish_message(review: asyncpg.Record | dict[str, Any]) -> contracts.Publish:
    """The publication of one approved review, as publico receives it."""
    return contracts.Publish(
        candidatura_id=review["candidatura_id"],
        cuestionario=review["cuestionario"],
        numero=review["numero"],
        version=Version.from_stored(review["datos"]),
        declarado_at=review["created_at"],
        revisado_at=review["resuelto_at"],
    )


def publish_jobs(publicaciones: list[contracts.Publish], lote: int = LOTE) -> list[contracts.Contract]:
    """What publishing these versions sends: one version alone travels as itself (an approval is published as
    soon as publico's worker takes it); several travel in lotes of ``lote``, each applied by publico in one
    transaction with one cache bump (docs/design.md, publication). The bench sends exactly this too."""
    if len(publicaciones) == 1:
        return list(publicaciones)
    return [
        contracts.PublishLote(items=publicaciones[start : start + lote]) for start in range(0, len(publicaciones), lote)
    ]


async def enqueue_publish(conn: asyncpg.Connection, review: asyncpg.Record) -> None:
    """One approved version (an approval, a cleared flag), unless its candidacy is paused."""
    await enqueue_publishes(conn, [review])


async def enqueue_publishes(conn: asyncpg.Connection, reviews: list[asyncpg.Record]) -> int:
    """Several approved versions (the publication date arriving, "publicar ahora", a resume): the ones whose
    candidacy is not paused, in lotes; how many were sent."""
    # coordinación paused them: resuming publishes the last approved version (publicacion/acciones.py).
    paused = await paused_among(conn, [r["candidatura_id"] for r in reviews])
    publicaciones = [publish_message(r) for r in reviews if r["candidatura_id"] not in paused]
    for job in publish_jobs(publicaciones):
        await contracts.send(conn, job)
    return len(publicaciones)


async def enqueue_state(conn: asyncpg.Connection, review: asyncpg.Record | dict[str, Any], estado: str) -> None:
    await contracts.send(
        conn,
        contracts.SetEstado(
            candidatura_id=review["candidatura_id"],
            cuestionario=review["cuestionario"],
            numero=review["numero"],
            estado=estado,
        ),
    )
    await report_status(
        conn,
        candidatura_id=review["candidatura_id"],
        cuestionario=review["cuestionario"],
        estado=estado,
        at=review["resuelto_at"],
        job_key=f"revision:{review['id']}:{estado}",
    )
