"""Faults 1 (issue #13): every worker killed with SIGKILL in the middle of its jobs, ten times in fast cycles;
every job completes exactly once in effect, within seconds of the last kill, not the five minutes arq's
in-progress lock used to hold a dead worker's jobs (services/common/worker.py LeasedWorker). A second SIGTERM
stops a worker cleanly. ``make run`` restarts a dead embedded Redis or PostgreSQL.

These tests run against a system of their own (they kill its processes), started once for the module.
"""

from __future__ import annotations

import asyncio
import email
import os
import signal
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from launcher.system import System
from services.common import contracts
from services.common.db import create_pool
from services.validacion.publication import publish_jobs

from .. import factories
from ..helpers import Client, eventually
from .sistema import pool_of, running_system

KILLS = 10
# arq's old lock held a dead worker's jobs for 310 s; the lease lets them run again within a few seconds.
AFTER_LAST_KILL = 30
IN_PROGRESS = "arq:in-progress:outbox:"

PUBLISHED_NOW_SQL = """
SELECT DISTINCT ON (args->>'candidatura_id', args->>'cuestionario') args
FROM (SELECT id, args FROM outbox.jobs WHERE function = 'publico.publish' AND done_at IS NOT NULL
      UNION ALL  -- the demo publishes in lotes, as a bulk publication does
      SELECT id, jsonb_array_elements(args->'items') FROM outbox.jobs
      WHERE function = 'publico.publish_lote' AND done_at IS NOT NULL) AS published
ORDER BY args->>'candidatura_id', args->>'cuestionario', id DESC
"""

# What a publish sends (the other tests here send status facts of their own at the same time).
# A lote's follow-ups are one job of each kind (services/publico/publicar.py).
FOLLOW_UPS_SQL = """
SELECT count(*) FROM outbox.jobs
WHERE function IN ('captura.set_estado', 'captura.set_estado_lote', 'reportes.record_status_lote')
   OR (function = 'reportes.record_status' AND args->>'job_key' LIKE 'publicacion:%')
"""

Sender = Callable[[asyncpg.Connection, int], Awaitable[list[int]]]


@pytest.fixture(scope="module")
def own_system() -> Iterator[System]:
    with running_system("trabajos", supervise_servers=True) as system:
        yield system


@pytest.fixture(scope="module")
async def own_db(own_system: System) -> AsyncIterator[asyncpg.Pool]:
    async with pool_of(own_system) as pool:
        yield pool


@pytest.fixture(scope="module")
async def own_redis(own_system: System) -> AsyncIterator[Redis]:
    redis = Redis.from_url(own_system.redis_url)
    yield redis
    await redis.aclose()


async def _published(db: asyncpg.Pool) -> list[contracts.Publish]:
    # The last publication of each questionnaire: what the public site shows now, so sending it again must
    # change nothing (an earlier one of the same version number may differ, say in its review date).
    rows = await db.fetch(PUBLISHED_NOW_SQL)
    assert rows, "the demo data publishes candidacies"
    return [contracts.Publish.model_validate(r["args"]) for r in rows]


async def _send(conn: asyncpg.Connection, jobs: list[contracts.Contract]) -> list[int]:
    async with conn.transaction():
        return [await contracts.send(conn, job) for job in jobs]


def _restart_at_once(system: System, name: str) -> None:
    # The supervisor's growing pause is for a process that keeps crashing; these kills are on purpose.
    with system._lock:
        run = system.process(name)
        run.restarts = 0
        run.started_at = 0


async def _soon(check: Callable[[], Awaitable[int]], what: str, within: float = 60) -> None:
    """``eventually`` polling every few milliseconds: a burst of short jobs is over in a fraction of a second."""
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, f"timed out after {within} s waiting for {what}"
        await asyncio.sleep(0.003)


async def _kill_in_the_middle(system: System, redis: Redis, name: str, outbox_ids: list[int]) -> int:
    """SIGKILL ``name`` once it is running some of ``outbox_ids``; how many it was running when it died."""
    keys = [f"{IN_PROGRESS}{i}" for i in outbox_ids]

    async def running() -> int:
        return int(await redis.exists(*keys))

    await _soon(running, what=f"{name} to start its jobs")
    run = system.process(name)
    killed = run.process
    _restart_at_once(system, name)
    os.killpg(killed.pid, signal.SIGKILL)
    await asyncio.to_thread(killed.wait)
    left = await running()

    async def restarted() -> bool:
        return system.process(name).process is not killed

    await eventually(restarted, within=30, what=f"the supervisor to restart {name}")
    return left


async def _all_done(db: asyncpg.Pool, outbox_ids: list[int]) -> bool:
    pending = await db.fetchval(
        "SELECT count(*) FROM outbox.jobs WHERE id = ANY($1::bigint[]) AND done_at IS NULL", outbox_ids
    )
    return pending == 0


async def _kill_cycles(system: System, db: asyncpg.Pool, redis: Redis, name: str, send: Sender) -> list[int]:
    outbox_ids: list[int] = []
    interrupted = 0
    for cycle in range(KILLS):
        async with db.acquire() as conn:
            batch = await send(conn, cycle)
        outbox_ids += batch
        interrupted += await _kill_in_the_middle(system, redis, name, batch)
    # Otherwise the kills hit idle moments and proved nothing.
    assert interrupted > 0, f"{name} was never killed in the middle of a job"
    await eventually(
        lambda: _all_done(db, outbox_ids),
        within=AFTER_LAST_KILL,
        what=f"every job of {name} to complete after {KILLS} kills ({interrupted} interrupted)",
    )
    return outbox_ids


async def _publico_publishes_once(own_system: System, own_db: asyncpg.Pool, own_redis: Redis) -> None:
    """Deliveries repeated after a kill are no-ops in effect: no generation bump, no follow-up job sent again."""
    published = (await _published(own_db))[:100]
    # Once without kills: what the demo changed since (a renamed candidacy, say) is published for real first.
    async with own_db.acquire() as conn:
        first = await _send(conn, list(published))
    # Then the same versions as a bulk publication sends them: each cycle below kills lotes mid-run too.
    lotes = publish_jobs(list(published), lote=25)
    await eventually(lambda: _all_done(own_db, first), within=60, what="the first delivery of the publications")
    generation = await own_db.fetchval("SELECT generacion FROM publico.publicacion")
    follow_ups = await own_db.fetchval(FOLLOW_UPS_SQL)

    async def send(conn: asyncpg.Connection, cycle: int) -> list[int]:
        return await _send(conn, [*published, *lotes])

    await _kill_cycles(own_system, own_db, own_redis, "worker-publico", send)
    assert await own_db.fetchval("SELECT generacion FROM publico.publicacion") == generation
    assert await own_db.fetchval(FOLLOW_UPS_SQL) == follow_ups
    assert int(await own_redis.get("publico:generacion") or -1) == generation


async def _validacion_opens_each_review_once(own_system: System, own_db: asyncpg.Pool, own_redis: Redis) -> None:
    published = await _published(own_db)
    # Envíos captura never made: validacion keys its reviews by envio id, whatever sends them.
    first = 1_500_000_000 + uuid.uuid4().int % 100_000_000
    envios: list[int] = []

    async def send(conn: asyncpg.Connection, cycle: int) -> list[int]:
        jobs: list[contracts.Contract] = []
        for i, p in enumerate(published[:40]):
            envio_id = first + cycle * 1000 + i
            envios.append(envio_id)
            jobs.append(
                contracts.OpenReview(
                    envio_id=envio_id,
                    candidatura_id=p.candidatura_id,
                    cuestionario=p.cuestionario,
                    numero=p.numero,
                    version=p.version,
                    enviado_at=p.declarado_at,
                )
            )
        return await _send(conn, jobs)

    await _kill_cycles(own_system, own_db, own_redis, "worker-validacion", send)
    counts = await own_db.fetch(
        "SELECT envio_id, count(*) AS n FROM validacion.revisiones WHERE envio_id = ANY($1::bigint[]) GROUP BY 1",
        envios,
    )
    assert len(counts) == len(envios) and {r["n"] for r in counts} == {1}


async def _reportes_builds_each_file_once(own_system: System, own_db: asyncpg.Pool, own_redis: Redis) -> None:
    # Yesterday: today in UTC can be tomorrow in the institute's zone, a cut-off date the report refuses.
    hoy = date.today() - timedelta(days=1)
    archivos: list[int] = []
    keys: list[str] = []

    async def send(conn: asyncpg.Connection, cycle: int) -> list[int]:
        jobs: list[contracts.Contract] = []
        for formato in ("pdf", "xlsx", "csv", "pdf", "xlsx"):
            archivo_id = await conn.fetchval(
                "INSERT INTO reportes.archivos (informe, formato, parametros) VALUES ('avance', $1, $2) RETURNING id",
                formato,
                {"fecha": hoy.isoformat(), "desglose": [], "postulante": None},
            )
            archivos.append(archivo_id)
            jobs.append(contracts.Render(archivo_id=archivo_id, informe="avance", formato=formato, fecha=hoy))
        for _ in range(40):
            key = f"resiliencia:{uuid.uuid4()}"
            keys.append(key)
            jobs.append(
                contracts.RecordStatus(
                    candidatura_id=2_147_483_000,
                    cuestionario="curricular",
                    estado="en_captura",
                    at=datetime.now(UTC),
                    job_key=key,
                )
            )
        return await _send(conn, jobs)

    await _kill_cycles(own_system, own_db, own_redis, "worker-reportes", send)
    estados = await own_db.fetch("SELECT estado, sha256 FROM reportes.archivos WHERE id = ANY($1::bigint[])", archivos)
    assert {r["estado"] for r in estados} == {"listo"} and all(r["sha256"] for r in estados)
    recorded = await own_db.fetchval(
        "SELECT count(*) FROM reportes.historial_estados WHERE job_key = ANY($1::text[])", keys
    )
    assert recorded == len(keys)


async def _auth_provisions_and_mails_once(own_system: System, own_db: asyncpg.Pool, own_redis: Redis) -> None:
    tag = uuid.uuid4().hex[:8]
    lotes: list[int] = []
    subjects: list[str] = []

    async def send(conn: asyncpg.Connection, cycle: int) -> list[int]:
        jobs: list[contracts.Contract] = []
        # Two lotes, not ten: each run holds two of the worker's four connections, and four lotes at once
        # exhaust its pool (a limit of auth.provision, not of the kills).
        if cycle in (0, KILLS // 2):
            lote_id = await conn.fetchval("INSERT INTO auth.lotes_cuentas (requested_by) VALUES (NULL) RETURNING id")
            lotes.append(lote_id)
            jobs.append(contracts.Provision(lote_id=lote_id))
        for i in range(40):
            subject = f"resiliencia {tag} {cycle}-{i}"
            subjects.append(subject)
            jobs.append(contracts.SendMail(to="persona@ejemplo.invalid", subject=subject, body="Prueba de fallas."))
        return await _send(conn, jobs)

    await _kill_cycles(own_system, own_db, own_redis, "worker-auth", send)
    assert {
        r["estado"] for r in await own_db.fetch("SELECT estado FROM auth.lotes_cuentas WHERE id = ANY($1)", lotes)
    } == {"terminado"}
    finished = await own_db.fetch(
        "SELECT entity_id, count(*) AS n FROM audit.eventos WHERE action = 'provision_cuentas' AND entity_id = ANY($1)"
        " GROUP BY 1",
        [str(i) for i in lotes],
    )
    assert len(finished) == len(lotes) and {r["n"] for r in finished} == {1}
    # SMTP cannot take part in a transaction: a message the server took just before the kill is sent again,
    # with the same Message-ID (services/auth/mail.py), so mail clients show it once.
    ids_by_subject: dict[str, set[str]] = {}
    for path in own_system.maildir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes())
        if tag in str(message["Subject"]):
            ids_by_subject.setdefault(str(message["Subject"]), set()).add(str(message["Message-ID"]))
    assert set(ids_by_subject) == set(subjects)
    assert all(len(ids) == 1 for ids in ids_by_subject.values())


@pytest.mark.timeout(400)
async def test_every_worker_killed_mid_job_ten_times_completes_every_job_once(
    own_system: System, own_db: asyncpg.Pool, own_redis: Redis
) -> None:
    """The four workers at once (publish; review with its automatic checks; report render and status facts;
    account provisioning and mail), each killed ten times in the middle of its jobs."""
    await asyncio.gather(
        _publico_publishes_once(own_system, own_db, own_redis),
        _validacion_opens_each_review_once(own_system, own_db, own_redis),
        _reportes_builds_each_file_once(own_system, own_db, own_redis),
        _auth_provisions_and_mails_once(own_system, own_db, own_redis),
    )


async def test_progress_pages_say_they_wait_for_a_worker(own_system: System, own_db: asyncpg.Pool) -> None:
    """A job whose worker died (its in-progress key lapsed, the relay has not handed it over again yet): the
    report file page and the account lote page say what they wait for, and stop saying it once it ran."""
    hoy = date.today() - timedelta(days=1)
    async with own_db.acquire() as conn, conn.transaction():
        archivo_id = await conn.fetchval(
            "INSERT INTO reportes.archivos (informe, formato, parametros) VALUES ('avance', 'csv', $1) RETURNING id",
            {"fecha": hoy.isoformat(), "desglose": [], "postulante": None},
        )
        lote_id = await conn.fetchval("INSERT INTO auth.lotes_cuentas (requested_by) VALUES (NULL) RETURNING id")
        jobs: list[contracts.Contract] = [
            contracts.Render(archivo_id=archivo_id, informe="avance", formato="csv", fecha=hoy),
            contracts.Provision(lote_id=lote_id),
        ]
        # As the relay leaves a row it handed to a worker that then died: enqueued, not done, in no queue.
        outbox_ids = [
            await conn.fetchval(
                "INSERT INTO outbox.jobs (queue, function, args, enqueued_at, attempts)"
                " VALUES ($1, $2, $3, now(), 1) RETURNING id",
                job.queue(),
                job.name,
                job.model_dump(mode="json"),
            )
            for job in jobs
        ]
    client = Client(own_system.url)
    try:
        await client.login(await factories.cuenta(own_db, "coordinacion"))
        pages = (f"/reportes/archivos/{archivo_id}", f"/cuenta/lotes/{lote_id}")
        for path in pages:
            response = await client.get(path)
            assert response.status == 200
            assert "En espera de un trabajador" in await response.text(), path
        # The relay hands them over again (here at once, instead of after its 30 s).
        await own_db.execute(
            "UPDATE outbox.jobs SET enqueued_at = now() - interval '1 hour' WHERE id = ANY($1::bigint[])", outbox_ids
        )
        await eventually(lambda: _all_done(own_db, outbox_ids), within=AFTER_LAST_KILL, what="the jobs to run")
        for path in pages:
            response = await client.get(path)
            assert "En espera de un trabajador" not in await response.text(), path
    finally:
        await client.close()


async def test_a_second_sigterm_stops_the_worker_cleanly(
    own_system: System, own_db: asyncpg.Pool, own_redis: Redis
) -> None:
    assert own_system.config.log_file is not None
    # Yesterday: today in UTC can be tomorrow in the institute's zone, a cut-off date the report refuses.
    hoy = date.today() - timedelta(days=1)
    async with own_db.acquire() as conn:
        jobs: list[contracts.Contract] = []
        for formato in ("pdf", "xlsx") * 5:
            archivo_id = await conn.fetchval(
                "INSERT INTO reportes.archivos (informe, formato, parametros) VALUES ('avance', $1, $2) RETURNING id",
                formato,
                {"fecha": hoy.isoformat(), "desglose": [], "postulante": None},
            )
            jobs.append(contracts.Render(archivo_id=archivo_id, informe="avance", formato=formato, fecha=hoy))
        outbox_ids = await _send(conn, jobs)
    keys = [f"{IN_PROGRESS}{i}" for i in outbox_ids]

    async def running() -> int:
        return int(await own_redis.exists(*keys))

    await _soon(running, what="worker-reportes to start rendering")
    log_start = own_system.config.log_file.stat().st_size
    worker = own_system.process("worker-reportes").process
    _restart_at_once(own_system, "worker-reportes")
    os.killpg(worker.pid, signal.SIGTERM)
    await asyncio.sleep(0.1)
    os.killpg(worker.pid, signal.SIGTERM)
    code = await asyncio.to_thread(worker.wait, 30)
    await asyncio.sleep(0.5)  # what the dying worker printed last reaches the log
    said = own_system.config.log_file.read_bytes()[log_start:].decode(errors="replace")
    assert code == 0, said[-3000:]
    assert "Traceback" not in said, said[-3000:]
    # One stop: the second signal neither started another nor killed the process with the default action.
    assert said.count("worker-reportes INFO arq.worker: shutdown on SIGTERM") == 1, said[-3000:]
    await eventually(lambda: _all_done(own_db, outbox_ids), within=AFTER_LAST_KILL, what="the renders after the stop")


def _pid_of_postgres(system: System) -> int:
    assert system.postgres is not None
    return int((system.postgres.data_dir / "postmaster.pid").read_text().split()[0])


async def test_the_supervisor_restarts_a_dead_embedded_redis_and_postgres(own_system: System) -> None:
    """``make run`` supervises its embedded servers too; jobs sent after each came back still run."""
    assert own_system.redis is not None and own_system.redis.process is not None
    assert own_system.postgres is not None
    redis_process = own_system.redis.process
    redis_process.kill()
    await asyncio.to_thread(redis_process.wait)

    async def redis_back() -> bool:
        if own_system.redis is None or own_system.redis.process in (None, redis_process):
            return False
        redis = Redis.from_url(own_system.redis_url)
        try:
            return bool(await redis.ping())
        except (OSError, RedisError):  # refused, or still loading its append-only file
            return False
        finally:
            await redis.aclose()

    await eventually(redis_back, within=30, what="the supervisor to restart Redis")

    postgres_pid = _pid_of_postgres(own_system)
    os.kill(postgres_pid, signal.SIGKILL)

    async def postgres_back() -> bool:
        try:
            conn = await asyncpg.connect(own_system.database_url, timeout=2)
        except (OSError, asyncpg.PostgresError):
            return False
        await conn.close()
        return _pid_of_postgres(own_system) != postgres_pid

    await eventually(postgres_back, within=60, what="the supervisor to restart PostgreSQL")
    pool = await create_pool(own_system.settings(), min_size=1, max_size=2)
    try:
        key = f"tras-reinicio-{uuid.uuid4()}"
        async with pool.acquire() as conn:
            [job_id] = await _send(
                conn,
                [
                    contracts.RecordStatus(
                        candidatura_id=2_147_483_000,
                        cuestionario="curricular",
                        estado="en_captura",
                        at=datetime.now(UTC),
                        job_key=key,
                    )
                ],
            )

        async def done() -> bool:
            return await _all_done(pool, [job_id])

        await eventually(done, within=60, what="a job sent after both servers came back")
    finally:
        await pool.close()
