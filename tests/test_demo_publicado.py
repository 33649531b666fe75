"""The demo's published process: alive on the public site right after the system starts, and loaded once."""

from __future__ import annotations

from typing import Any

import asyncpg

from launcher import demo
from launcher.system import System

from .helpers import DEMO_PASSWORD, Client, eventually

DEMO_SQL = "SELECT id FROM registro.candidaturas WHERE segundo_apellido IN ('Demo', 'Ficticia')"
PUBLISHED_SQL = f"""
SELECT count(*) FILTER (WHERE p.curricular IS NOT NULL AND p.identidad IS NOT NULL) AS publicadas, count(d.id) AS total
FROM ({DEMO_SQL}) d LEFT JOIN publico.candidaturas p ON p.id = d.id
"""
COUNTS_SQL = """
SELECT (SELECT count(*) FROM registro.candidaturas) AS candidaturas,
       (SELECT count(*) FROM registro.postulantes) AS postulantes,
       (SELECT count(*) FROM registro.postulante_partidos) AS integrantes,
       (SELECT count(*) FROM outbox.jobs) AS jobs,
       (SELECT count(*) FROM auth.users) AS cuentas,
       (SELECT count(*) FROM publico.candidaturas) AS publicadas
"""
CARGOS = ("DIP_MR", "DIP_RP", "PRES_MUN", "SIND", "REG_MR", "REG_RP")


async def _all_published(db: asyncpg.Pool) -> bool:
    row = await db.fetchrow(PUBLISHED_SQL)
    return bool(row["total"]) and row["publicadas"] == row["total"]


async def _api(client: Client, query: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/candidaturas?{query}")
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def test_public_site_shows_the_demo_process_right_after_start(client: Client, db: asyncpg.Pool) -> None:
    await eventually(lambda: _all_published(db), within=60, what="the demo process published")
    for cargo in CARGOS:
        assert (await _api(client, f"cargo={cargo}"))["total"] > 0, cargo
    coalicion = await _api(client, "postulante=COA-DEMO")
    assert coalicion["total"] > 0
    assert {r["postulante_tipo"] for r in coalicion["resultados"]} == {"coalicion"}
    assert (await _api(client, "postulante=CC-DEMO"))["resultados"][0]["postulante_tipo"] == "candidatura_comun"
    independiente = (await _api(client, "postulante=IND-DEMO-2"))["resultados"]
    assert independiente and independiente[0]["cargo"] in ("PRES_MUN", "SIND", "REG_MR")
    assert {r["postulante_tipo"] for r in independiente} == {"independiente"}

    # Photos are served by publico, as after a real publication; some candidacies have none.
    resultados = (await _api(client, "postulante=COA-DEMO"))["resultados"]
    con_foto = [r for r in resultados if r["foto"]]
    assert con_foto
    photo = await client.get(con_foto[0]["foto"])
    assert photo.status == 200 and photo.content_type == "image/jpeg"
    assert await db.fetchval(f"SELECT count(*) FROM publico.candidaturas WHERE foto IS NULL AND id IN ({DEMO_SQL})")

    # The profile and the list are the public site's, with the demo names.
    perfil = await _api(client, "postulante=MC")
    nombre = perfil["resultados"][0]["nombre"]
    assert nombre.endswith((" Demo", " Ficticia"))
    page = await client.get("/candidaturas?postulante=MC")
    assert page.status == 200 and nombre in await page.text()
    response = await client.get(f"/candidaturas/{perfil['resultados'][0]['id']}")
    assert response.status == 200 and nombre in await response.text()

    # Identity answers were published with and without consent: the flags decide what shows.
    flags = await db.fetch(
        f"SELECT DISTINCT identidad_publica, identidad_estadistica FROM publico.candidaturas WHERE id IN ({DEMO_SQL})"
    )
    assert {(r["identidad_publica"], r["identidad_estadistica"]) for r in flags} >= {(True, True), (False, False)}


async def test_a_second_load_changes_nothing(db: asyncpg.Pool, system: System) -> None:
    await eventually(lambda: _all_published(db), within=60, what="the demo process published")
    async with db.acquire() as conn:
        before = dict(await conn.fetchrow(COUNTS_SQL))
        loaded = await demo.load(conn, DEMO_PASSWORD, "test", "", "minimo", system.media_dir)
        after = dict(await conn.fetchrow(COUNTS_SQL))
    publicadas = loaded["publicadas"]
    assert isinstance(publicadas, dict) and publicadas["planeadas"] > 0 and publicadas["nuevas"] == 0
    assert after == before


async def test_demo_candidacies_have_their_accounts_so_provisioning_skips_them(db: asyncpg.Pool) -> None:
    """The fiction is a process already under way: "Generar cuentas" has nothing of the demo left to create."""
    sin_cuenta = await db.fetchval(
        f"""SELECT count(*) FROM ({DEMO_SQL}) d
            WHERE NOT EXISTS (SELECT 1 FROM auth.users u WHERE u.candidatura_id = d.id AND u.is_demo)"""
    )
    assert sin_cuenta == 0
    sin_representante = await db.fetch(
        """SELECT s.siglas FROM registro.postulantes s WHERE s.siglas LIKE '%DEMO%' AND NOT EXISTS (
               SELECT 1 FROM auth.users u WHERE u.role = 'representante' AND u.postulante_id = s.id)"""
    )
    assert sin_representante == []
