"""Jobs captura runs: state changes decided elsewhere (validacion, publico) about a submitted version."""

from __future__ import annotations

from typing import Any

from arq.worker import func

from services.common.outbox import outbox_job

from .sql import INSERT_OBSERVACION_SQL, SET_ESTADO_FOR_ENVIO_SQL

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
    return row is not None


FUNCTIONS = [func(set_estado, name="captura.set_estado"), func(reopen, name="captura.reopen")]
