"""The notices captura asks auth to mail (``services/common/avisos.py``): a returned questionnaire, the decision
on a correction request, and the reminder that the capture closes soon (a cron of the captura worker).

No aiohttp here: the worker imports it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from services.common import avisos
from services.common.avisos import Aviso, Enlace, Tipo
from services.common.contracts import RemindDeadline
from services.common.cuestionarios import FORMAS, Cuestionario, partes
from services.common.proceso import Proceso, active_proceso

log = logging.getLogger(__name__)

# Questionnaires still to be submitted: what a deadline reminder is about.
NOT_SUBMITTED = ["pendiente", "en_captura", "con_observaciones"]

# Claims the reminder of every candidacy of the process with a questionnaire still to submit, once per close
# date and lead time; returns only the newly claimed ones, with what they still have to submit.
CLAIM_REMINDERS_SQL = """
WITH pendientes AS (
    SELECT c.id AS candidatura_id, array_agg(q.cuestionario ORDER BY q.cuestionario) AS cuestionarios
    FROM registro.candidaturas c
    CROSS JOIN unnest($4::text[]) AS q (cuestionario)
    LEFT JOIN captura.cuestionarios k ON k.candidatura_id = c.id AND k.cuestionario = q.cuestionario
    WHERE c.proceso_id = $1 AND c.estatus = 'registrada' AND coalesce(k.estado, 'pendiente') = ANY($5::text[])
      -- A candidacy whose prórroga ends after the process's close is not closing now: no reminder for it.
      AND NOT EXISTS (
          SELECT 1 FROM registro.prorrogas p
          WHERE p.proceso_id = c.proceso_id AND p.revocada_at IS NULL AND p.fin > $2
            AND (p.candidatura_id = c.id OR p.postulante_id = c.postulante_id))
    GROUP BY c.id
), nuevos AS (
    INSERT INTO captura.avisos_plazo (candidatura_id, captura_fin, horas)
    SELECT candidatura_id, $2, $3 FROM pendientes
    ON CONFLICT DO NOTHING
    RETURNING candidatura_id
)
SELECT p.candidatura_id, p.cuestionarios FROM pendientes p JOIN nuevos USING (candidatura_id)
ORDER BY p.candidatura_id
"""


async def titulos(conn: asyncpg.Connection | asyncpg.Pool, candidatura_id: int, cuestionario: str) -> dict[str, str]:
    """The title of each rubro (curricular) or dimension (identidad), by key."""
    return dict(await partes(conn, candidatura_id, cuestionario))


async def _enlaces(
    conn: asyncpg.Connection, candidatura_id: int, cuestionario: str, rubros: Iterable[str], anchor: str
) -> list[Enlace]:
    nombres = await titulos(conn, candidatura_id, cuestionario)
    # In the questionnaire's own order, not the order the reviewer happened to write them in.
    ordered = [clave for clave in nombres if clave in set(rubros)]
    return [Enlace(titulo=nombres[c], ruta=avisos.rubro_path(candidatura_id, cuestionario, c, anchor)) for c in ordered]


async def returned(
    conn: asyncpg.Connection,
    *,
    candidatura_id: int,
    cuestionario: str,
    numero: int,
    rubros: Iterable[str],
    by_party: bool = False,
) -> None:
    """A submitted version came back with observations (the institute's, or the party's comments)."""
    origen = "partido" if by_party else "instituto"
    await avisos.enqueue(
        conn,
        Aviso(
            tipo=Tipo.OBSERVACIONES_PARTIDO if by_party else Tipo.OBSERVACIONES,
            candidatura_id=candidatura_id,
            clave=f"observaciones:{origen}:{candidatura_id}:{cuestionario}:{numero}",
            cuestionario=cuestionario,
            enlaces=await _enlaces(conn, candidatura_id, cuestionario, rubros, "observacion"),
        ),
    )


async def correction_decided(
    conn: asyncpg.Connection,
    *,
    solicitud_id: int,
    candidatura_id: int,
    cuestionario: str,
    rubros: Iterable[str],
    aprobada: bool,
) -> None:
    if aprobada:
        enlaces = await _enlaces(conn, candidatura_id, cuestionario, rubros, "contenido")
    else:
        ruta = f"/captura/candidaturas/{candidatura_id}/{cuestionario}/correccion#contenido"
        enlaces = [Enlace(titulo="Solicitud de corrección", ruta=ruta)]
    await avisos.enqueue(
        conn,
        Aviso(
            tipo=Tipo.CORRECCION_APROBADA if aprobada else Tipo.CORRECCION_RECHAZADA,
            candidatura_id=candidatura_id,
            clave=f"correccion:{solicitud_id}",
            cuestionario=cuestionario,
            enlaces=enlaces,
        ),
    )


def reminder_due(proceso: Proceso, now: datetime) -> int | None:
    """The lead time (hours) of the reminder due now, or None: only while the capture is open, and only the
    nearest of the configured ones (a close set 20 hours ahead sends the 24-hour reminder, not also the 48)."""
    fin = proceso.captura_fin
    if fin is None or not proceso.capture_open(now):
        return None
    due = [h for h in proceso.configuracion.avisos_plazo_horas if now >= fin - timedelta(hours=h)]
    return min(due) if due else None


async def remind_deadline(ctx: dict[str, Any], job: RemindDeadline | None = None) -> int:
    """Cron (and job): ask auth to remind every candidacy that has not submitted; idempotent per candidacy,
    close date and lead time. Returns how many reminders were enqueued."""
    pool: asyncpg.Pool = ctx["db_pool"]
    proceso = await active_proceso(pool)
    horas = reminder_due(proceso, datetime.now(UTC)) if proceso else None
    if proceso is None or proceso.captura_fin is None or horas is None:
        return 0
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(
            CLAIM_REMINDERS_SQL, proceso.id, proceso.captura_fin, horas, [c.value for c in Cuestionario], NOT_SUBMITTED
        )
        for row in rows:
            candidatura_id = row["candidatura_id"]
            enlaces = [
                Enlace(titulo=FORMAS[c].titulo, ruta=avisos.cuestionario_path(candidatura_id, c))
                for c in row["cuestionarios"]
            ]
            await avisos.enqueue(
                conn,
                Aviso(
                    tipo=Tipo.PLAZO,
                    candidatura_id=candidatura_id,
                    clave=f"plazo:{candidatura_id}:{proceso.captura_fin.isoformat()}:{horas}",
                    enlaces=enlaces,
                    horas=horas,
                ),
            )
    if rows:
        log.info("captura: %d recordatorio(s) de cierre (%d h) en cola", len(rows), horas)
    return len(rows)
