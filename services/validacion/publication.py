"""What a decision sends to the other services, written to the outbox in the decision's transaction."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.common import contracts
from services.common.contracts import Version
from services.common.estados import report_status

from .pausas import is_paused


async def enqueue_publish(conn: asyncpg.Connection, review: asyncpg.Record) -> None:
    if await is_paused(conn, review["candidatura_id"]):
        return  # coordinación paused it: resuming publishes the last approved version (publicacion/acciones.py)
    await contracts.send(
        conn,
        contracts.Publish(
            candidatura_id=review["candidatura_id"],
            cuestionario=review["cuestionario"],
            numero=review["numero"],
            version=Version.from_stored(review["datos"]),
            declarado_at=review["created_at"],
            revisado_at=review["resuelto_at"],
        ),
    )


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
