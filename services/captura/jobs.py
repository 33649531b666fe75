"""Jobs captura runs: state changes decided elsewhere (validacion, publico) about a submitted version, and the
reminder of the approaching close of the capture (a cron)."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.common import contracts, worker
from services.common.estados import report_status

from . import autorizaciones, avisos, inclusion
from .sql import (
    DECIDE_REQUEST_SQL,
    INSERT_OBSERVACION_SQL,
    OPEN_FOR_CORRECTION_SQL,
    RETIRE_SQL,
    SET_ESTADO_FOR_ENVIO_SQL,
)


async def _set_estado(conn: asyncpg.Connection, job: contracts.SetEstado) -> bool:
    # The contract admits only the states other services decide.
    row = await conn.fetchrow(SET_ESTADO_FOR_ENVIO_SQL, job.candidatura_id, job.cuestionario, job.numero, job.estado)
    if row is not None and job.cuestionario == "identidad" and job.estado in ("validado", "publicado"):
        await inclusion.send_approved(conn, job.candidatura_id, job.numero)
    return row is not None


async def set_estado(ctx: dict[str, Any], job: contracts.SetEstado) -> bool:
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        return await _set_estado(conn, job)


async def set_estado_lote(ctx: dict[str, Any], job: contracts.SetEstadoLote) -> int:
    """A bulk publication's states in one transaction; each item changes a row once, so a redelivery is harmless.
    In id order, like the publication that sent them, so two lotes never lock rows in opposite orders."""
    items = sorted(job.items, key=lambda j: (j.candidatura_id, j.cuestionario, j.numero))
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        return sum([await _set_estado(conn, item) for item in items])


async def reopen(ctx: dict[str, Any], job: contracts.Reopen) -> bool:
    """A returned version: keep its observations and open the questionnaire for correction, in one transaction."""
    candidatura_id, cuestionario, numero = job.candidatura_id, job.cuestionario, job.numero
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        await conn.executemany(
            INSERT_OBSERVACION_SQL,
            [(candidatura_id, cuestionario, numero, o.rubro, o.fundamento, o.texto) for o in job.observaciones],
        )
        row = await conn.fetchrow(SET_ESTADO_FOR_ENVIO_SQL, candidatura_id, cuestionario, numero, "con_observaciones")
        if row is not None:
            await avisos.returned(
                conn,
                candidatura_id=candidatura_id,
                cuestionario=cuestionario,
                numero=numero,
                rubros=[o.rubro for o in job.observaciones],
            )
    return row is not None


async def correction_decided(ctx: dict[str, Any], job: contracts.CorrectionDecided) -> bool:
    """The institute's answer to a correction request; an approval opens the questionnaire for correction."""
    solicitud_id, aprobada, at = job.solicitud_id, job.aprobada, job.at
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


async def retire(ctx: dict[str, Any], job: contracts.Retire) -> int:
    """The registration was cancelled or substituted (registro); idempotent: retired rows stay as they are."""
    candidatura_id, at = job.candidatura_id, job.at
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


async def resend_consents(ctx: dict[str, Any], job: contracts.ResendConsents) -> bool:
    """The consents in force, to publico again (idempotent: publico keeps the newest by their ``seq``)."""
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        await conn.execute(autorizaciones.LOCK_SQL, job.candidatura_id)
        consentimientos = await autorizaciones.snapshot(conn, job.candidatura_id)
        if consentimientos.seq == 0:
            return False  # never given nor revoked: the published version's own consents stand
        await contracts.send(
            conn,
            contracts.IdentidadVisible(
                candidatura_id=job.candidatura_id,
                publicacion=consentimientos.publicacion,
                estadistica=consentimientos.estadistica,
                seq=consentimientos.seq,
            ),
        )
        await autorizaciones.send_consent(conn, job.candidatura_id, consentimientos.estadistica, consentimientos.seq)
    return True


class WorkerSettings(worker.WorkerSettings):
    service = "captura"
    functions = (
        worker.job(contracts.Retire, retire),
        worker.job(contracts.SetEstado, set_estado),
        worker.job(contracts.SetEstadoLote, set_estado_lote),
        worker.job(contracts.Reopen, reopen),
        worker.job(contracts.CorrectionDecided, correction_decided),
        worker.job(contracts.RemindDeadline, avisos.remind_deadline),
        worker.job(contracts.ResendConsents, resend_consents),
    )
    # Every five minutes: a reminder goes out at most five minutes after its hour.
    cron_jobs = (
        worker.cron_job(
            contracts.RemindDeadline, avisos.remind_deadline, minute=set(range(0, 60, 5)), run_at_startup=True
        ),
    )
