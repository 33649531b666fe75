"""Jobs reportes runs: the status history every report is built from."""

from __future__ import annotations

from typing import Any

from services.common import contracts, worker

from .sql import RECORD_STATUS_SQL


async def record_status(ctx: dict[str, Any], job: contracts.RecordStatus) -> bool:
    """Append one status change; the job key makes a redelivered change count once."""
    row = await ctx["db_pool"].fetchval(
        RECORD_STATUS_SQL, job.job_key, job.candidatura_id, job.cuestionario, job.estado, job.at
    )
    return row is not None


class WorkerSettings(worker.WorkerSettings):
    service = "reportes"
    functions = (worker.job(contracts.RecordStatus, record_status),)
