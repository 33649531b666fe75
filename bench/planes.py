"""``python -m bench.planes``: EXPLAIN ANALYZE of the uncached list's queries on 8,000 and 100,000 published rows.

A private embedded PostgreSQL (no services): migrations, catalogs, bench/masivo.py's rows, then the plan and the
server-side time of the list page and its count for the filter kinds the bench asks, so a change to an index or
to the SQL can be checked without a whole bench run. Prints one table per size.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
from pathlib import Path

from launcher.embedded import EmbeddedPostgres
from services.common.db import create_pool
from services.common.migrate import apply_migrations
from services.common.settings import CommonSettings
from services.publico.filters import FILTROS, ListFilters
from services.publico.query import count_query, list_query
from services.validacion.catalogos import load_catalogs

from .masivo import seed_published
from .report import table

CASES: dict[str, dict[str, str]] = {
    "no filter": {},
    "municipio": {"municipio": "16053"},
    "cargo + municipio": {"cargo": "REG_MR", "municipio": "16053"},
    "postulante": {"postulante": "PAN"},
    "postulante + cargo + sexo": {"postulante": "PRI", "cargo": "REG_MR", "sexo": "mujer"},
    "sexo": {"sexo": "mujer"},
    "distrito + sexo + edad": {"distrito": "7", "sexo": "hombre", "edad": "40-49"},
    "q (4 letters)": {"q": "lope"},
    "q (2 letters)": {"q": "ez"},
    "q + cargo": {"q": "marti", "cargo": "SIND"},
    "escolaridad": {"escolaridad": "Maestría"},
}


async def _explain(pool: object, sql: str, args: tuple[object, ...]) -> tuple[float, str]:
    rows = await pool.fetch(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", *args)  # type: ignore[attr-defined]
    plan = rows[0][0]
    plan = plan[0] if isinstance(plan, list) else plan
    node = plan["Plan"]
    scans = []

    def walk(n: dict[str, object]) -> None:
        if "Scan" in str(n["Node Type"]):
            scans.append(f"{n['Node Type']} {n.get('Index Name', n.get('Relation Name', ''))}".strip())
        for child in n.get("Plans", []):  # type: ignore[attr-defined]
            walk(child)

    walk(node)
    return float(plan["Execution Time"]), ", ".join(scans)


async def run(sizes: list[int]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="conoceles-planes-"))
    postgres = EmbeddedPostgres(folder / "pg")
    try:
        url = postgres.start()
        settings = CommonSettings(DATABASE_URL=url)
        pool = await create_pool(settings, min_size=1, max_size=2)
        async with pool.acquire() as conn:
            await apply_migrations(conn)
            await load_catalogs(conn, settings.instituto.catalogos)
        have = 0
        for size in sizes:
            await seed_published(pool, size - have)
            have = size
            rows = []
            for label, params in CASES.items():
                filters = ListFilters.model_validate(params)
                page, count = list_query(FILTROS, filters), count_query(FILTROS, filters)
                for _ in range(2):  # the second run, with warm buffers, is the one reported
                    page_ms, page_plan = await _explain(pool, page.sql, page.args)
                    count_ms, count_plan = await _explain(pool, count.sql, count.args)
                total = await pool.fetchval(count.sql, *count.args)
                rows.append((label, f"{total:,}", f"{page_ms:.2f}", page_plan, f"{count_ms:.2f}", count_plan))
            print(f"\n{size:,} published rows (EXPLAIN ANALYZE, server time in ms)")
            print(table(("filters", "total", "page ms", "page plan", "count ms", "count plan"), rows, right=(1, 2, 4)))
        await pool.close()
    finally:
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.planes", description=__doc__)
    parser.add_argument("--sizes", default="8000,100000", help="published rows, ascending (8000,100000)")
    args = parser.parse_args()
    asyncio.run(run([int(s) for s in args.sizes.split(",")]))


if __name__ == "__main__":
    main()
