"""Debian's Apache on a private port, serving saved pages as static files: the reference of the bench."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from .load import ToolMissingError

CONFIG = Path(__file__).with_name("apache-static.conf")
INSTALL_HINT = "apache2 is not installed: `apt-get install -y apache2` (Debian's package) and run `make bench` again."


def apache_path() -> str:
    path = shutil.which("apache2") or shutil.which("apache2", path="/usr/sbin:/usr/bin:/sbin:/bin")
    if path is None:
        raise ToolMissingError(INSTALL_HINT)
    return path


class ApacheProcess:
    """Debian's apache2 in the foreground on 127.0.0.1:``port``, its files in ``run_dir`` (removed at the end).

    A subclass prepares ``run_dir`` and says which configuration to run (``server_root``, ``config``,
    ``defines()``); this class starts it, waits until it listens and stops it."""

    label = "apache2"
    config: Path
    server_root: Path | None = None  # None: run_dir

    def __init__(self, port: int, prefix: str) -> None:
        self.port = port
        self.run_dir = Path(tempfile.mkdtemp(prefix=prefix))
        self.process: subprocess.Popen[bytes] | None = None

    def prepare(self) -> None:
        """Write what the configuration reads into ``run_dir`` (before apache2 starts)."""

    def defines(self) -> dict[str, str]:
        raise NotImplementedError

    def _error_log(self) -> str:
        log = self.run_dir / "error.log"
        return log.read_text(errors="replace")[-3000:] if log.exists() else ""

    def start(self) -> None:
        self.prepare()
        root = self.server_root or self.run_dir
        argv = [apache_path(), "-d", str(root), "-f", str(self.config), "-DFOREGROUND"]
        for name, value in self.defines().items():
            argv += ["-C", f"Define {name} {value}"]
        self.process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 15
        while True:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"{self.label} exited with {self.process.returncode}: {self._error_log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{self.label} did not listen on {self.port}: {self._error_log()}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class StaticApache(ApacheProcess):
    """``with StaticApache(28090, {"perfil.html": body}) as apache:`` serves ``http://127.0.0.1:28090/perfil.html``."""

    config = CONFIG

    def __init__(self, port: int, pages: dict[str, bytes]) -> None:
        super().__init__(port, "conoceles-bench-apache-")
        self.pages = pages

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def prepare(self) -> None:
        docroot = self.run_dir / "docroot"
        docroot.mkdir()
        for name, body in self.pages.items():
            (docroot / name).write_bytes(body)
            (docroot / name).chmod(0o644)
        # Apache's children drop root for an unprivileged user: they must be able to read and write here.
        self.run_dir.chmod(0o777)
        docroot.chmod(0o755)

    def defines(self) -> dict[str, str]:
        docroot = self.run_dir / "docroot"
        return {"BENCH_RUN_DIR": str(self.run_dir), "BENCH_DOCROOT": str(docroot), "BENCH_HTTP_PORT": str(self.port)}
