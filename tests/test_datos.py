"""Open data and the API against the running system: the release job builds numbered releases whose files match
their checksums and hold no private field, a withdrawal shows in the next release's changelog, the OpenAPI
document matches the routes, the API's rate limit says Retry-After, and /datos passes axe."""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from datetime import UTC, datetime
from typing import Any

import aiohttp
import asyncpg
import orjson
from openpyxl import load_workbook
from playwright.async_api import Page

from services.common import contracts
from services.publico import datos, openapi
from services.publico.app import create_app
from services.publico.sql import BUMP_GENERATION_SQL, PUBLISH_SQL, WITHDRAW_SQL

from . import factories
from .browser import axe_violations
from .helpers import Client, eventually

FORMULA = '=HYPERLINK("http://evil.example","Ver")'


async def _publish(db: asyncpg.Pool, marca: str) -> tuple[int, list[str]]:
    """A published candidacy whose private fields (registry and identity) all carry unique markers."""
    candidata = await factories.candidata(db)
    cid = candidata.candidatura_id
    private = [f"{k}{marca}{cid}".upper() for k in ("rfc", "elector", "tel")] + [f"privado{marca}{cid}@correo.invalid"]
    await db.execute(
        "UPDATE registro.candidaturas SET rfc = $2, clave_elector = $3, telefono = $4, correo = $5 WHERE id = $1",
        cid,
        *private,
    )
    private.append(await db.fetchval("SELECT curp FROM registro.candidaturas WHERE id = $1", cid))
    private.append("1980-01-01")
    curricular = {
        "contacto": {"correo_publico": f"campana{cid}@ejemplo.invalid"},
        "propuestas": {"propuesta_1": FORMULA, "propuesta_2": f"Agua {marca}"},
    }
    now = datetime.now(UTC)
    await db.execute(PUBLISH_SQL, cid, f"prueba {marca}", curricular, 1, now, now, None)
    secreto = f"identidadsinconsentimiento{marca}{cid}"
    await db.execute(
        "UPDATE publico.candidaturas SET identidad = $2, identidad_publica = false WHERE id = $1",
        cid,
        {"grupos": [secreto], "respuestas": {"d": {"q": secreto}}},
    )
    private.append(secreto)
    return cid, private


async def _release_after(db: asyncpg.Pool, client: Client, last: int, check: Any) -> dict[str, Any]:
    """Ask for a release now (as an operator would) and wait for one after ``last`` that satisfies ``check``."""
    await db.execute(BUMP_GENERATION_SQL)
    async with db.acquire() as conn, conn.transaction():
        asked = await contracts.send(conn, contracts.BuildRelease(inmediata=True))
    # The job this asked for has run: no release of it can appear later, in the middle of another check.
    await eventually(
        lambda: db.fetchval("SELECT done_at IS NOT NULL FROM outbox.jobs WHERE id = $1", asked),
        within=60,
        what="the release job asked for",
    )

    async def built() -> dict[str, Any] | None:
        body = await (await client.get("/api/v1/datos")).json()
        for release in body["publicaciones"]:
            if release["numero"] > last and check(release):
                return dict(release)
        return None

    return await eventually(built, within=60, what="a new open-data release")


async def _last(client: Client) -> int:
    body = await (await client.get("/api/v1/datos")).json()
    return max((r["numero"] for r in body["publicaciones"]), default=0)


async def _download(client: Client, release: dict[str, Any]) -> dict[str, bytes]:
    files = {}
    for archivo in release["archivos"]:
        response = await client.get(archivo["url"])
        assert response.status == 200, archivo
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "immutable" in response.headers["Cache-Control"]
        data = await response.read()
        assert hashlib.sha256(data).hexdigest() == archivo["sha256"] and len(data) == archivo["bytes"]
        files[archivo["nombre"]] = data
    assert set(files) == set(datos.ARCHIVOS)
    return files


async def test_a_release_holds_every_published_candidacy_and_no_private_field(client: Client, db: asyncpg.Pool) -> None:
    marca = uuid.uuid4().hex[:8]
    mine = [await _publish(db, marca) for _ in range(2)]
    ids = {cid for cid, _ in mine}
    last = await _last(client)

    release = await _release_after(db, client, last, lambda r: True)
    files = await _download(client, release)
    document = orjson.loads(files["candidaturas.json"])
    # Built after the publications: the newest release holds them (a cron run in between only built it earlier).
    assert ids <= {c["ID_CANDIDATURA"] for c in document["candidaturas"]}
    assert document["total"] == release["total"] == len(document["candidaturas"])

    table = list(csv.reader(io.StringIO(files["candidaturas.csv"].decode("utf-8-sig"))))
    assert tuple(table[0]) == datos.NOMBRES
    by_id = {int(r[datos.NOMBRES.index("ID_CANDIDATURA")]): dict(zip(datos.NOMBRES, r, strict=True)) for r in table[1:]}
    for cid in ids:
        assert by_id[cid]["PROPUESTA_1"] == "'" + FORMULA
        assert by_id[cid]["CORREO_ELECTRONICO"] == f"campana{cid}@ejemplo.invalid"
        assert by_id[cid]["CVE_MUNICIPIO_INEGI"] == "16053" and by_id[cid]["GRUPOS"] == ""
    sheet = load_workbook(io.BytesIO(files["candidaturas.xlsx"]), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert tuple(rows[0]) == datos.NOMBRES and len(rows) == len(table)

    texts = {n: d.decode("utf-8-sig") for n, d in files.items() if not n.endswith(".xlsx")}
    texts["candidaturas.xlsx"] = "\n".join(str(c) for r in rows for c in r)
    for _, private in mine:
        for secret in private:
            for name, text in texts.items():
                assert secret not in text, (name, secret)

    # Withdrawn: the next release says so, by id, and no longer holds it.
    gone = mine[0][0]
    await db.execute(WITHDRAW_SQL, gone)
    later = await _release_after(db, client, release["numero"], lambda r: gone in r["cambios"]["retiradas"])
    later_files = await _download(client, later)
    assert gone not in {c["ID_CANDIDATURA"] for c in orjson.loads(later_files["candidaturas.json"])["candidaturas"]}

    response = await client.get("/datos")
    listing = await response.text()
    assert f"Publicación {later['numero']}" in listing and later["archivos"][0]["sha256"] in listing
    assert (await client.get("/datos", headers={"If-None-Match": response.headers["ETag"]})).status == 304
    assert (await client.get(f"/datos/{later['numero']}/otro.csv")).status == 404
    assert (await client.get("/datos/999999/candidaturas.csv")).status == 404


async def test_nothing_new_builds_no_release(client: Client, db: asyncpg.Pool) -> None:
    await _release_after(db, client, -1, lambda r: True)
    before = await _last(client)
    await db.execute(BUMP_GENERATION_SQL)
    await _run_release_job(db, contracts.BuildRelease(inmediata=True))
    assert await _last(client) == before


async def _run_release_job(db: asyncpg.Pool, job: contracts.BuildRelease) -> None:
    async with db.acquire() as conn, conn.transaction():
        outbox_id = await contracts.send(conn, job)
    await eventually(
        lambda: db.fetchval("SELECT done_at IS NOT NULL FROM outbox.jobs WHERE id = $1", outbox_id),
        what="the release job to run",
    )


async def test_no_release_is_built_while_publications_go_on(client: Client, db: asyncpg.Pool) -> None:
    await _release_after(db, client, -1, lambda r: True)
    before = await _last(client)
    await _publish(db, uuid.uuid4().hex[:8])
    await db.execute(BUMP_GENERATION_SQL)  # a publication this instant: not settled
    await _run_release_job(db, contracts.BuildRelease())
    assert await _last(client) == before


async def test_the_catalogs_answer(client: Client) -> None:
    for name, key in (("cargos", "clave"), ("postulantes", "siglas"), ("distritos", "numero"), ("municipios", "clave")):
        response = await client.get(f"/api/v1/catalogos/{name}")
        assert response.status == 200
        body = await response.json()
        assert body["resultados"] and key in body["resultados"][0]
        again = await client.get(f"/api/v1/catalogos/{name}", headers={"If-None-Match": response.headers["ETag"]})
        assert again.status == 304


async def test_openapi_lists_every_api_route_and_every_documented_path_answers(
    client: Client, db: asyncpg.Pool
) -> None:
    response = await client.get("/api/v1/openapi.json")
    assert response.status == 200
    document = await response.json()
    app = create_app()
    routes = {
        r.resource.canonical
        for r in app.router.routes()
        if r.resource is not None and r.resource.canonical.startswith(openapi.API_PREFIX) and r.method == "GET"
    }
    assert routes - {openapi.DOCUMENT_ROUTE} == set(document["paths"])
    published = await db.fetchval("SELECT id FROM publico.candidaturas WHERE curricular IS NOT NULL LIMIT 1")
    for path in document["paths"]:
        answer = await client.get(path.replace("{id}", str(published or 1)))
        assert answer.status == (200 if published or "{id}" not in path else 404), path
        assert answer.headers["Content-Type"].startswith("application/json")
    bad = await client.get("/api/v1/candidaturas", params={"limite": "mil"})
    assert bad.status == 422 and (await bad.json())["error"]
    assert "422" in document["paths"]["/api/v1/candidaturas"]["get"]["responses"]


async def test_the_api_rate_limit_says_when_to_retry(base_url: str) -> None:
    # A loopback address of its own, so the limit it reaches does not block the other tests.
    connector = aiohttp.TCPConnector(local_addr=("127.0.0.79", 0))
    async with aiohttp.ClientSession(connector=connector) as http:
        for _ in range(2000):
            async with http.get(f"{base_url}/api/v1/openapi.json") as response:
                await response.read()
                if response.status == 429:
                    body = await response.json()
                    break
        else:
            raise AssertionError("never limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.headers["Cache-Control"] == "no-store"
    assert body["error"].startswith("Demasiadas solicitudes")


async def test_datos_pages_pass_axe(page: Page, base_url: str, client: Client, db: asyncpg.Pool) -> None:
    await _release_after(db, client, -1, lambda r: True)
    for path in ("/datos", "/datos/diccionario"):
        response = await page.goto(base_url + path)
        assert response is not None and response.status == 200
        assert await axe_violations(page) == [], path
