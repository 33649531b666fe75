"""Nothing is lost: jobs commit with their change, survive a lost Redis job, a killed worker and a Redis restart."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from launcher.system import System
from services.common import contracts

from .helpers import eventually

NO_CANDIDATURA = 2_147_483_000


def _status_args(key: str) -> dict[str, object]:
    # No candidacy has this id: these rows stay out of the real candidacies' history.
    return {
        "candidatura_id": NO_CANDIDATURA,
        "cuestionario": "curricular",
        "estado": "en_captura",
        "at": datetime.now(UTC).isoformat(),
        "job_key": key,
    }


async def _enqueue(db: asyncpg.Pool, key: str) -> int:
    async with db.acquire() as conn, conn.transaction():
        return await contracts.send(conn, contracts.RecordStatus(**_status_args(key)))


async def _done(db: asyncpg.Pool, job_id: int, key: str) -> bool:
    row = await db.fetchrow("SELECT done_at FROM outbox.jobs WHERE id = $1", job_id)
    recorded = await db.fetchval("SELECT count(*) FROM reportes.historial_estados WHERE job_key = $1", key)
    return row["done_at"] is not None and recorded == 1


async def test_enqueue_outside_a_transaction_is_refused(db: asyncpg.Pool) -> None:
    async with db.acquire() as conn:
        with pytest.raises(RuntimeError, match="transacción"):
            await contracts.send(conn, contracts.RecordStatus(**_status_args("x")))


async def test_a_rolled_back_change_leaves_no_job(db: asyncpg.Pool) -> None:
    key = f"rollback-{uuid.uuid4()}"
    with pytest.raises(ZeroDivisionError):
        async with db.acquire() as conn, conn.transaction():
            await contracts.send(conn, contracts.RecordStatus(**_status_args(key)))
            1 / 0  # noqa: B018
    assert await db.fetchval("SELECT count(*) FROM outbox.jobs WHERE args->>'job_key' = $1", key) == 0


async def test_a_committed_job_runs_once_in_the_real_worker(db: asyncpg.Pool) -> None:
    key = f"commit-{uuid.uuid4()}"
    job_id = await _enqueue(db, key)
    await eventually(lambda: _done(db, job_id, key), what="the job to run")


async def test_a_job_that_does_not_wake_the_relay_still_runs_once(db: asyncpg.Pool) -> None:
    # The capture's count of saves skips the NOTIFY (it serialised every save's commit): the relay's poll finds it.
    key = f"nowake-{uuid.uuid4()}"
    async with db.acquire() as conn, conn.transaction():
        job_id = await contracts.send(conn, contracts.RecordStatus(**_status_args(key)), wake=False)
    await eventually(lambda: _done(db, job_id, key), what="the polled job to run")


async def test_a_job_redis_lost_is_delivered_again(db: asyncpg.Pool) -> None:
    # As if the relay had handed it to a Redis that then lost it: enqueued long ago, never done.
    key = f"lost-{uuid.uuid4()}"
    job_id = await db.fetchval(
        """INSERT INTO outbox.jobs (queue, function, args, enqueued_at, attempts)
           VALUES ('conoceles:reportes', 'reportes.record_status', $1, now() - interval '1 hour', 1) RETURNING id""",
        _status_args(key),
    )
    await eventually(lambda: _done(db, job_id, key), within=30, what="the lost job to be delivered again")
    assert await db.fetchval("SELECT attempts FROM outbox.jobs WHERE id = $1", job_id) == 2


async def test_jobs_written_while_the_worker_is_dead_run_when_it_is_back(system: System, db: asyncpg.Pool) -> None:
    worker = system.process("worker-reportes")
    os.killpg(worker.process.pid, signal.SIGKILL)
    key = f"killed-{uuid.uuid4()}"
    job_id = await _enqueue(db, key)
    await eventually(lambda: _done(db, job_id, key), within=30, what="the restarted worker to run the job")
    assert worker.process.pid != 0 and worker.process.poll() is None


async def test_jobs_survive_a_redis_restart(system: System, db: asyncpg.Pool) -> None:
    assert system.redis is not None, "this test restarts the embedded Redis"
    system.redis.stop()
    try:
        key = f"redis-down-{uuid.uuid4()}"
        job_id = await _enqueue(db, key)
        await asyncio.sleep(1)
        assert not await _done(db, job_id, key)
    finally:
        await asyncio.to_thread(system.redis.start)
    await eventually(lambda: _done(db, job_id, key), within=60, what="the job after Redis came back")


async def test_a_malformed_payload_is_refused_logged_and_marked_failed(system: System, db: asyncpg.Pool) -> None:
    """A buggy service writes a job by hand with a wrong payload: the real worker refuses it before the job
    function runs, logs an ERROR with the job's name and pydantic's errors, and marks the row failed (never
    done, never handed over again); a good job right behind it still runs."""
    assert system.config.log_file is not None
    key = f"malformed-{uuid.uuid4()}"
    bad = {**_status_args(key), "estado": "inventado", "sobra": 1}
    del bad["at"]
    bad_id = await db.fetchval(
        "INSERT INTO outbox.jobs (queue, function, args) VALUES ($1, $2, $3) RETURNING id",
        contracts.RecordStatus.queue(),
        contracts.RecordStatus.name,
        bad,
    )
    good_key = f"after-malformed-{uuid.uuid4()}"
    good_id = await _enqueue(db, good_key)
    await eventually(lambda: _done(db, good_id, good_key), what="the good job behind the malformed one")

    async def failed() -> asyncpg.Record | None:
        row = await db.fetchrow("SELECT * FROM outbox.jobs WHERE id = $1 AND failed_at IS NOT NULL", bad_id)
        return row

    row = await eventually(failed, what="the malformed job marked failed")
    assert row["done_at"] is None
    assert contracts.RecordStatus.name in row["last_error"]
    for field in ("estado", "at", "sobra"):
        assert f'"{field}"' in row["last_error"]
    # Nothing of it reached reportes: a refused payload is never a partial run.
    assert await db.fetchval("SELECT count(*) FROM reportes.historial_estados WHERE job_key = $1", key) == 0

    def logged() -> str | None:
        lines = system.config.log_file.read_text(errors="replace").splitlines()  # type: ignore[union-attr]
        return next((line for line in lines if f"outbox {bad_id})" in line), None)

    line = await eventually(lambda: asyncio.to_thread(logged), what="the refusal in the system log")
    assert " ERROR " in line and "worker-reportes" in line and contracts.RecordStatus.name in line
    assert "missing" in line and "extra_forbidden" in line

    # The relay does not hand a failed row over again, however old it grows.
    await db.execute("UPDATE outbox.jobs SET enqueued_at = now() - interval '1 hour' WHERE id = $1", bad_id)
    attempts = await db.fetchval("SELECT attempts FROM outbox.jobs WHERE id = $1", bad_id)
    again_key = f"after-failed-{uuid.uuid4()}"
    again_id = await _enqueue(db, again_key)
    await eventually(lambda: _done(db, again_id, again_key), what="a later job")
    assert await db.fetchval("SELECT attempts FROM outbox.jobs WHERE id = $1", bad_id) == attempts


async def test_migration_0021_rewrites_pending_jobs_to_their_contracts(db: asyncpg.Pool) -> None:
    """A job written before the contracts (old name, ``datos`` with ``foto`` and ``_consentimientos``) and not run
    yet becomes a valid payload of its contract. On a queue no worker reads, so only the migration touches it."""
    datos = {
        "propuestas": {"propuesta_1": "Agua"},
        "foto": {"sha256": "ab" * 32},
        "_consentimientos": {"publicacion": True, "estadistica": False, "seq": 4},
    }
    old = {"envio_id": 1, "candidatura_id": 5, "cuestionario": "curricular", "numero": 1, "datos": datos}
    job_id = await db.fetchval(
        "INSERT INTO outbox.jobs (queue, function, args, enqueued_at) VALUES ('conoceles:prueba', $1, $2, now())"
        " RETURNING id",
        "review.open",
        {**old, "enviado_at": datetime.now(UTC).isoformat()},
    )
    try:
        migration = (Path(__file__).parents[1] / "migrations" / "0021_contratos.sql").read_text()
        rewrite = [s for s in migration.split(";") if "UPDATE outbox.jobs" in s]
        async with db.acquire() as conn, conn.transaction():
            for statement in rewrite:
                await conn.execute(statement.replace("done_at IS NULL", f"done_at IS NULL AND id = {job_id}"))
        row = await db.fetchrow("SELECT function, args FROM outbox.jobs WHERE id = $1", job_id)
        assert row["function"] == contracts.OpenReview.name
        job = contracts.OpenReview.model_validate(row["args"])
        assert job.version.stored() == datos
        assert job.version.consentimientos == contracts.Consentimientos(publicacion=True, estadistica=False, seq=4)
    finally:
        await db.execute("DELETE FROM outbox.jobs WHERE id = $1", job_id)
