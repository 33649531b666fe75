"""`make test` and `make bench` ensure their system packages first; `.ci/run` is only `make test`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "system-packages.sh"


def _bin(folder: Path, *commands: str) -> dict[str, str]:
    """An environment whose PATH holds bash and stand-ins for ``commands`` only; installing is forbidden."""
    folder.mkdir()
    bash = shutil.which("bash")
    assert bash
    (folder / "bash").symlink_to(bash)
    for command in commands:
        (folder / command).write_text("#!/bin/sh\n")
        (folder / command).chmod(0o755)
    return {"PATH": str(folder), "CONOCELES_APT": "0", "HOME": os.environ.get("HOME", "/")}


def _run(target: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(env["PATH"]) / "bash"), str(SCRIPT), target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_missing_packages_stop_with_the_one_command_to_run(tmp_path: Path) -> None:
    # Not /usr/sbin's apache2ctl either: the script adds /usr/sbin to PATH, so only names absent there count.
    result = _run("test", _bin(tmp_path / "bin", "docker-compose", "openssl"))
    assert result.returncode == 1
    assert "chromium" in result.stderr
    line = next(line.strip() for line in result.stderr.splitlines() if "apt-get install" in line)
    assert line.startswith(("apt-get update -qq && apt-get install -y --no-install-recommends ", "sudo sh -c"))
    assert "docker-compose" not in line.split("install", 1)[1] and "openssl" not in line


def test_nothing_missing_is_silent(tmp_path: Path) -> None:
    result = _run("bench", _bin(tmp_path / "bin", "wrk", "apache2"))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_an_unknown_target_is_refused(tmp_path: Path) -> None:
    assert _run("deploy", _bin(tmp_path / "bin")).returncode == 2


def test_make_test_and_bench_ensure_packages_and_test_unit_needs_none() -> None:
    def dry_run(target: str) -> list[str]:
        out = subprocess.run(
            ["make", "--no-print-directory", "-n", target],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        return [line for line in out.stdout.splitlines() if line.strip()]

    assert dry_run("test")[0] == "scripts/system-packages.sh test"
    assert dry_run("bench")[0] == "scripts/system-packages.sh bench"
    unit = dry_run("test-unit")
    assert "-m pytest tests/unit" in unit[-1]
    assert not any("system-packages" in line for line in unit)


def test_ci_runs_nothing_but_make_test() -> None:
    lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines == ["set -euo pipefail", 'cd "$(dirname "$0")/.."', "exec make test"]
