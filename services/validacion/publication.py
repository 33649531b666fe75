"""What a decision sends to the other services, written to the outbox in the decision's transaction."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.common import outbox
from services.common.estados import report_status


async def enqueue_publish(conn: asyncpg.Connection, review: asyncpg.Record) -> None:
    await outbox.enqueue(
        conn,
        "publico",
        "publico.publish",
        candidatura_id=review["candidatura_id"],
        cuestionario=review["cuestionario"],
        numero=review["numero"],
        datos=review["datos"],
        declarado_at=review["created_at"].isoformat(),
        revisado_at=review["resuelto_at"].isoformat(),
    )


async def enqueue_state(conn: asyncpg.Connection, review: asyncpg.Record | dict[str, Any], estado: str) -> None:
    await outbox.enqueue(
        conn,
        "captura",
        "captura.set_estado",
        candidatura_id=review["candidatura_id"],
        cuestionario=review["cuestionario"],
        numero=review["numero"],
        estado=estado,
    )
    await report_status(
        conn,
        candidatura_id=review["candidatura_id"],
        cuestionario=review["cuestionario"],
        estado=estado,
        at=review["resuelto_at"].isoformat(),
        job_key=f"revision:{review['id']}:{estado}",
    )
