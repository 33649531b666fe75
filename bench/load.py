"""The load generator: Debian's ``wrk``, bounded in time, against 127.0.0.1 only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

SCRIPT = Path(__file__).with_name("wrk.lua")
INSTALL_HINT = "wrk is not installed: `apt-get install -y wrk` (Debian's package) and run `make bench` again."
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class ToolMissingError(RuntimeError):
    pass


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise ToolMissingError(INSTALL_HINT)
    return path


@dataclass(frozen=True)
class LoadResult:
    name: str
    connections: int
    requests: int
    seconds: float
    bytes: int
    socket_errors: int
    bad_status: int
    timeouts: int
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    other_cpu: float = 0.0  # share of the machine's CPU used by processes that are not the bench's
    consumers: str = ""  # the biggest CPU users during the run, in cores

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.socket_errors + self.bad_status + self.timeouts


def run_wrk(
    name: str,
    url: str,
    *,
    connections: int,
    duration: float,
    threads: int = 2,
    env: dict[str, str] | None = None,
) -> LoadResult:
    """One bounded wrk run; ``env`` passes BENCH_MODE and friends to bench/wrk.lua."""
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise ValueError(f"the bench only loads this machine (127.0.0.1), not {host!r}")
    seconds = max(1, round(duration))
    argv = [
        wrk_path(),
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(SCRIPT),
        url,
    ]
    result = subprocess.run(
        argv,
        env={**os.environ, "BENCH_MODE": "fixed", **(env or {})},
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    return LoadResult(
        name=name,
        connections=connections,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        bytes=data["bytes"],
        socket_errors=data["connect"] + data["read"] + data["write"],
        bad_status=data["status"],
        timeouts=data["timeout"],
        p50_ms=data["p50"] / 1000,
        p90_ms=data["p90"] / 1000,
        p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000,
        max_ms=data["max"] / 1000,
    )
