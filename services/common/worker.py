"""What every service's arq worker shares: the defaults of ``WorkerSettings``, the job runner, and ``run``.

Each service that owns jobs declares ``class WorkerSettings(worker.WorkerSettings)`` in its ``jobs.py`` with
``service``, ``functions`` (``worker.job(Contract, fn)`` per job) and optionally ``cron_jobs``; its
``worker.py`` is the process: ``python -m services.captura.worker``.

Every job runs through :func:`job`: the payload is validated against its contract (``contracts.py``) before the
function sees it. A payload that does not match is a bug in the sender: it is logged as an ERROR with the job
name and pydantic's errors, its outbox row is marked failed with the same text (the relay never hands it over
again; an operator sees it in ``outbox.jobs``), and arq does not retry it. A job that succeeds marks its outbox
row done; one that raises leaves it for arq's retries and the relay.

arq marks a running job with an "in progress" key that lives for the longest job timeout plus 10 s (310 s): a
worker killed mid-job left its jobs waiting five minutes. :class:`LeasedWorker` gives that key a short lease
(:data:`LEASE_S`) and renews it while the job really runs, so a dead worker's jobs are picked up again within
seconds; a job is never started twice by the same worker, and a second SIGTERM during the stop is ignored.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from signal import Signals
from typing import Any, ClassVar, TypeVar, cast

from arq.constants import in_progress_key_prefix
from arq.cron import CronJob, cron
from arq.typing import WorkerCoroutine
from arq.worker import Function, Retry, Worker, func
from pydantic import ValidationError
from redis.exceptions import RedisError

from .contracts import Contract
from .db import create_pool, database_unavailable
from .logs import setup_logging
from .outbox import MARK_DONE_SQL, MARK_ERROR_SQL, MARK_FAILED_SQL
from .queues import QUEUES, redis_settings
from .settings import CommonSettings, load_settings

log = logging.getLogger(__name__)

C = TypeVar("C", bound=Contract)
JobFunction = Callable[[dict[str, Any], C], Awaitable[Any]]

# Connections of a worker's PostgreSQL pool, shared by all its running jobs: a job holds at most one at a time
# (holding two lets as many jobs as connections take them all and wait for each other forever).
JOB_POOL_SIZE = 4
# How long a running job's in-progress key outlives its worker's last renewal, and how often it is renewed.
LEASE_S = 5.0
RENEW_EVERY_S = 1.0
# Lengthen each key that still exists to the lease, never shorten one (arq keeps a finished cron job's key for
# 60 s so no other worker runs the same minute again). Redis 6 has no PEXPIRE ... GT, hence the script.
RENEW_LEASES_LUA = """
local n = 0
for _, key in ipairs(KEYS) do
  local ttl = redis.call('pttl', key)
  if ttl >= 0 and ttl < tonumber(ARGV[1]) then
    redis.call('pexpire', key, ARGV[1])
    n = n + 1
  end
end
return n
"""


def lease_keys(job_ids: list[str]) -> list[str]:
    """The in-progress keys of the jobs a worker is running."""
    return [in_progress_key_prefix + job_id for job_id in job_ids]


def ignore_stop_signals() -> None:
    """Once a stop began: a later SIGTERM/SIGINT must neither cancel its clean-up nor kill the process with
    the default action (asyncio restores it when the loop lets go of its handlers), so the exit stays 0."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_IGN)


class LeasedWorker(Worker):
    """arq's worker with a renewed short lease on each running job (see the module's docstring)."""

    def __init__(self, *args: Any, lease_s: float = LEASE_S, renew_every_s: float = RENEW_EVERY_S, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # arq reads this when it marks a job started (start_jobs); the renewal below keeps it alive.
        self.in_progress_timeout_s = lease_s
        self.renew_every_s = renew_every_s
        self.stopping = False

    def running_job_ids(self) -> list[str]:
        return [job_id for job_id, task in self.tasks.items() if not task.done()]

    async def main(self) -> None:
        renewal = asyncio.ensure_future(self._renew_leases())
        try:
            await super().main()
        finally:
            renewal.cancel()

    async def _renew_leases(self) -> None:
        lease_ms = str(int(self.in_progress_timeout_s * 1000))
        while True:
            await asyncio.sleep(self.renew_every_s)
            running = self.running_job_ids()
            if not running or self._pool is None:
                continue
            try:
                keys = lease_keys(running)
                await self._pool.eval(RENEW_LEASES_LUA, len(keys), *keys, lease_ms)  # type: ignore[misc]
            except (RedisError, OSError) as exc:
                # Redis is away: nobody can pick the job up meanwhile either; renew on the next round.
                log.warning("worker: no se pudo renovar la reserva de %d trabajo(s): %s", len(running), exc)

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        # A lease that lapsed while this worker still runs the job (Redis away for a while) must not start a
        # second copy here; another worker may, and job functions are idempotent for that.
        mine = set(self.running_job_ids())
        await super().start_jobs([job_id for job_id in job_ids if job_id.decode() not in mine])

    def handle_sig(self, signum: Signals) -> None:
        # arq's handler cancels the running jobs again, including the clean-up of the ones already cancelled,
        # which then crashes the stop: the first signal stops the worker, the next ones only say so.
        if self.stopping:
            log.info("worker: ya se está deteniendo (señal %s ignorada)", signum)
            return
        self.stopping = True
        super().handle_sig(signum)


class WorkerSettings:
    """arq's WorkerSettings convention, with the defaults every service's worker shares."""

    service: ClassVar[str]
    functions: ClassVar[tuple[Function, ...]]
    cron_jobs: ClassVar[tuple[CronJob, ...]] = ()
    max_tries: ClassVar[int] = 10
    # Failed results expire so the outbox relay can hand the job over again later.
    keep_result: ClassVar[int] = 600
    # arq's default polls twice a second, which caps a burst (8,000 publications) at ~25 jobs/s.
    poll_delay: ClassVar[float] = 0.05
    max_jobs: ClassVar[int] = 20
    job_timeout: ClassVar[int] = 300

    @staticmethod
    async def startup(ctx: dict[str, Any]) -> None:
        """What a service's jobs share besides the pool and the settings (auth: its bounded argon2 hasher)."""

    @staticmethod
    async def shutdown(ctx: dict[str, Any]) -> None:
        """Undo :meth:`startup`."""


def refusal(contract: type[Contract], exc: ValidationError) -> str:
    """What the log and the outbox row say of a payload that does not match its contract."""
    errors = json.dumps(exc.errors(include_url=False, include_context=False), ensure_ascii=False, default=str)
    return f"contrato {contract.name}: carga no válida: {errors}"


def _runner(contract: type[C], fn: JobFunction[C]) -> WorkerCoroutine:
    async def run(ctx: dict[str, Any], *, outbox_id: int | None = None, **args: Any) -> Any:
        pool = ctx["db_pool"]
        try:
            message = contract.model_validate(args)
        except ValidationError as exc:
            text = refusal(contract, exc)
            log.error("job %s rechazado (outbox %s): %s", contract.name, outbox_id, text)
            if outbox_id is not None:
                await pool.execute(MARK_FAILED_SQL, outbox_id, text[:2000])
            return None
        try:
            result = await fn(ctx, message)
            if outbox_id is not None:
                await pool.execute(MARK_DONE_SQL, outbox_id)
        except Exception as exc:
            if database_unavailable(exc):
                # PostgreSQL is away (restarting): expected, so a WARNING and arq's retry, not an ERROR traceback.
                defer = min(2 * int(ctx.get("job_try", 1)), 30)
                log.warning("job %s: PostgreSQL no disponible (%s); reintento en %d s", contract.name, exc, defer)
                raise Retry(defer=defer) from None
            if outbox_id is not None:
                await pool.execute(MARK_ERROR_SQL, outbox_id, f"{type(exc).__name__}: {exc}"[:2000])
            raise
        return result

    run.__qualname__ = run.__name__ = contract.name
    return cast(WorkerCoroutine, run)


def job(contract: type[C], fn: JobFunction[C]) -> Function:
    """The arq function of one contract: named after it, running ``fn`` with the validated payload."""
    return func(_runner(contract, fn), name=contract.name)


def cron_job(contract: type[C], fn: JobFunction[C], **schedule: Any) -> CronJob:
    """A contract run on a schedule too (its payload is empty), under the same name."""
    return cron(_runner(contract, fn), name=contract.name, **schedule)


def build_worker(worker_settings: type[WorkerSettings], settings: CommonSettings, **overrides: Any) -> LeasedWorker:
    async def startup(ctx: dict[str, Any]) -> None:
        ctx["db_pool"] = await create_pool(settings, min_size=1, max_size=JOB_POOL_SIZE)
        ctx["settings"] = settings
        await worker_settings.startup(ctx)

    async def shutdown(ctx: dict[str, Any]) -> None:
        await worker_settings.shutdown(ctx)
        if "db_pool" in ctx:
            await ctx["db_pool"].close()

    ws = worker_settings
    options: dict[str, Any] = {
        "functions": ws.functions,
        "cron_jobs": ws.cron_jobs or None,
        "queue_name": QUEUES[ws.service],
        "redis_settings": redis_settings(settings.redis_url),
        "on_startup": startup,
        "on_shutdown": shutdown,
        "max_tries": ws.max_tries,
        "keep_result": ws.keep_result,
        "poll_delay": ws.poll_delay,
        "max_jobs": ws.max_jobs,
        "job_timeout": ws.job_timeout,
        "handle_signals": True,
        # arq's health-check key (jobs complete/failed/retried) feeds /metrics: fresh, not hourly (its default).
        "health_check_interval": 15,
    }
    options.update(overrides)
    return LeasedWorker(**options)


def run(worker_settings: type[WorkerSettings]) -> None:
    """The worker process of one service (``python -m services.<service>.worker``)."""
    settings = load_settings(CommonSettings)
    setup_logging(settings.log_level, f"worker-{worker_settings.service}", json_format=settings.log_format == "json")
    while _run_until_redis_fails(worker_settings, settings):
        # Redis went away (killed, restarting): arq gives its loop up. Start again, rather than die with a
        # traceback; nothing is lost, the relay hands every job not done over again.
        time.sleep(REDIS_RETRY_SECONDS)


REDIS_RETRY_SECONDS = 1.0


def _run_until_redis_fails(worker_settings: type[WorkerSettings], settings: CommonSettings) -> bool:
    """Run the worker; True when it stopped because Redis could not be reached (so: run it again)."""
    asyncio.set_event_loop(asyncio.new_event_loop())
    worker = build_worker(worker_settings, settings)
    try:
        worker.run()
        ignore_stop_signals()
    except RedisError as exc:
        # arq's close() stopped at Redis before its on_shutdown: close the PostgreSQL pool here, or every
        # restart would leave its connections open.
        if (pool := worker.ctx.get("db_pool")) is not None:
            pool.terminate()
        logging.getLogger(__name__).warning(
            "worker-%s: Redis no responde (%s: %s); reinicio en %.0f s",
            worker_settings.service,
            type(exc).__name__,
            exc,
            REDIS_RETRY_SECONDS,
        )
        return True
    except asyncio.CancelledError:
        ignore_stop_signals()
        # arq's shutdown cancels the jobs still running and re-raises their cancellation: a stop, not a crash.
        # Nothing is lost: their outbox rows are not done, so the relay hands them over again.
        logging.getLogger(__name__).info("worker-%s detenido con trabajos en curso", worker_settings.service)
    return False
