"""Capture scenario of ``make bench`` (docs/design.md §9): 200 logged-in candidacies saving rubros through the
gateway for 30 s, then a check in PostgreSQL that every acknowledged save is stored exactly as sent.

Run alone with ``python -m bench.capture``; ``make bench`` runs it after the public-site scenarios. It starts
a private system on ports 29080/29101+ (Redis 29150), never the ones of ``make run`` or the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from redis.asyncio import Redis

from launcher.system import System, SystemConfig
from services.auth.passwords import hash_password
from services.common import sessions
from services.common.db import create_pool

from . import PORT_SHIFT, record
from .report import INFO, Row, verdict

GATEWAY_PORT = 29080 + PORT_SHIFT
BUDGET_SAVES_PER_S = 300.0
BUDGET_P99_MS = 250.0
SMOKE = {"clients": 5, "seconds": 1.0}  # --smoke: a few clients for a second (tests/test_bench_smoke.py)
RUBROS = ("profesional", "trayectoria", "propuestas")
FIELD = {"profesional": "historia_profesional", "trayectoria": "trayectoria_politica", "propuestas": "propuesta_1"}

CANDIDATURA_SQL = """
INSERT INTO registro.candidaturas (proceso_id, cargo, municipio, postulante_id, numero, tipo, nombre,
    primer_apellido, sexo, fecha_nacimiento, curp)
SELECT (SELECT id FROM registro.procesos WHERE activo ORDER BY id LIMIT 1), 'REG_MR', 16053,
       (SELECT id FROM registro.postulantes WHERE siglas = 'MC'), 9000 + n, 'propietaria', 'Banco' || n, 'Prueba',
       'mujer', DATE '1985-01-01', 'BENCH' || lpad(n::text, 13, '0')
FROM generate_series(1, $1) AS n
RETURNING id
"""
USER_SQL = """
INSERT INTO auth.users (username, password_hash, role, candidatura_id, nombre)
SELECT 'bench-' || c, $2, 'candidatura', c, 'Banco' FROM unnest($1::int[]) AS c
RETURNING id, candidatura_id
"""
STORED_SQL = """
SELECT candidatura_id, rubro, datos, version FROM captura.respuestas
WHERE candidatura_id = ANY($1::int[]) AND cuestionario = 'curricular'
"""


def say(message: str) -> None:
    print(f"[bench captura {time.strftime('%H:%M:%S')}] {message}", flush=True)


@dataclass
class Candidate:
    candidatura_id: int
    cookie: str
    csrf: str
    versions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RUBROS, 0))
    acknowledged: dict[str, str] = field(default_factory=dict)


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


async def _setup(system: System, clients: int) -> list[Candidate]:
    pool = await create_pool(system.settings(), min_size=1, max_size=2)
    redis = Redis.from_url(system.redis_url)
    try:
        ids = [r["id"] for r in await pool.fetch(CANDIDATURA_SQL, clients)]
        users = await pool.fetch(USER_SQL, ids, hash_password("bench-no-se-usa-para-entrar"))
        candidates = []
        # Sessions are made as login makes them: logging in 200 people through argon2 is not what is measured.
        for user in users:
            session = await sessions.create(
                redis,
                user_id=user["id"],
                username=f"bench-{user['candidatura_id']}",
                role="candidatura",
                candidatura_ids=(user["candidatura_id"],),
            )
            candidates.append(Candidate(user["candidatura_id"], session.id, session.csrf_token))
        return candidates
    finally:
        await redis.aclose()
        await pool.close()


async def _client(http: aiohttp.ClientSession, base: str, me: Candidate, until: float, results: Results) -> None:
    seq = 0
    while time.monotonic() < until:
        rubro = RUBROS[seq % len(RUBROS)]
        text = f"Texto {me.candidatura_id}-{seq}: propuesta medible para la colonia."
        form = {"csrf_token": me.csrf, "version": str(me.versions[rubro]), FIELD[rubro]: text}
        if rubro == "trayectoria":
            form["motivo_cargo_publico"] = "Servir."
        started = time.perf_counter()
        try:
            async with http.post(
                f"{base}/captura/candidaturas/{me.candidatura_id}/curricular/{rubro}",
                data=form,
                cookies={sessions.COOKIE_NAME: me.cookie},
                allow_redirects=False,
            ) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            results.error(type(exc).__name__)
            continue
        results.latencies_ms.append((time.perf_counter() - started) * 1000)
        if status == 303:
            me.versions[rubro] += 1
            me.acknowledged[rubro] = text
        else:
            results.error(f"HTTP {status}")
        seq += 1


async def _verify(system: System, candidates: list[Candidate]) -> tuple[int, int]:
    """(acknowledged saves checked, saves lost or wrong)."""
    pool = await create_pool(system.settings(), min_size=1, max_size=2)
    try:
        rows = await pool.fetch(STORED_SQL, [c.candidatura_id for c in candidates])
    finally:
        await pool.close()
    stored = {(r["candidatura_id"], r["rubro"]): r for r in rows}
    checked = wrong = 0
    for c in candidates:
        for rubro, text in c.acknowledged.items():
            checked += 1
            row = stored.get((c.candidatura_id, rubro))
            if row is None or row["datos"].get(FIELD[rubro]) != text or row["version"] != c.versions[rubro]:
                wrong += 1
    return checked, wrong


async def _run(system: System, clients: int, seconds: float) -> list[Row]:
    say(f"preparando {clients} candidaturas con sesión")
    candidates = await _setup(system, clients)
    results = Results()
    connector = aiohttp.TCPConnector(limit=clients, force_close=False)
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as http:
        say(f"{clients} clientes guardando rubros durante {seconds:.0f} s")
        started = time.monotonic()
        until = started + seconds
        await asyncio.gather(*(_client(http, system.url, c, until, results) for c in candidates))
        elapsed = time.monotonic() - started
    checked, wrong = await _verify(system, candidates)
    saves = sum(sum(c.versions.values()) for c in candidates)
    rate = saves / elapsed
    latencies = sorted(results.latencies_ms)
    p50 = statistics.median(latencies) if latencies else float("nan")
    p99 = latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("nan")
    errors = sum(results.errors.values())
    rows = [
        ("guardados por segundo", f"{rate:.0f} /s", f">= {BUDGET_SAVES_PER_S:.0f}", rate >= BUDGET_SAVES_PER_S),
        ("latencia p50", f"{p50:.0f} ms", "", None),
        ("latencia p99", f"{p99:.0f} ms", f"< {BUDGET_P99_MS:.0f} ms", p99 < BUDGET_P99_MS),
        ("errores", f"{errors} {results.errors or ''}".strip(), "0", errors == 0),
        ("guardados confirmados revisados", str(checked), "", None),
        ("perdidos o distintos", str(wrong), "0", wrong == 0),
    ]
    print(f"\nCaptura: {clients} candidaturas con sesión guardando rubros {seconds:.0f} s (a través del gateway)")
    return [Row(name, value, budget, INFO if ok is None else verdict(ok)) for name, value, budget, ok in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.capture")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    record.add_options(parser)
    args = parser.parse_args(argv)
    record.apply_smoke(args, SMOKE)
    data_dir = Path(tempfile.mkdtemp(prefix="conoceles-bench-captura-"))
    config = SystemConfig(
        data_dir=data_dir,
        gateway_port=GATEWAY_PORT,
        port_base=GATEWAY_PORT + 20,
        redis_port=GATEWAY_PORT + 70,
        env="test",
        demo_password="bench-demo-password",
        log_file=data_dir / "system.log",
        extra_env={"CONOCELES_DB_POOL_MAX": "20"},
        demo_tamano="minimo" if args.smoke else "completo",
    )
    system = System(config)
    say("iniciando el sistema")
    try:
        system.start()
        rows = asyncio.run(_run(system, args.clients, args.seconds))
        print(record.report("bench.capture", rows, args, SMOKE))
        return 0
    finally:
        system.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
