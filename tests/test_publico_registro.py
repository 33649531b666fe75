"""Registry-only changes the public site shows without a publication (issue 10, caching: "visible on the next
request"): validacion sends ``publico.refresh_registro`` in the change's transaction, publico copies the registry
columns of the rows named again and moves its cache generation."""

from __future__ import annotations

import itertools
import random
import re
from datetime import UTC, datetime

import asyncpg

from services.common import contracts
from services.publico.sql import BUMP_GENERATION_SQL, PUBLISH_SQL

from . import factories
from .helpers import Client, eventually
from .test_registro import apply, csv_bytes, persona, preview


async def _published(db: asyncpg.Pool, candidatura_id: int) -> None:
    now = datetime.now(UTC)
    curricular = {"propuestas": {"propuesta_1": "Agua potable"}}
    await db.execute(PUBLISH_SQL, candidatura_id, "prueba registro", curricular, 1, now, now, None)
    await db.execute(BUMP_GENERATION_SQL)


async def _generation(db: asyncpg.Pool) -> int:
    return int(await db.fetchval("SELECT generacion FROM publico.publicacion"))


async def test_a_new_acuerdo_in_the_process_settings_shows_on_the_next_home_page(  # keyed by the process row
    make_client: type[Client], client: Client, db: asyncpg.Pool
) -> None:
    original = await db.fetchrow(
        "SELECT acuerdo_publicacion_numero AS numero FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1"
    )
    home = await (await client.get("/")).text()  # cached under the current generation
    assert original["numero"] in home
    coordinacion = make_client()
    await coordinacion.login("demo-coordinacion")
    page = await (await coordinacion.get("/validacion/proceso")).text()
    form = dict(re.findall(r'name="([a-z_A-Z]+)" value="([^"]*)"', page))
    form.pop("csrf_token", None)
    form.pop("validacion_partido", None)  # a checkbox: sent only when checked
    nuevo = f"CG-PRUEBA-{await _generation(db)}/2024"
    try:
        saved = await coordinacion.submit(
            "/validacion/proceso", "/validacion/proceso", {**form, "acuerdo_publicacion_numero": nuevo}
        )
        assert saved.status == 303, await saved.text()

        async def shown() -> bool:
            return nuevo in await (await client.get("/")).text()

        await eventually(shown, what="the new acuerdo on the public home page")
    finally:
        await db.execute(
            "UPDATE registro.procesos SET acuerdo_publicacion_numero = $1 WHERE activo", original["numero"]
        )


async def test_a_name_corrected_in_the_registry_shows_on_the_profile_and_in_search(
    client: Client, db: asyncpg.Pool
) -> None:
    candidata = await factories.candidata(db)
    cid = candidata.candidatura_id
    await _published(db, cid)
    perfil = f"/candidaturas/{cid}"
    assert candidata.nombre in await (await client.get(perfil)).text()
    nombre = f"Corregida{cid}"
    # What a correction of the registry does: the registry row changes and the job follows in its transaction.
    async with db.acquire() as conn, conn.transaction():
        await conn.execute("UPDATE registro.candidaturas SET nombre = $2 WHERE id = $1", cid, nombre)
        await contracts.send(conn, contracts.RefreshRegistro(candidatura_ids=[cid]))

    async def shown() -> bool:
        return f"{nombre} Ramírez Núñez" in await (await client.get(perfil)).text()

    await eventually(shown, what="the corrected name on the profile")
    found = await (await client.get("/api/v1/candidaturas", params={"q": nombre.lower()})).json()
    assert [r["id"] for r in found["resultados"]] == [cid]


async def test_a_coalition_created_by_an_import_is_offered_in_the_filters_on_the_next_request(
    make_client: type[Client], client: Client, db: asyncpg.Pool
) -> None:
    # Parties other tests create have a hyphen in their siglas, which a combination's "A-B" cannot carry.
    partidos = [
        r["siglas"]
        for r in await db.fetch(
            "SELECT siglas FROM registro.postulantes WHERE tipo = 'partido' AND siglas NOT LIKE '%-%'"
        )
    ]
    existentes = {r["siglas"] for r in await db.fetch("SELECT siglas FROM registro.postulantes")}
    combinacion = next(
        "-".join(c)
        for n in (2, 3, 4)
        for c in itertools.combinations(sorted(partidos), n)
        if "-".join(c) not in existentes
    )
    nombre = f"Candidatura Común Filtros {random.randint(100000, 999999)}"
    municipio = await db.fetchval(
        "SELECT clave FROM registro.municipios WHERE elige_ayuntamiento ORDER BY clave LIMIT 1"
    )
    ambito = {"municipio": str(municipio), "partidos": combinacion}
    numero = random.randint(5000, 9000)
    rows = [persona("REG_RP", ambito, nombre, numero, tipo, f"Filtro{tipo}") for tipo in ("propietaria", "suplente")]
    # The demo's publications may still be arriving (each moves the generation): wait for them to settle, so the
    # only thing that can refresh the cached list below is the import.
    pendientes = (
        "SELECT count(*) FROM outbox.jobs WHERE done_at IS NULL AND attempts < 5"
        " AND (function LIKE 'publico.%' OR function LIKE 'validacion.%')"
    )
    await eventually(lambda: db.fetchval(f"SELECT ({pendientes}) = 0"), within=120, what="publications to settle")
    lista = await (await client.get("/candidaturas")).text()  # cached under the current generation
    assert f'value="{combinacion}"' not in lista
    coordinacion = make_client()
    await coordinacion.login("demo-coordinacion")
    importacion_id, html = await preview(coordinacion, "filtros.csv", csv_bytes(rows))
    assert "Lista para aplicar" in html, html
    applied = await apply(coordinacion, importacion_id, crear_cuentas=False)
    assert applied.status == 303, await applied.text()

    async def offered() -> bool:
        return f'value="{combinacion}"' in await (await client.get("/candidaturas")).text()

    await eventually(offered, what="the new candidatura común in the list's filter form")
