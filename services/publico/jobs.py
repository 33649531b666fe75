"""Jobs publico runs: keep the read model in step with what the institute approved."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from arq.worker import func

from services.common import outbox
from services.common.outbox import outbox_job

from .cache import GENERATION_KEY
from .sql import BUMP_GENERATION_SQL, NAME_SQL, PUBLISH_SQL, WITHDRAW_SQL
from .text import normalize


@outbox_job
async def publish(
    ctx: dict[str, Any],
    *,
    candidatura_id: int,
    cuestionario: str,
    numero: int,
    datos: dict[str, Any],
    declarado_at: str,
    revisado_at: str,
) -> bool:
    """Upsert the published row; an older version never replaces a newer one, so redelivery is harmless."""
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        name = await conn.fetchval(NAME_SQL, candidatura_id) or ""
        published = await conn.fetchval(
            PUBLISH_SQL,
            candidatura_id,
            normalize(name),
            datos,
            numero,
            datetime.fromisoformat(declarado_at),
            datetime.fromisoformat(revisado_at),
        )
        if published is None:
            return False
        generation = await conn.fetchval(BUMP_GENERATION_SQL)
        await outbox.enqueue(
            conn,
            "captura",
            "captura.set_estado",
            candidatura_id=candidatura_id,
            cuestionario=cuestionario,
            numero=numero,
            estado="publicado",
        )
        await outbox.enqueue(
            conn,
            "reportes",
            "reportes.record_status",
            candidatura_id=candidatura_id,
            cuestionario=cuestionario,
            estado="publicado",
            at=datetime.now(UTC).isoformat(),
            job_key=f"publicacion:{candidatura_id}:{numero}",
        )
    await ctx["redis"].set(GENERATION_KEY, generation)
    return True


@outbox_job
async def withdraw(ctx: dict[str, Any], *, candidatura_id: int) -> bool:
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        removed = await conn.fetchval(WITHDRAW_SQL, candidatura_id)
        if removed is None:
            return False
        generation = await conn.fetchval(BUMP_GENERATION_SQL)
    await ctx["redis"].set(GENERATION_KEY, generation)
    return True


FUNCTIONS = [func(publish, name="publico.publish"), func(withdraw, name="publico.withdraw")]
