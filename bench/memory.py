"""Peak resident memory of every process of the system, from /proc (Linux)."""

from __future__ import annotations

import threading
from pathlib import Path

from launcher.system import System


def status_kib(pid: int, field: str) -> int | None:
    """``VmRSS`` / ``VmHWM`` of a process in KiB, or None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


class MemorySampler:
    """Samples VmRSS of each process every ``interval`` seconds; ``peaks()`` adds the kernel's VmHWM (its peak)."""

    def __init__(self, system: System, interval: float = 0.25) -> None:
        self.system = system
        self.interval = interval
        self.peak_kib: dict[str, int] = {}
        self.pids: dict[str, set[int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bench-memory", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def sample(self, field: str = "VmRSS") -> None:
        for run in list(self.system.running):
            name, pid = run.spec.name, run.process.pid
            self.pids.setdefault(name, set()).add(pid)
            value = status_kib(pid, field)
            if value is not None:
                self.peak_kib[name] = max(self.peak_kib.get(name, 0), value)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sample("VmHWM")

    def peaks_mb(self) -> dict[str, float]:
        """Peak RSS per process in MB (10^6 bytes)."""
        return {name: kib * 1024 / 1e6 for name, kib in self.peak_kib.items()}

    def restarted(self) -> list[str]:
        """Processes that the supervisor had to start again during the bench (a crash under load)."""
        return sorted(name for name, pids in self.pids.items() if len(pids) > 1)
