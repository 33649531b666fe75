"""How much of the machine's CPU went to processes that are not the bench's during a load run (Linux /proc).

The machine is shared (a test suite, another bench): every process the bench starts inherits a marker in its
environment (the system's services and workers, PostgreSQL, Redis, Apache, wrk), so the rest is "other".
"""

from __future__ import annotations

import os
import resource
import secrets
from dataclasses import dataclass, field
from pathlib import Path

MARKER = "CONOCELES_BENCH_RUN"


def mark_environment() -> str:
    """Put the marker in this process's environment, so that every process started from now on carries it."""
    token = secrets.token_hex(8)
    os.environ[MARKER] = token
    return token


def machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def _own_ticks(needle: bytes) -> dict[int, int]:
    """utime + stime of every live process whose environment carries the marker, by pid."""
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes():
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks[int(entry.name)] = int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of proc(5))
    return ticks


def _children_ticks() -> int:
    """CPU of this process's finished children (wrk runs end before the window closes)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return round((usage.ru_utime + usage.ru_stime) * os.sysconf("SC_CLK_TCK"))


@dataclass
class CpuWindow:
    token: str
    busy: int = 0
    total: int = 0
    own: dict[int, int] = field(default_factory=dict)
    children: int = 0

    def start(self) -> CpuWindow:
        self.busy, self.total = machine_ticks()
        self.own = _own_ticks(self._needle)
        self.children = _children_ticks()
        return self

    @property
    def _needle(self) -> bytes:
        return f"{MARKER}={self.token}".encode()

    def other_share(self) -> float:
        """Share of the machine's CPU capacity used by processes that are not the bench's since ``start``."""
        busy, total = machine_ticks()
        # A process that ended inside the window is lost from this sum (wrk is counted as a finished child).
        own = sum(t - self.own.get(pid, 0) for pid, t in _own_ticks(self._needle).items())
        own += _children_ticks() - self.children
        return max(0.0, (busy - self.busy) - own) / max(total - self.total, 1)
