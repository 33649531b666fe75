"""Jobs reportes runs: the status history every report is built from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from arq.worker import func

from services.common.outbox import outbox_job

from .sql import RECORD_STATUS_SQL


@outbox_job
async def record_status(
    ctx: dict[str, Any], *, candidatura_id: int, cuestionario: str, estado: str, at: str, job_key: str
) -> bool:
    """Append one status change; the job key makes a redelivered change count once."""
    row = await ctx["db_pool"].fetchval(
        RECORD_STATUS_SQL, job_key, candidatura_id, cuestionario, estado, datetime.fromisoformat(at)
    )
    return row is not None


FUNCTIONS = [func(record_status, name="reportes.record_status")]
