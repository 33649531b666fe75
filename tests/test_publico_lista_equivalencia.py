"""The cheap uncached list (one indexed query, trigram search, totals and catalogs per generation) returns exactly
what a straightforward query returns: the same rows, in the same neutral order, with the same total, for every
filter alone and in combination, name fragments long and short, and page after page through the cursor.

The reference is written here the plain way the list used to run (a LIKE '%…%' on the search text, a count(*)
over the same WHERE), against the same read model, so a wrong index, trigram or cached total shows as a
difference. The generation is bumped after publishing, as the publish job does, so no earlier page is served."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import pytest
from redis.asyncio import Redis

from launcher.system import System
from services.common.boundary import like_contains
from services.publico import busqueda
from services.publico.cache import ADVANCE_GENERATION_LUA, GENERATION_KEY
from services.publico.filters import EDADES
from services.publico.sql import BUMP_GENERATION_SQL, PUBLISH_SQL
from services.publico.text import normalize

from . import factories
from .helpers import Client

REFERENCE_ORDER = "cargo_orden, coalesce(distrito, 0), coalesce(municipio, 0), numero, primer_apellido, id"


def _reference_where(params: dict[str, str]) -> tuple[str, list[Any]]:
    conditions, args = ["curricular IS NOT NULL"], []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    for name, value in params.items():
        if name == "q":
            conditions.append(f"nombre_busqueda LIKE {arg(like_contains(normalize(value)))} ESCAPE '\\'")
        elif name in ("distrito", "municipio"):
            conditions.append(f"{name} = {arg(int(value))}")
        elif name == "edad":
            desde, hasta = EDADES[value]
            conditions.append(f"edad >= {arg(desde)}" + (f" AND edad < {arg(hasta)}" if hasta else ""))
        elif name == "escolaridad":
            conditions.append(f"curricular -> 'formacion' ->> 'grado_maximo' = {arg(value)}")
        elif name == "grupo":
            conditions.append(f"{arg(value)} = ANY(grupos_publicos)")
        elif name == "accion_afirmativa":
            conditions.append(f"(coalesce(btrim(accion_afirmativa), '') <> '') = {arg(value == 'si')}")
        else:
            conditions.append(f"{name} = {arg(value)}")
    return " AND ".join(conditions), args


async def _reference(db: asyncpg.Pool, params: dict[str, str]) -> list[int]:
    where, args = _reference_where(params)
    sql = f"SELECT id FROM publico.candidaturas WHERE {where} ORDER BY {REFERENCE_ORDER}"
    return [r["id"] for r in await db.fetch(sql, *args)]


async def _api_pages(client: Client, params: dict[str, str], limite: int) -> tuple[list[int], set[int]]:
    """Every page through the cursor: the ids in order, and the totals each page announced."""
    ids: list[int] = []
    totals: set[int] = set()
    cursor = ""
    for _ in range(200):
        query = {**params, "limite": str(limite), **({"cursor": cursor} if cursor else {})}
        response = await client.get("/api/v1/candidaturas", params=query)
        assert response.status == 200, await response.text()
        body = await response.json()
        ids += [r["id"] for r in body["resultados"]]
        totals.add(body["total"])
        if body["siguiente"] is None:
            return ids, totals
        cursor = body["siguiente"]
    raise AssertionError("the cursor never reached the end")


async def _publish(
    db: asyncpg.Pool,
    marca: str,
    *,
    cargo: str,
    siglas: str,
    sexo: str,
    municipio: int | None,
    distrito: int | None,
    nacimiento: date,
    numero: int,
    primer_apellido: str,
    grado: str,
    grupos: list[str] | None = None,
    accion_afirmativa: str | None = None,
) -> int:
    c = await factories.candidata(db, siglas=siglas, cargo=cargo)
    await db.execute(
        """UPDATE registro.candidaturas SET nombre = replace(nombre, 'Prueba', 'Equivale'), segundo_apellido = $2,
               municipio = $3, distrito = $4, fecha_nacimiento = $5, sexo = $6, primer_apellido = $7,
               accion_afirmativa = $8
           WHERE id = $1""",
        c.candidatura_id,
        marca,
        municipio,
        distrito,
        nacimiento,
        sexo,
        primer_apellido,
        accion_afirmativa,
    )
    now = datetime.now(UTC)
    curricular = {"formacion": {"grado_maximo": grado}, "propuestas": {"propuesta_1": "Agua"}}
    async with db.acquire() as conn, conn.transaction():
        await conn.execute(PUBLISH_SQL, c.candidatura_id, "", curricular, 1, now, now, None)
        # Few positions for many rows (the registry's numbers are unique per test): the order's later keys matter.
        await conn.execute("UPDATE publico.candidaturas SET numero = $2 WHERE id = $1", c.candidatura_id, numero)
        if grupos is not None:
            await conn.execute(
                "UPDATE publico.candidaturas SET identidad = $2, identidad_publica = true WHERE id = $1",
                c.candidatura_id,
                {"grupos": grupos, "respuestas": {}},
            )
        await busqueda.refresh(conn, c.candidatura_id)
    return c.candidatura_id


async def bump_generation(system: System, db: asyncpg.Pool) -> None:
    """What the publish job does after its commit: a new generation, in PostgreSQL and in Redis."""
    generation = await db.fetchval(BUMP_GENERATION_SQL)
    redis = Redis.from_url(system.redis_url)
    try:
        await redis.eval(ADVANCE_GENERATION_LUA, 1, GENERATION_KEY, str(generation))  # type: ignore[misc]
    finally:
        await redis.aclose()


@pytest.fixture(scope="module")
async def publicadas(system: System, db: asyncpg.Pool) -> tuple[str, list[int]]:
    marca = f"eq{uuid.uuid4().hex[:8]}"
    distrito = await db.fetchval("SELECT min(numero) FROM registro.distritos")
    municipios = [r["clave"] for r in await db.fetch("SELECT clave FROM registro.municipios ORDER BY clave LIMIT 2")]
    today = date.today()
    ids = []
    apellidos = ("López", "Lópes", "Álvarez", "Ramírez", "Ruiz")
    for i in range(24):
        local = i % 3 != 0
        ids.append(
            await _publish(
                db,
                marca,
                cargo=("PRES_MUN", "REG_MR", "DIP_MR", "SIND")[i % 4] if local else "DIP_MR",
                siglas=("PAN", "PRI", "MORENA")[i % 3],
                sexo=("mujer", "hombre")[i % 2],
                municipio=municipios[i % 2] if local else None,
                distrito=None if local else distrito,
                nacimiento=date(today.year - (22 + 7 * (i % 7)), 1, 1),
                numero=1 + i % 5,
                primer_apellido=apellidos[i % len(apellidos)],
                grado=("Licenciatura", "Maestría")[i % 2],
                grupos=["Persona indígena"] if i % 5 == 0 else None,
                accion_afirmativa="Persona migrante" if i % 7 == 0 else None,
            )
        )
    await bump_generation(system, db)
    return marca, ids


def _combinations(marca: str, municipio: str, distrito: str) -> list[dict[str, str]]:
    own = {"q": marca}
    alone = [
        {"cargo": "DIP_MR"},
        {"cargo": "REG_MR"},
        {"postulante": "PRI"},
        {"distrito": distrito},
        {"municipio": municipio},
        {"sexo": "hombre"},
        {"edad": "18-24"},
        {"edad": "30-39"},
        {"edad": "60+"},
        {"escolaridad": "Maestría"},
        {"grupo": "Persona indígena"},
        {"accion_afirmativa": "si"},
        {"accion_afirmativa": "no"},
    ]
    pairs = [
        {"cargo": "PRES_MUN", "municipio": municipio},
        {"postulante": "PAN", "sexo": "mujer"},
        {"postulante": "MORENA", "cargo": "DIP_MR", "distrito": distrito},
        {"sexo": "mujer", "edad": "40-49", "escolaridad": "Licenciatura"},
        {"municipio": municipio, "sexo": "hombre", "accion_afirmativa": "no"},
    ]
    combos = [own] + [{**own, **f} for f in alone + pairs]
    # Fragments of the marker: trigrams inside it, across the space before it, and at its end.
    combos += [{"q": marca[2:7]}, {"q": f"ez {marca[:4]}"}, {"q": marca[-3:].upper(), "postulante": "PAN"}]
    return combos


async def test_every_filter_and_combination_matches_the_plain_query(
    client: Client, db: asyncpg.Pool, publicadas: tuple[str, list[int]]
) -> None:
    marca, ids = publicadas
    municipio = str(await db.fetchval("SELECT clave FROM registro.municipios ORDER BY clave LIMIT 1"))
    distrito = str(await db.fetchval("SELECT min(numero) FROM registro.distritos"))
    assert sorted(await _reference(db, {"q": marca})) == sorted(ids)
    for params in _combinations(marca, municipio, distrito):
        expected = await _reference(db, params)
        # A page of 5 makes most combinations span pages (cursor and cached total), a page of 100 one page.
        for limite in (5, 100):
            got, totals = await _api_pages(client, params, limite)
            assert got == expected, (params, limite)
            assert totals == {len(expected)}, (params, limite)


async def test_the_html_list_shows_the_same_rows_and_total(
    client: Client, db: asyncpg.Pool, publicadas: tuple[str, list[int]]
) -> None:
    marca, _ = publicadas
    for params in ({"q": marca}, {"q": marca, "sexo": "hombre"}, {"q": marca, "cargo": "DIP_MR", "limite": "3"}):
        expected = await _reference(db, {k: v for k, v in params.items() if k != "limite"})
        html = await (await client.get("/candidaturas", params=params)).text()
        shown = [int(i) for i in re.findall(r'<h2><a href="/candidaturas/(\d+)">', html)]
        assert shown == expected[: int(params.get("limite", "24"))]
        word = "candidatura encontrada" if len(expected) == 1 else "candidaturas encontradas"
        assert f"{len(expected)} {word}." in html


async def test_whole_table_filters_and_short_fragments_match_the_plain_query(
    client: Client, db: asyncpg.Pool, publicadas: tuple[str, list[int]]
) -> None:
    # Over every published row of the shared database (tests run one after another), first pages and totals:
    # a fragment under three characters has no trigram and takes the order index instead.
    for params in ({}, {"q": "ez"}, {"q": "a"}, {"q": "lóp"}, {"cargo": "DIP_MR"}, {"postulante": "PAN"}):
        expected = await _reference(db, params)
        body = await (await client.get("/api/v1/candidaturas", params={**params, "limite": "30"})).json()
        assert [r["id"] for r in body["resultados"]] == expected[:30], params
        assert body["total"] == len(expected), params


async def test_an_api_list_row_is_a_summary_linking_to_the_full_record(
    client: Client, publicadas: tuple[str, list[int]]
) -> None:
    marca, _ = publicadas
    body = await (await client.get("/api/v1/candidaturas", params={"q": marca, "limite": "3"})).json()
    row = body["resultados"][0]
    assert set(row) == {
        "id", "nombre", "cargo", "cargo_nombre", "postulante", "postulante_nombre", "postulante_tipo", "distrito",
        "municipio", "municipio_nombre", "numero", "tipo", "calidad", "sexo", "edad", "sobrenombre", "foto", "url",
    }  # fmt: skip
    assert row["url"] == f"/api/v1/candidaturas/{row['id']}"
    full = await (await client.get(row["url"])).json()
    assert full["curricular"]["formacion"]["grado_maximo"] in ("Licenciatura", "Maestría")
    assert {k: full[k] for k in row if k != "url"} == {k: v for k, v in row.items() if k != "url"}
