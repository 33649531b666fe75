"""The whole system as one object: servers, migrations, catalogs, demo data and every process.

``make run`` uses it in the foreground; the test session starts one on its own ports and data folder.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import asyncpg
from redis import Redis
from redis.exceptions import BusyLoadingError, RedisError

from services.common.db import create_pool
from services.common.migrate import apply_migrations
from services.common.settings import CommonSettings
from services.validacion.catalogos import load_catalogs
from services.validacion.cuestionario_identidad import seed_question_sets

from . import demo, demo_publicado
from .embedded import EmbeddedError, EmbeddedPostgres, EmbeddedRedis, port_in_use, wait_for_port

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
SERVICE_OFFSETS = {"auth": 1, "captura": 2, "validacion": 3, "publico": 4, "reportes": 6}
# Each runs its WorkerSettings (services/<service>/jobs.py) as `python -m services.<service>.worker`.
WORKER_SERVICES = ("auth", "captura", "validacion", "publico", "reportes")
MAILSINK_OFFSET = 25  # the local SMTP sink (launcher/mailsink.py) listens on port_base + 25
OPERATOR_OFFSET = 9  # the gateway's operator port (detailed /health, /metrics) on 127.0.0.1: port_base + 9


def stop_stage(name: str) -> int:
    """When a process stops (System.stop): 0 the gateway, 1 the services, 2 what serves them from behind (the
    relay, the workers, the mail sink); each stage ends before the next starts, and Redis and PostgreSQL after."""
    if name == "gateway":
        return 0
    return 1 if name.split("-")[0] in SERVICE_OFFSETS else 2


class StartupError(RuntimeError):
    """Something the person starting the system must fix; the message says what and how."""


@dataclass
class ProcessSpec:
    name: str
    argv: list[str]
    env: dict[str, str]
    port: int | None = None


@dataclass
class Running:
    spec: ProcessSpec
    process: subprocess.Popen[bytes]
    restarts: int = 0
    started_at: float = field(default_factory=time.monotonic)


@dataclass
class SystemConfig:
    data_dir: Path
    gateway_port: int = 8080
    port_base: int = 8100
    redis_port: int = 6390
    publico_processes: int = 2
    env: str = "development"
    demo: bool = True
    # How much published demo process to load (launcher/demo_publicado.py TAMANOS); the tests use "minimo".
    demo_tamano: str = "completo"
    demo_password: str | None = None
    database_url: str | None = None
    redis_url: str | None = None
    log_file: Path | None = None
    # Settings for every process on top of the environment (the tests raise the login rate limit, say).
    extra_env: dict[str, str] = field(default_factory=dict)
    # Restart the embedded Redis and PostgreSQL when they die (`make run`); the tests that stop or kill them on
    # purpose run without it unless they test it.
    supervise_servers: bool = False

    @classmethod
    def from_environ(cls, data_dir: Path) -> SystemConfig:
        env = os.environ.get("CONOCELES_ENV", "development")
        return cls(
            data_dir=data_dir,
            gateway_port=int(os.environ.get("CONOCELES_PORT", "8080")),
            port_base=int(os.environ.get("CONOCELES_PORT_BASE", "8100")),
            redis_port=int(os.environ.get("CONOCELES_REDIS_PORT", "6390")),
            env=env,
            # Production never loads demo data unless asked, and then start() refuses.
            demo=os.environ.get("CONOCELES_DEMO", "0" if env == "production" else "1") != "0",
            demo_tamano=os.environ.get("CONOCELES_DEMO_TAMANO") or "completo",
            demo_password=os.environ.get("CONOCELES_DEMO_PASSWORD") or None,
            database_url=os.environ.get("DATABASE_URL") or None,
            redis_url=os.environ.get("REDIS_URL") or None,
            supervise_servers=True,
        )


def ping_while_loading(ping: Callable[[], object], timeout: float = 120, pause: float = 0.2) -> None:
    """Ping until Redis answers. A Redis that restarts replays its append-only file first and answers «loading»
    meanwhile (seconds, after a demo load's thousands of jobs): that is not an error, just a wait."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            ping()
            return
        except BusyLoadingError:
            if time.monotonic() > deadline:
                raise
            time.sleep(pause)


class System:
    def __init__(self, config: SystemConfig) -> None:
        self.config = config
        self.postgres: EmbeddedPostgres | None = None
        self.redis: EmbeddedRedis | None = None
        self.database_url = config.database_url or ""
        self.redis_url = config.redis_url or ""
        self.gateway_secret = os.environ.get("CONOCELES_GATEWAY_SECRET") or secrets.token_urlsafe(48)
        self.demo_password = config.demo_password or secrets.token_urlsafe(12)
        self.running: list[Running] = []
        self.stopping = False
        self._lock = threading.Lock()
        self._log: IO[bytes] | None = None
        # Without a configured SMTP server, mail goes to a local sink that keeps every message as a file.
        smtp_host = config.extra_env.get("CONOCELES_SMTP_HOST") or os.environ.get("CONOCELES_SMTP_HOST")
        self.mailsink_port = None if smtp_host else config.port_base + MAILSINK_OFFSET
        self.maildir = (config.data_dir / "mail").absolute()

    @property
    def media_dir(self) -> Path:
        return (self.config.data_dir / "media").absolute()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.config.gateway_port}"

    @property
    def operator_port(self) -> int:
        return self.config.port_base + OPERATOR_OFFSET

    @property
    def operator_url(self) -> str:
        """Where operators read the detailed health and the metrics of every process (local only)."""
        return f"http://127.0.0.1:{self.operator_port}"

    @property
    def dev_mailbox_url(self) -> str | None:
        """Where an admin reads the sink's mail; None when real SMTP is configured or outside development."""
        if self.mailsink_port is None or self.config.env not in ("development", "test"):
            return None
        return f"{self.url}/cuenta/correo-dev"

    # -- servers ---------------------------------------------------------------------------------------------
    def start_servers(self) -> None:
        if not self.database_url:
            self.postgres = EmbeddedPostgres(self.config.data_dir / "postgres")
            self.database_url = self.postgres.start()
        if not self.redis_url:
            self.redis = EmbeddedRedis(self.config.data_dir / "redis", self.config.redis_port)
            self.redis_url = self.redis.start()
        self._check_reachable()

    def _check_reachable(self) -> None:
        async def check_db() -> None:
            conn = await asyncpg.connect(self.database_url, timeout=5)
            await conn.close()

        try:
            asyncio.run(check_db())
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            raise StartupError(
                f"No se pudo conectar a PostgreSQL ({exc}). Revisa DATABASE_URL, o quítala para usar el "
                "PostgreSQL embebido."
            ) from exc
        try:
            ping_while_loading(Redis.from_url(self.redis_url, socket_connect_timeout=5).ping)
        except RedisError as exc:
            raise StartupError(
                f"No se pudo conectar a Redis ({exc}). Revisa REDIS_URL, o quítala para usar el Redis embebido."
            ) from exc

    def settings(self) -> CommonSettings:
        return CommonSettings(
            CONOCELES_ENV=self.config.env,
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            CONOCELES_GATEWAY_SECRET=self.gateway_secret,
        )

    def prepare_database(self) -> dict[str, object]:
        """Migrations, catalogs and (outside production) the demo data; safe to run on every start."""

        async def prepare() -> dict[str, object]:
            settings = self.settings()
            instituto = settings.instituto
            pool = await create_pool(settings, min_size=1, max_size=2)
            try:
                async with pool.acquire() as conn:
                    applied = await apply_migrations(conn)
                    catalogs = await load_catalogs(conn, instituto.catalogos)
                    loaded = None
                    if self.config.demo:
                        loaded = await demo.load(
                            conn,
                            self.demo_password,
                            self.config.env,
                            instituto.entidad,
                            self.config.demo_tamano,
                            self.media_dir,
                        )
                    # After the demo data: a question set belongs to a process, and the demo creates one.
                    question_sets = await seed_question_sets(conn)
                return {"migrations": applied, "catalogs": catalogs, "demo": loaded, "question_sets": question_sets}
            finally:
                await pool.close()

        return asyncio.run(prepare())

    # -- processes -------------------------------------------------------------------------------------------
    def process_specs(self) -> list[ProcessSpec]:
        base = {
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
            "CONOCELES_ENV": self.config.env,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "CONOCELES_GATEWAY_SECRET": self.gateway_secret,
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(ROOT),
            # Every process of one run shares the uploads folder (captura writes, publico copies and serves).
            "CONOCELES_MEDIA_DIR": str(self.media_dir),
            **self.config.extra_env,
        }
        base.setdefault("CONOCELES_PUBLIC_URL", self.url)
        py = sys.executable
        specs: list[ProcessSpec] = []
        if self.mailsink_port is not None:
            self._send_mail_to_sink(base, self.mailsink_port)
        upstreams: dict[str, list[str]] = {}
        for service, offset in SERVICE_OFFSETS.items():
            copies = self.config.publico_processes if service == "publico" else 1
            for copy in range(copies):
                port = self.config.port_base + offset + copy
                name = service if copies == 1 else f"{service}-{copy + 1}"
                env = {**base, f"{service.upper()}_PORT": str(port)}
                specs.append(ProcessSpec(name, [py, "-m", f"services.{service}"], env, port))
                upstreams.setdefault(service, []).append(f"http://127.0.0.1:{port}")
        for service in WORKER_SERVICES:
            specs.append(ProcessSpec(f"worker-{service}", [py, "-m", f"services.{service}.worker"], base))
        specs.append(ProcessSpec("relay", [py, "-m", "services.common.relay"], base))
        if self.mailsink_port is not None:
            argv = [py, "-m", "launcher.mailsink", "--port", str(self.mailsink_port), "--maildir", str(self.maildir)]
            specs.append(ProcessSpec("mailsink", argv, base, self.mailsink_port))
        gateway_env = {
            **base,
            "GATEWAY_PORT": str(self.config.gateway_port),
            "GATEWAY_OPERATOR_PORT": str(self.operator_port),
            "GATEWAY_UPSTREAMS": json.dumps(upstreams),
        }
        specs.append(ProcessSpec("gateway", [py, "-m", "gateway"], gateway_env, self.config.gateway_port))
        return specs

    def _send_mail_to_sink(self, env: dict[str, str], port: int) -> None:
        """Point every process's mail at the local sink, and tell auth where the sink keeps it."""
        for key in ("CONOCELES_SMTP_USERNAME", "CONOCELES_SMTP_PASSWORD"):
            env.pop(key, None)  # the sink takes no login
        env.update(
            CONOCELES_SMTP_HOST="127.0.0.1",
            CONOCELES_SMTP_PORT=str(port),
            CONOCELES_SMTP_STARTTLS="false",
            AUTH_DEV_MAILDIR=str(self.maildir),
        )

    def _spawn(self, spec: ProcessSpec) -> subprocess.Popen[bytes]:
        out = self._log if self._log is not None else None
        return subprocess.Popen(
            spec.argv,
            env=spec.env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )

    def start_processes(self, timeout: float = 60) -> None:
        specs = self.process_specs()
        busy = [f"{s.name} ({s.port})" for s in specs if s.port and port_in_use(s.port)]
        if port_in_use(self.operator_port):
            busy.append(f"gateway, puerto de operación ({self.operator_port})")
        if busy:
            raise StartupError(
                "Puertos ocupados: " + ", ".join(busy) + ". ¿Quedó otra instancia de `make run` abierta? "
                "Deténla, o elige otros puertos con CONOCELES_PORT y CONOCELES_PORT_BASE."
            )
        if self.config.log_file:
            self.config.log_file.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.config.log_file.open("ab")
        # The gateway starts last, once every upstream listens, so its first health check finds them up.
        gateway = [s for s in specs if s.name == "gateway"]
        self.running = [Running(spec, self._spawn(spec)) for spec in specs if spec.name != "gateway"]
        self._wait_for_ports(self.running, timeout)
        self.running += [Running(spec, self._spawn(spec)) for spec in gateway]
        self._wait_for_ports(self.running[-1:], timeout)

    def _wait_for_ports(self, runs: list[Running], timeout: float) -> None:
        for run in runs:
            if run.spec.port:
                try:
                    wait_for_port(run.spec.port, timeout, run.spec.name)
                except EmbeddedError as exc:
                    code = run.process.poll()
                    detail = f" (terminó con código {code})" if code is not None else ""
                    raise StartupError(f"{exc}{detail}") from exc

    def supervise_once(self) -> None:
        """Restart a process that died (with a growing pause if it keeps dying)."""
        with self._lock:
            self._restart_dead()

    def _restart_dead(self) -> None:
        if self.config.supervise_servers and not self.stopping:
            self._restart_dead_servers()
        for run in self.running:
            code = run.process.poll()
            if code is None or self.stopping:
                continue
            wait = min(30.0, 0.5 * 2**run.restarts)
            if time.monotonic() - run.started_at < wait:
                continue
            log.warning("%s terminó con código %s; reiniciando", run.spec.name, code)
            run.process = self._spawn(run.spec)
            run.restarts = run.restarts + 1 if time.monotonic() - run.started_at < 60 else 0
            run.started_at = time.monotonic()

    def _restart_dead_servers(self) -> None:
        """The embedded servers first: the processes that died with them need them back to start."""
        for name, server in (("PostgreSQL", self.postgres), ("Redis", self.redis)):
            if server is None:
                continue
            try:
                if server.restart_if_dead():
                    log.warning("%s embebido terminó; reiniciado", name)
            except (EmbeddedError, OSError, subprocess.SubprocessError) as exc:
                # Its port or folder is still held by the dying server: the next round tries again.
                log.warning("%s embebido terminó y no se pudo reiniciar aún: %s", name, exc)

    def supervise_in_background(self, interval: float = 0.5) -> threading.Thread:
        def loop() -> None:
            while not self.stopping:
                self.supervise_once()
                time.sleep(interval)

        thread = threading.Thread(target=loop, name="supervisor", daemon=True)
        thread.start()
        return thread

    def process(self, name: str) -> Running:
        return next(r for r in self.running if r.spec.name == name)

    def stop(self, timeout: float = 10) -> None:
        """Stop everything in dependency order, so nothing is left talking to a server that is gone: the
        gateway (no new requests), the services, then the relay, the workers and the mail sink, and Redis and
        PostgreSQL last."""
        with self._lock:
            self.stopping = True
        for stage in sorted({stop_stage(r.spec.name) for r in self.running}):
            self._stop_group([r for r in self.running if stop_stage(r.spec.name) == stage], timeout)
        if self.redis:
            self.redis.stop()
        if self.postgres:
            self.postgres.stop()
        if self._log:
            self._log.close()
            self._log = None

    def _stop_group(self, runs: list[Running], timeout: float) -> None:
        for run in runs:
            if run.process.poll() is None:
                try:
                    os.killpg(run.process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass  # it ended between poll() and killpg()
        deadline = time.monotonic() + timeout
        for run in runs:
            try:
                run.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s no terminó en %.0f s; se detiene a la fuerza", run.spec.name, timeout)
                os.killpg(run.process.pid, signal.SIGKILL)
                run.process.wait()

    def start(self) -> None:
        if self.config.demo and self.config.env == "production":
            raise StartupError("Los datos de demostración nunca se cargan en producción: quita CONOCELES_DEMO=1.")
        try:
            demo_publicado.tamano(self.config.demo_tamano)
        except demo_publicado.TamanoDesconocidoError as exc:
            raise StartupError(str(exc)) from exc
        try:
            self.start_servers()
            self.prepare_database()
            self.start_processes()
        except Exception:
            self.stop()
            raise
