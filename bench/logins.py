"""Logins scenario (docs/design.md §9: 50 logins at once, p99 under 2 s, ``auth`` under 250 MB).

Fifty real accounts log in through the gateway at the same moment, as a browser does: each loads the login page
(an anonymous session and its CSRF token), then all post the form together. The latency of each POST (its 303
and session cookie) and the ``auth`` process's peak memory (the kernel's ``VmHWM``, which covers every argon2
hash it ever held at once) are compared with the budgets.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from launcher.system import System
from services.auth.passwords import hash_password
from services.auth.settings import AuthSettings
from services.common.db import create_pool

from .memory import status_kib
from .openloop import percentile
from .report import INFO, Row, verdict

BUDGET_P99_S = 2.0
BUDGET_AUTH_MB = 250.0
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
USERS_SQL = """
INSERT INTO auth.users (username, password_hash, role, nombre)
SELECT 'bench-entrada-' || n, $2, 'validador', 'Banco de entrada ' || n FROM generate_series(1, $1) AS n
RETURNING username
"""


@dataclass(frozen=True)
class LoginRun:
    logins: int
    latencies_s: list[float]
    errors: dict[str, int]
    auth_peak_mb: float | None
    auth_before_mb: float | None
    auth_cpu_s: float | None  # CPU auth used for the logins: unlike the latency, it hardly moves on a busy machine


def _auth_pid(system: System) -> int | None:
    return next((run.process.pid for run in system.running if run.spec.name == "auth"), None)


def _cpu_s(pid: int | None) -> float | None:
    """utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _mb(pid: int | None, field: str) -> float | None:
    kib = status_kib(pid, field) if pid is not None else None
    return kib * 1024 / 1e6 if kib is not None else None


async def _login(http: aiohttp.ClientSession, base: str, username: str, password: str, go: asyncio.Barrier) -> float:
    async with http.get(f"{base}/cuenta/entrar") as page:
        match = CSRF.search(await page.text())
    if page.status != 200 or match is None:
        await go.abort()
        raise RuntimeError(f"login page answered {page.status}")
    # Every client has its form (and CSRF token) before anyone posts: the posts leave together.
    await go.wait()
    started = time.perf_counter()
    form = {"csrf_token": match[1], "usuario": username, "contrasena": password}
    async with http.post(f"{base}/cuenta/entrar", data=form, allow_redirects=False) as response:
        await response.read()
        if response.status != 303 or "conoceles_sesion" not in response.cookies:
            raise RuntimeError(f"HTTP {response.status}")
    return time.perf_counter() - started


async def run(system: System, logins: int = 50) -> LoginRun:
    """Create ``logins`` accounts, log them all in at once through the gateway, measure."""
    password = "bench-" + secrets.token_urlsafe(12)
    pool = await create_pool(system.settings(), min_size=1, max_size=2)
    try:
        # Hashed with the service's parameters (AUTH_ARGON2_*, inherited by the system), as auth makes accounts.
        stored = hash_password(password, AuthSettings().argon2)
        usernames = [r["username"] for r in await pool.fetch(USERS_SQL, logins, stored)]
    finally:
        await pool.close()
    pid = _auth_pid(system)
    before, cpu_before = _mb(pid, "VmHWM"), _cpu_s(pid)
    go = asyncio.Barrier(len(usernames))
    # One cookie jar each, like fifty browsers.
    sessions = [aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) for _ in usernames]
    try:
        outcomes = await asyncio.gather(
            *(_login(http, system.url, name, password, go) for http, name in zip(sessions, usernames, strict=True)),
            return_exceptions=True,
        )
    finally:
        for http in sessions:
            await http.close()
    latencies = [o for o in outcomes if isinstance(o, float)]
    errors: dict[str, int] = {}
    for o in outcomes:
        if isinstance(o, BaseException):
            kind = str(o) or type(o).__name__
            errors[kind] = errors.get(kind, 0) + 1
    cpu_after = _cpu_s(pid)
    cpu = cpu_after - cpu_before if cpu_after is not None and cpu_before is not None else None
    return LoginRun(logins, latencies, errors, _mb(pid, "VmHWM"), before, cpu)


def rows(result: LoginRun) -> list[Row]:
    settings = AuthSettings()
    p99 = percentile(result.latencies_s, 99)
    p50 = percentile(result.latencies_s, 50)
    failed = sum(result.errors.values())
    params = settings.argon2
    cpu = f"; auth used {result.auth_cpu_s * 1000 / result.logins:.0f} ms of CPU per login" if result.auth_cpu_s else ""
    return [
        Row(
            f"logins: {result.logins} at once through the gateway, p99",
            f"{p99:.2f} s (p50 {p50:.2f} s; {failed} failed{' ' + str(result.errors) if failed else ''})",
            f"< {BUDGET_P99_S:.0f} s",
            verdict(p99 < BUDGET_P99_S and not failed),
        ),
        Row(
            "  auth's peak RSS (VmHWM) after the logins",
            f"{result.auth_peak_mb:.0f} MB (before: {result.auth_before_mb:.0f} MB)"
            if result.auth_peak_mb is not None and result.auth_before_mb is not None
            else "not read",
            f"< {BUDGET_AUTH_MB:.0f} MB",
            verdict(result.auth_peak_mb is not None and result.auth_peak_mb < BUDGET_AUTH_MB),
        ),
        Row(
            "  argon2id per hash, hashes at once (no budget)",
            f"m={params.memory_kib} KiB, t={params.time_cost}, p={params.parallelism}; "
            f"AUTH_HASH_CONCURRENCY={settings.hash_concurrency}{cpu}",
            "",
            INFO,
        ),
    ]
