"""The streamed open-data release (services/publico/datos_jobs.py) against a system of its own: a release of a
few hundred candidacies holds, in its CSV, JSON and XLSX parsed back, what each published row says, with
checksums that match; a build killed mid-way leaves the previous release listed and served, and the job's
next run builds the release.

Its own system: the test kills worker-publico, and seeds rows (bench/masivo.py) no other test expects.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import os
import signal
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import asyncpg
import orjson
import pytest
from openpyxl import load_workbook

from bench.masivo import seed_published
from launcher.system import System
from services.common import celdas, contracts
from services.common.instituto import Instituto
from services.publico import datos
from services.publico.datos_jobs import ENTIDAD_SQL, ROWS_SQL, STAGING_PREFIX

from ..helpers import eventually
from .sistema import pool_of, running_system

# Beside the other resilience modules' systems (+400 … +570) and the launcher's stop test (+300 … +350).
# Each test seeds and builds releases of hundreds to thousands of rows, on a shared 2-core machine.
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def own_system() -> Iterator[System]:
    with running_system("datos") as system:
        yield system


@pytest.fixture(scope="module")
async def own_db(own_system: System) -> AsyncIterator[asyncpg.Pool]:
    async with pool_of(own_system) as pool:
        yield pool


async def _releases(system: System) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.get(f"{system.url}/api/v1/datos") as response:
        body = await response.json()
    return list(body["publicaciones"])


async def _latest(system: System) -> dict[str, Any] | None:
    return max(await _releases(system), key=lambda r: r["numero"], default=None)


async def _ask_release(db: asyncpg.Pool) -> int:
    async with db.acquire() as conn, conn.transaction():
        return int(await contracts.send(conn, contracts.BuildRelease(inmediata=True)))


async def _release_after(system: System, numero: int) -> dict[str, Any]:
    async def built() -> dict[str, Any] | None:
        latest = await _latest(system)
        return latest if latest is not None and latest["numero"] > numero else None

    return await eventually(built, within=300, what=f"a release after {numero}")


async def _download(system: System, release: dict[str, Any]) -> dict[str, bytes]:
    files = {}
    async with aiohttp.ClientSession() as http:
        for archivo in release["archivos"]:
            async with http.get(system.url + archivo["url"]) as response:
                assert response.status == 200, archivo
                data = await response.read()
            assert hashlib.sha256(data).hexdigest() == archivo["sha256"] and len(data) == archivo["bytes"], archivo
            files[archivo["nombre"]] = data
    assert set(files) == set(datos.ARCHIVOS)
    return files


def _cell(value: Any) -> str:
    """A value as the CSV shows it: neutralised, None as empty."""
    shown = celdas.celda(value)
    return "" if shown is None else str(shown)


async def test_a_streamed_release_holds_every_row_alike_in_csv_json_and_xlsx(
    own_system: System, own_db: asyncpg.Pool
) -> None:
    seeded = await seed_published(own_db, 300, seed=7)
    before = await _latest(own_system)
    await _ask_release(own_db)
    release = await _release_after(own_system, before["numero"] if before else 0)
    files = await _download(own_system, release)

    rows = await own_db.fetch(ROWS_SQL)
    cve = await own_db.fetchval(ENTIDAD_SQL)
    expected = {
        r["id"]: datos.fila(r, Instituto().entidad, cve) for r in rows if seeded.first_id <= r["id"] <= seeded.last_id
    }
    assert len(expected) == 300

    document = orjson.loads(files["candidaturas.json"])
    assert document["publicacion"] == release["numero"] and document["total"] == len(document["candidaturas"])
    assert document["total"] == release["total"]
    json_rows = {c["ID_CANDIDATURA"]: c for c in document["candidaturas"] if c["ID_CANDIDATURA"] in expected}
    assert json_rows == expected

    table = list(csv.reader(io.StringIO(files["candidaturas.csv"].decode("utf-8-sig"), newline="")))
    assert tuple(table[0]) == datos.NOMBRES and len(table) == document["total"] + 1
    index = datos.NOMBRES.index("ID_CANDIDATURA")
    csv_rows = {int(r[index]): r for r in table[1:] if int(r[index]) in expected}
    assert csv_rows == {i: [_cell(f[n]) for n in datos.NOMBRES] for i, f in expected.items()}

    sheet = load_workbook(io.BytesIO(files["candidaturas.xlsx"]), read_only=True).active
    xlsx = list(sheet.iter_rows(values_only=True))
    assert tuple(xlsx[0]) == datos.NOMBRES and len(xlsx) == len(table)
    xlsx_rows = {r[index]: list(r) for r in xlsx[1:] if r[index] in expected}
    assert xlsx_rows == {i: [celdas.celda(f[n]) for n in datos.NOMBRES] for i, f in expected.items()}
    # The order is the list's (cargo, place, position, surname): the same in every file.
    assert [int(r[index]) for r in table[1:]] == [c["ID_CANDIDATURA"] for c in document["candidaturas"]]
    assert [r[index] for r in xlsx[1:]] == [c["ID_CANDIDATURA"] for c in document["candidaturas"]]


async def test_a_build_killed_midway_leaves_the_old_release_served_and_the_next_run_builds(
    own_system: System, own_db: asyncpg.Pool
) -> None:
    old = await _latest(own_system)
    if old is None:  # run alone: the first test built none yet
        await seed_published(own_db, 50, seed=9)
        await _ask_release(own_db)
        old = await _release_after(own_system, 0)
    old_files = await _download(own_system, old)
    # Enough rows that the build lasts well beyond the moment its staging folder appears.
    await seed_published(own_db, 5_000, seed=8)
    staging_root = own_system.media_dir / "publico" / "datos"
    asked = await _ask_release(own_db)

    async def building() -> bool:
        return any(staging_root.glob(f"{STAGING_PREFIX}*/candidaturas.csv"))

    await eventually(building, within=120, what="the release build to start writing")
    with own_system._lock:  # the supervisor's growing pause is for a process that keeps crashing
        run = own_system.process("worker-publico")
        run.restarts = 0
        run.started_at = 0
    killed = run.process
    os.killpg(killed.pid, signal.SIGKILL)
    await asyncio.to_thread(killed.wait)

    # Killed mid-way: the old release is still the newest listed, and its files are served as they were.
    latest = await _latest(own_system)
    assert latest is not None and latest["numero"] == old["numero"]
    assert await _download(own_system, old) == old_files
    assert not await own_db.fetchval("SELECT done_at IS NOT NULL FROM outbox.jobs WHERE id = $1", asked)

    # The supervisor restarts the worker, the job runs again and builds the release whole.
    new = await _release_after(own_system, old["numero"])
    assert new["total"] == old["total"] + 5_000
    document = orjson.loads((await _download(own_system, new))["candidaturas.json"])
    assert len(document["candidaturas"]) == new["total"]
    assert not any(staging_root.glob(f"{STAGING_PREFIX}*"))
    assert await _download(own_system, old) == old_files
