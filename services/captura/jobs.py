"""Jobs captura runs: state changes decided elsewhere (validacion, publico) about a submitted version, and the
reminder of the approaching close of the capture (a cron)."""

from __future__ import annotations

from typing import Any

from arq.cron import cron
from arq.worker import func

from services.common.estados import report_status
from services.common.outbox import outbox_job

from . import avisos
from .sql import (
    DECIDE_REQUEST_SQL,
    INSERT_OBSERVACION_SQL,
    OPEN_FOR_CORRECTION_SQL,
    RETIRE_SQL,
    SET_ESTADO_FOR_ENVIO_SQL,
)

ESTADOS_FROM_ELSEWHERE = frozenset({"validado", "con_observaciones", "publicado", "retirado", "pausado"})


@outbox_job
async def set_estado(ctx: dict[str, Any], *, candidatura_id: int, cuestionario: str, numero: int, estado: str) -> bool:
    if estado not in ESTADOS_FROM_ELSEWHERE:
        raise ValueError(f"estado no aceptado desde otro servicio: {estado}")
    row = await ctx["db_pool"].fetchrow(SET_ESTADO_FOR_ENVIO_SQL, candidatura_id, cuestionario, numero, estado)
    return row is not None


@outbox_job
async def reopen(
    ctx: dict[str, Any], *, candidatura_id: int, cuestionario: str, numero: int, observaciones: list[dict[str, str]]
) -> bool:
    """A returned version: keep its observations and open the questionnaire for correction, in one transaction."""
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        await conn.executemany(
            INSERT_OBSERVACION_SQL,
            [(candidatura_id, cuestionario, numero, o["rubro"], o["fundamento"], o["texto"]) for o in observaciones],
        )
        row = await conn.fetchrow(SET_ESTADO_FOR_ENVIO_SQL, candidatura_id, cuestionario, numero, "con_observaciones")
        if row is not None:
            await avisos.returned(
                conn,
                candidatura_id=candidatura_id,
                cuestionario=cuestionario,
                numero=numero,
                rubros=[o["rubro"] for o in observaciones],
            )
    return row is not None


@outbox_job
async def correction_decided(ctx: dict[str, Any], *, solicitud_id: int, aprobada: bool, at: str) -> bool:
    """The institute's answer to a correction request; an approval opens the questionnaire for correction."""
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        request = await conn.fetchrow(DECIDE_REQUEST_SQL, solicitud_id, "aprobada" if aprobada else "rechazada")
        if request is None:
            return False
        await avisos.correction_decided(
            conn,
            solicitud_id=solicitud_id,
            candidatura_id=request["candidatura_id"],
            cuestionario=request["cuestionario"],
            rubros=request["rubros"],
            aprobada=aprobada,
        )
        if not aprobada:
            return True
        opened = await conn.fetchrow(
            OPEN_FOR_CORRECTION_SQL, request["candidatura_id"], request["cuestionario"], request["numero"]
        )
        if opened is not None:
            await report_status(
                conn,
                candidatura_id=request["candidatura_id"],
                cuestionario=request["cuestionario"],
                estado="en_correccion",
                at=at,
                job_key=f"correccion:{solicitud_id}",
            )
    return True


@outbox_job
async def retire(ctx: dict[str, Any], *, candidatura_id: int, at: str) -> int:
    """The registration was cancelled or substituted (registro); idempotent: retired rows stay as they are."""
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        retired = await conn.fetch(RETIRE_SQL, candidatura_id)
        for row in retired:
            await report_status(
                conn,
                candidatura_id=candidatura_id,
                cuestionario=row["cuestionario"],
                estado="retirado",
                at=at,
                job_key=f"retiro:{candidatura_id}:{row['cuestionario']}",
            )
    return len(retired)


FUNCTIONS = [
    func(retire, name="captura.retire"),
    func(set_estado, name="captura.set_estado"),
    func(reopen, name="captura.reopen"),
    func(correction_decided, name="captura.correction_decided"),
    func(avisos.remind_deadline, name="captura.remind_deadline"),
]
# Every five minutes: a reminder goes out at most five minutes after its hour.
CRON_JOBS = [
    cron(avisos.remind_deadline, name="captura.remind_deadline", minute=set(range(0, 60, 5)), run_at_startup=True)
]
