"""The states of a questionnaire (docs/design.md §4), as every service names and shows them, and how a change of
state reaches reportes."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from . import contracts

STATE_LABELS = {
    "pendiente": "Pendiente",
    "en_captura": "En captura",
    "revision_partido": "En revisión del partido",
    "enviado": "Enviado a validación",
    "con_observaciones": "Con observaciones",
    "validado": "Validado",
    "publicado": "Publicado",
    "en_correccion": "En corrección",
    "retirado": "Retirado",
    "pausado": "Pausado",
}


async def report_status(
    conn: asyncpg.Connection,
    *,
    candidatura_id: int,
    cuestionario: str,
    estado: str,
    at: datetime,
    job_key: str,
    wake: bool = True,
) -> None:
    """Tell reportes of a state change, in the caller's transaction; ``job_key`` makes a redelivery count once.
    ``wake=False``: the relay takes it at its next poll (``outbox.enqueue`` says when that is worth it)."""
    await contracts.send(
        conn,
        contracts.RecordStatus(
            candidatura_id=candidatura_id,
            cuestionario=cuestionario,
            estado=estado,
            at=at,
            job_key=job_key,
        ),
        wake=wake,
    )
