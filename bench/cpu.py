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
    """(busy, total) clock ticks of the whole machine since boot, interrupts left out of busy.

    Interrupt and softirq time belongs to no process: here it is mostly the loopback traffic of the load itself.
    """
    user, nice, system, idle, iowait, irq, softirq, steal = (
        int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]
    )
    busy = user + nice + system
    return busy, busy + idle + iowait + irq + softirq + steal


def _own_ticks(needle: bytes) -> dict[int, int]:
    """utime + stime by pid of every live process that carries the marker or descends from one that does.

    Descent matters: PostgreSQL's backends and redis-server overwrite their environment with their title, and
    /proc shows the bench's own environment as it was when it started (without the marker).
    """
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    marked: set[int] = {os.getpid()}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if needle in (entry / "environ").read_bytes():
                marked.add(pid)
        except OSError:
            continue
        parents[pid] = int(fields[1])
        ticks[pid] = int(fields[11]) + int(fields[12])  # ppid; utime, stime (fields 4, 14, 15 of proc(5))

    def ours(pid: int) -> bool:
        seen = 0
        while pid > 1 and seen < 64:
            if pid in marked:
                return True
            pid, seen = parents.get(pid, 0), seen + 1
        return False

    return {pid: t for pid, t in ticks.items() if ours(pid)}


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

    def stop(self) -> Usage:
        """CPU used since ``start``: by each of the bench's processes, by finished children, and by the rest."""
        busy, total = machine_ticks()
        # A process that ended inside the window is lost from this sum (wrk is counted as a finished child).
        by_pid = {pid: t - self.own.get(pid, 0) for pid, t in _own_ticks(self._needle).items()}
        children = _children_ticks() - self.children
        other = max(0, (busy - self.busy) - sum(by_pid.values()) - children)
        return Usage(total=max(total - self.total, 1), other=other, children=children, by_pid=by_pid)


@dataclass(frozen=True)
class Usage:
    """Clock ticks over a window; ``total`` is the machine's capacity (every CPU) in that window."""

    total: int
    other: int
    children: int
    by_pid: dict[int, int]

    @property
    def other_share(self) -> float:
        return self.other / self.total

    def cores(self, ticks: int) -> float:
        """``ticks`` as a number of CPUs kept busy over the window (1.0 = one core all the time)."""
        return ticks / self.total * (os.cpu_count() or 1)
