"""The public list through the filter table, against the running system: filters combine, the form keeps what
was chosen, and the next page link carries the filters and a cursor that continues where the page ended."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import asyncpg
import orjson

from services.publico.sql import PUBLISH_SQL

from . import factories
from .helpers import Client


async def _publish(db: asyncpg.Pool, busqueda: str, siglas: str) -> int:
    candidata = await factories.candidata(db, siglas=siglas)
    curricular = orjson.dumps({"propuestas": {"propuesta_1": "Agua"}}).decode()
    now = datetime.now(UTC)
    await db.execute(PUBLISH_SQL, candidata.candidatura_id, busqueda, curricular, 1, now, now, None)
    return candidata.candidatura_id


async def test_filters_combine_and_pages_follow_the_cursor(client: Client, db: asyncpg.Pool) -> None:
    marca = f"filtro{uuid.uuid4().hex[:8]}"
    ids = [await _publish(db, f"prueba ramirez nunez {marca}", siglas="PAN") for _ in range(3)]
    otra = await _publish(db, f"prueba ramirez nunez {marca}", siglas="PRI")

    api = await (await client.get("/api/v1/candidaturas", params={"q": marca.upper(), "postulante": "PAN"})).json()
    assert api["total"] == 3 and sorted(r["id"] for r in api["resultados"]) == sorted(ids)

    seen: list[int] = []
    params = {"q": marca, "limite": "1"}
    while True:
        page = await (await client.get("/api/v1/candidaturas", params=params)).json()
        assert page["total"] == 4
        seen += [r["id"] for r in page["resultados"]]
        if not page["siguiente"]:
            break
        params = {**params, "cursor": page["siguiente"]}
    assert sorted(seen) == sorted([*ids, otra]) and len(set(seen)) == 4

    html = await (await client.get("/candidaturas", params={"q": marca, "postulante": "PRI", "sexo": "mujer"})).text()
    assert "1 candidatura encontrada." in html
    assert f'value="{marca}"' in html and '<option value="PRI" selected>' in html
    assert '<option value="mujer" selected>' in html and '<option value="">Todos los cargos</option>' in html

    listing = await (await client.get("/candidaturas", params={"q": marca, "limite": "2"})).text()
    link = listing.split('<p><a href="', 1)[1].split('">Siguientes resultados', 1)[0].replace("&amp;", "&")
    query = parse_qs(urlparse(link).query)
    assert query["q"] == [marca] and "cursor" in query
