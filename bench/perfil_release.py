"""``python -m bench.perfil_release``: the CPU of one open-data release, measured in this process.

A private embedded PostgreSQL (no services, as bench/planes.py): migrations, catalogs, bench/masivo.py's rows,
then ``datos_jobs._build`` itself (what worker-publico runs) under ``time.process_time``, and the parts of its
per-row work apart, on the rows read once into memory: ``datos.fila``, ``datos.huella`` and each file's writer.
``--profile FILE`` saves a cProfile of one build. Prints CPU seconds; other processes on the machine do not
count in them (PostgreSQL's own work does not either: it is another process).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from launcher.embedded import EmbeddedPostgres
from services.common import celdas, contracts
from services.common.db import create_pool
from services.common.instituto import Instituto
from services.common.migrate import apply_migrations
from services.common.settings import CommonSettings
from services.publico import datos, datos_escritura, datos_jobs
from services.validacion.catalogos import load_catalogs

from .masivo import seed_published
from .report import table

NOW = datetime(2027, 5, 1, 18, 30, tzinfo=UTC)


def _cpu(label: str, work: Callable[[], Any], rows: list[tuple[str, str, str]], n: int) -> Any:
    start = time.process_time()
    result = work()
    spent = time.process_time() - start
    rows.append((label, f"{spent:.2f}", f"{spent / n * 1e6:.0f}"))
    return result


def _parts(records: list[Any], cve: str | None, folder: Path) -> list[tuple[str, str, str]]:
    n = len(records)
    rows: list[tuple[str, str, str]] = []
    entidad = Instituto().entidad
    filas = _cpu("datos.fila", lambda: [datos.fila(r, entidad, cve) for r in records], rows, n)
    _cpu("datos.huella", lambda: [datos.huella(f) for f in filas], rows, n)
    tabla = _cpu("table (f.get per column)", lambda: [[f.get(c) for c in datos.NOMBRES] for f in filas], rows, n)
    _cpu("celdas.fila (neutralise)", lambda: [celdas.fila(t) for t in tabla], rows, n)

    def csv() -> None:
        with open(folder / "c.csv", "wb") as handle:
            out = datos_escritura.CsvIncremental(datos_escritura.Suma(handle), datos.NOMBRES)
            for start in range(0, n, 500):
                out.add(tabla[start : start + 500])

    def json() -> None:
        with open(folder / "c.json", "wb") as handle:
            out = datos_escritura.JsonIncremental(datos_escritura.Suma(handle), 1, NOW, n)
            for start in range(0, n, 500):
                out.add(filas[start : start + 500])
            out.close()

    def xlsx() -> None:
        sheet = celdas.HojaXlsxGrande(folder / "c.xlsx", datos.NOMBRES, creado=NOW, hoja="candidaturas")
        for values in tabla:
            sheet.append(values)
        sheet.save()

    def xlsx_hash() -> None:
        datos_escritura.suma_de(folder / "c.xlsx")

    _cpu("CSV writer + sha256", csv, rows, n)
    _cpu("JSON writer + sha256", json, rows, n)
    _cpu("XLSX writer (incl. save)", xlsx, rows, n)
    _cpu("XLSX read back for sha256", xlsx_hash, rows, n)

    def writer() -> None:
        escritor = datos_escritura.EscritorRelease(folder / "all", 1, NOW, n, datos.NOMBRES)
        for start in range(0, n, 500):
            escritor.add(filas[start : start + 500])
        escritor.close(datos.diccionario_csv())

    _cpu("EscritorRelease (all four files)", writer, rows, n)
    return rows


async def run(size: int, profile: str | None, repeat: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="conoceles-perfil-release-"))
    postgres = EmbeddedPostgres(folder / "pg")
    try:
        url = postgres.start()
        settings = CommonSettings(DATABASE_URL=url)
        pool = await create_pool(settings, min_size=1, max_size=3)
        async with pool.acquire() as conn:
            await apply_migrations(conn)
            await load_catalogs(conn, settings.instituto.catalogos)
        await seed_published(pool, size)
        ctx = {"db_pool": pool, "settings": SimpleNamespace(media_dir=folder / "media")}
        builds = []
        for i in range(repeat):
            async with pool.acquire() as conn:
                # A new generation each time, and no previous release to diff against: every build writes.
                await conn.execute("UPDATE publico.publicacion SET generacion = generacion + 1")
                await conn.execute("DELETE FROM publico.datos_archivos")
                await conn.execute("DELETE FROM publico.datos_publicaciones")
            profiler = cProfile.Profile() if profile and i == repeat - 1 else None
            start, wall = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            numero = await datos_jobs._build(ctx, contracts.BuildRelease(inmediata=True))
            if profiler:
                profiler.disable()
                profiler.dump_stats(profile)  # type: ignore[arg-type]
            cpu, wall = time.process_time() - start, time.perf_counter() - wall
            builds.append((f"_build #{i + 1} (release {numero})", f"{cpu:.2f}", f"{cpu / size * 1e6:.0f}"))
            print(f"build {i + 1}: {cpu:.2f} CPU s, {wall:.2f} s wall", flush=True)
        async with pool.acquire() as conn:
            records = await conn.fetch(datos_jobs.ROWS_SQL)
            cve = await conn.fetchval(datos_jobs.ENTIDAD_SQL)
        parts = _parts(list(records), cve, folder)
        await pool.close()
        print(f"\n{size:,} published rows, CPU of this process")
        print(table(("work", "CPU s", "µs per row"), builds + parts, right=(1, 2)))
    finally:
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.perfil_release", description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000, help="published rows (20000)")
    parser.add_argument("--repeat", type=int, default=2, help="builds measured (2)")
    parser.add_argument("--profile", help="save a cProfile of the last build here")
    args = parser.parse_args()
    asyncio.run(run(args.rows, args.profile, args.repeat))


if __name__ == "__main__":
    main()
