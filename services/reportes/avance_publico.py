"""What reportes tells the public site about progress: per postulante × cargo, how many registered candidacies
submitted their cuestionario curricular, had it validated and have it published (the same rules as report 1,
``avance.situacion``). Counts only: publico may not read captura or reportes, so it gets this aggregate and nothing
about any one candidacy. Sent by a cron (``reportes.send_avance``) as a ``publico.record_avance``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import asyncpg

from services.common import contracts

from .avance import REGISTRADA, Situacion
from .datos import situaciones_del_historial


def filas_publicas(situaciones: Iterable[Situacion]) -> list[contracts.FilaAvance]:
    """Registered candidacies only (sustituidas and canceladas are not on the ballot), ordered for stable hashes."""
    cuentas: dict[tuple[int, str], list[int]] = {}
    for s in situaciones:
        if s.estatus != REGISTRADA:
            continue
        fila = cuentas.setdefault((s.postulante_id, s.cargo), [0, 0, 0, 0])
        for n, cuenta in enumerate((True, s.curricular_enviado, s.validado, s.publicado)):
            fila[n] += int(cuenta)
    return [
        contracts.FilaAvance(
            postulante_id=postulante_id, cargo=cargo, registradas=r, enviadas=e, validadas=v, publicadas=p
        )
        for (postulante_id, cargo), (r, e, v, p) in sorted(cuentas.items())
    ]


async def send_avance(ctx: dict[str, Any], job: contracts.SendAvance) -> int:
    """Compute the progress now and hand it to publico in one transaction (the outbox); the number of rows."""
    pool: asyncpg.Pool = ctx["db_pool"]
    at = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        filas = filas_publicas(await situaciones_del_historial(conn, at))
        await contracts.send(conn, contracts.RecordAvance(at=at, filas=filas))
    return len(filas)
