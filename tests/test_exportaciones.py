"""Formula injection (issue 7, item 11): a registry name that looks like a formula comes out as text."""

from __future__ import annotations

import csv
import io

import asyncpg
import pytest

from . import factories
from .helpers import Client

NAMES = ['=HYPERLINK("http://evil.example","Ver")', "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("nombre", NAMES, ids=repr)
async def test_the_progress_csv_writes_formula_names_as_text(
    nombre: str, make_client: type[Client], db: asyncpg.Pool
) -> None:
    person = await factories.candidata(db)
    await db.execute("UPDATE registro.candidaturas SET nombre = $2 WHERE id = $1", person.candidatura_id, nombre)
    for username in (person.username, "demo-representante"):
        client = make_client()
        await client.login(username)
        export = await client.get("/captura/avance.csv")
        assert export.status == 200, await export.text()
        rows = list(csv.DictReader(io.StringIO((await export.read()).decode("utf-8-sig"))))
        mine = next(r for r in rows if r["candidatura"] == str(person.candidatura_id))
        assert mine["nombre"] == f"'{nombre} Ramírez Núñez", mine
        # Nothing else in the sheet starts a formula either.
        assert not any(str(v).startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for v in r.values())
