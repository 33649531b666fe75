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

from .load import ToolMissingError

CONFIG = Path(__file__).with_name("apache-static.conf")
INSTALL_HINT = "apache2 is not installed: `apt-get install -y apache2` (Debian's package) and run `make bench` again."


def apache_path() -> str:
    path = shutil.which("apache2") or shutil.which("apache2", path="/usr/sbin:/usr/bin:/sbin:/bin")
    if path is None:
        raise ToolMissingError(INSTALL_HINT)
    return path


class StaticApache:
    """``with StaticApache(28090, {"perfil.html": body}) as apache:`` serves ``http://127.0.0.1:28090/perfil.html``."""

    def __init__(self, port: int, pages: dict[str, bytes]) -> None:
        self.port = port
        self.pages = pages
        self.run_dir = Path(tempfile.mkdtemp(prefix="conoceles-bench-apache-"))
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def _error_log(self) -> str:
        log = self.run_dir / "error.log"
        return log.read_text(errors="replace")[-3000:] if log.exists() else ""

    def __enter__(self) -> StaticApache:
        docroot = self.run_dir / "docroot"
        docroot.mkdir()
        for name, body in self.pages.items():
            (docroot / name).write_bytes(body)
            (docroot / name).chmod(0o644)
        # Apache's children drop root for an unprivileged user: they must be able to read and write here.
        self.run_dir.chmod(0o777)
        docroot.chmod(0o755)
        defines = {"BENCH_RUN_DIR": str(self.run_dir), "BENCH_DOCROOT": str(docroot), "BENCH_HTTP_PORT": str(self.port)}
        argv = [apache_path(), "-d", str(self.run_dir), "-f", str(CONFIG), "-DFOREGROUND"]
        for name, value in defines.items():
            argv += ["-C", f"Define {name} {value}"]
        self.process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 15
        while True:
            if self.process.poll() is not None:
                self.__exit__(None, None, None)
                raise RuntimeError(f"apache2 exited with {self.process.returncode}: {self._error_log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    self.__exit__(None, None, None)
                    raise RuntimeError(f"apache2 did not listen on {self.port}: {self._error_log()}") from None
                time.sleep(0.1)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.run_dir, ignore_errors=True)
