"""Ctrl-C on `make run`: everything stops in dependency order, quietly.

The launcher runs as `make run` runs it, in a session of its own with its own ports and data folder, and gets
SIGINT the way a terminal sends it: to its whole process group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from launcher.embedded import port_in_use
from launcher.system import ROOT

# Beside the test session's own system (CONOCELES_TEST_PORT … +50), never on its ports.
OFFSET = 300
READY = b"Ctrl-C detiene todo"


def _wait_for(output: Path, marker: bytes, process: subprocess.Popen[bytes], within: float) -> None:
    deadline = time.monotonic() + within
    while marker not in output.read_bytes():
        assert process.poll() is None, output.read_text(errors="replace")[-5000:]
        assert time.monotonic() < deadline, output.read_text(errors="replace")[-5000:]
        time.sleep(0.2)


def test_ctrl_c_stops_everything_without_a_traceback(tmp_path: Path) -> None:
    port = int(os.environ.get("CONOCELES_TEST_PORT", "18080")) + OFFSET
    env = {
        **os.environ,
        "CONOCELES_PORT": str(port),
        "CONOCELES_PORT_BASE": str(port + 20),
        "CONOCELES_REDIS_PORT": str(port + 50),
        "CONOCELES_DATA_DIR": str(tmp_path / "data"),
        "CONOCELES_DEMO_PASSWORD": "contrasena-de-la-prueba-de-parada",
    }
    for key in ("DATABASE_URL", "REDIS_URL", "CONOCELES_SMTP_HOST"):
        env.pop(key, None)  # the embedded servers and the mail sink are what must stop last
    output = tmp_path / "make-run.txt"
    with output.open("wb") as out:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "launcher", "run"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(output, READY, launcher, within=90)
        # Let every worker reach its polling loop, where a Redis that vanished first made each one fail.
        _wait_for(output, b"worker-reportes", launcher, within=30)
        os.killpg(launcher.pid, signal.SIGINT)
        code = launcher.wait(timeout=60)
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()
    text = output.read_text(errors="replace")
    assert code == 0, text[-5000:]
    assert "Deteniendo todos los procesos" in text
    assert "Traceback" not in text, text[-5000:]
    assert "Error" not in text.split("Deteniendo todos los procesos", 1)[1], text[-5000:]
    for listening in (port, port + 21, port + 25, port + 50):
        assert not port_in_use(listening), f"el puerto {listening} sigue abierto"
    assert not (tmp_path / "data" / "postgres" / "postmaster.pid").exists()
