"""/estadisticas and /api/v1/estadisticas against the running system: counts, small cells hidden on the page and
in the API, identity answers without consent 3 not counted, progress from registro, axe-core and page weight."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import asyncpg
from playwright.async_api import Page
from redis.asyncio import Redis

from launcher.system import System
from services.publico.cache import GENERATION_KEY
from services.publico.identidad import PUBLISH_IDENTIDAD_SQL
from services.publico.sql import BUMP_GENERATION_SQL, PUBLISH_SQL

from . import factories
from .browser import axe_violations
from .helpers import Client


async def _publish(
    db: asyncpg.Pool,
    siglas: str,
    sexo: str,
    nacimiento: date,
    grado: str,
    consentimiento3: bool,
    grupo: str,
    ingreso: str,
) -> int:
    candidata = await factories.candidata(db, siglas=siglas)
    cid = candidata.candidatura_id
    await db.execute(
        "UPDATE registro.candidaturas SET sexo = $2, fecha_nacimiento = $3 WHERE id = $1", cid, sexo, nacimiento
    )
    now = datetime.now(UTC)
    curricular = {"formacion": {"grado_maximo": grado}}  # the pool encodes jsonb itself
    await db.execute(PUBLISH_SQL, cid, "prueba estadistica", curricular, 1, now, now, None)
    identidad = {"grupos": [grupo], "respuestas": {"ingreso": {"ingreso_mensual": ingreso}}, "revisado_at": ""}
    await db.execute(PUBLISH_IDENTIDAD_SQL, cid, "prueba estadistica", identidad, 1, False, consentimiento3, 1)
    return cid


def _celdas(tabla: dict[str, Any]) -> dict[str, Any]:
    return {c["etiqueta"]: c["valor"] if not c["suprimida"] else c["motivo"] for c in tabla["celdas"]}


async def _seed(db: asyncpg.Pool) -> str:
    """A postulante of its own: 6 women in their thirties with consent 3, 2 men over 60 without it, 1 unpublished."""
    _, siglas = await factories.postulante(db, "partido")
    for _ in range(6):
        await _publish(db, siglas, "mujer", date(1990, 3, 1), "Licenciatura", True, "Persona indígena", "hasta_11000")
    for _ in range(2):
        await _publish(db, siglas, "hombre", date(1955, 3, 1), "Doctorado", False, "Persona migrante", "mas_112000")
    await factories.candidata(db, siglas=siglas)  # registered, never published
    return siglas


async def test_api_counts_and_hides_small_cells(client: Client, db: asyncpg.Pool) -> None:
    siglas = await _seed(db)
    response = await client.get("/api/v1/estadisticas", params={"postulante": siglas})
    assert response.status == 200
    body = await response.json()
    tablas = body["tablas"]
    # 2 men: under 5, hidden; the 6 women would then be total minus zero minus the hidden cell: hidden as well.
    assert _celdas(tablas["sexo"]) == {"Mujer": "complementaria", "Hombre": "menor_que_5", "No binario": 0}
    assert tablas["sexo"]["total"] == {"etiqueta": "Total", "valor": 8, "suprimida": False, "motivo": None}
    hombre = next(c for c in tablas["sexo"]["celdas"] if c["etiqueta"] == "Hombre")
    assert hombre["valor"] is None
    edad = _celdas(tablas["edad"])
    assert edad["30 a 39 años"] == "complementaria" and edad["60 años o más"] == "menor_que_5"
    assert _celdas(tablas["escolaridad"])["Doctorado"] == "menor_que_5"
    # Identity answers without consent 3 count nowhere: the 2 migrant men are 0, not "<5".
    grupos = _celdas(tablas["grupos"])
    assert grupos["Persona indígena"] == 6 and grupos["Persona migrante"] == 0
    ingreso = tablas["ingreso"]
    assert ingreso["total"]["valor"] == 6
    assert _celdas(ingreso)["Menos de $11,000"] == 6 and _celdas(ingreso)["Más de $112,000"] == 0
    # The progress comes from reportes (tests/test_publico_avance.py); these rows were written straight to publico.
    assert body["filtros"] == {"cargo": None, "postulante": siglas}

    otro_cargo = await db.fetchval("SELECT clave FROM registro.cargos WHERE clave <> 'PRES_MUN' ORDER BY orden LIMIT 1")
    vacio = await (await client.get("/api/v1/estadisticas", params={"postulante": siglas, "cargo": otro_cargo})).json()
    assert vacio["tablas"]["sexo"]["total"]["valor"] == 0 and vacio["avance"]["postulante"] == []

    bad = await client.get("/api/v1/estadisticas", params={"cargo": "x" * 21})
    assert bad.status == 422 and "error" in await bad.json()


async def test_page_shows_tables_charts_and_suppression(client: Client, db: asyncpg.Pool) -> None:
    siglas = await _seed(db)
    response = await client.get("/estadisticas", params={"postulante": siglas})
    assert response.status == 200 and "ETag" in response.headers
    html = await response.text()
    assert '<th scope="row">Hombre</th><td>&lt;5</td>' in html
    assert '<th scope="row">Mujer</th><td>Reservado</td>' in html
    assert '<th scope="row">Persona indígena</th><td>6</td>' in html
    assert '<th scope="row">Persona migrante</th><td>0</td>' in html
    for clave in ("sexo", "edad", "escolaridad", "grupos", "ingreso"):  # a chart and a table each
        assert f'aria-labelledby="g-{clave}-t g-{clave}-d"' in html and f'<caption id="c-{clave}">' in html
    assert f'<option value="{siglas}" selected>' in html
    assert "Avance de captura y publicación" in html
    again = await client.get(
        "/estadisticas", params={"postulante": siglas}, headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status == 304


async def test_statistics_page_is_light_and_accessible(
    page: Page, base_url: str, client: Client, db: asyncpg.Pool
) -> None:
    siglas = await _seed(db)
    body = await (await client.get("/estadisticas")).read()
    assert len(body) < 60_000, len(body)
    await page.goto(f"{base_url}/estadisticas?postulante={siglas}")
    assert await axe_violations(page) == []
    await page.goto(f"{base_url}/estadisticas")
    assert await axe_violations(page) == []
    await page.set_viewport_size({"width": 360, "height": 800})
    await page.goto(f"{base_url}/estadisticas?postulante={siglas}")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360


async def test_a_new_publication_shows_on_the_next_request(system: System, client: Client, db: asyncpg.Pool) -> None:
    siglas = await _seed(db)
    params = {"postulante": siglas}
    before = await (await client.get("/api/v1/estadisticas", params=params)).json()
    assert before["tablas"]["sexo"]["total"]["valor"] == 8
    await _publish(db, siglas, "hombre", date(1955, 3, 1), "Doctorado", True, "Persona migrante", "mas_112000")
    # What the publish job does after its transaction: the new generation, so cached answers are not reused.
    generation = await db.fetchval(BUMP_GENERATION_SQL)
    redis = Redis.from_url(system.redis_url)
    try:
        await redis.set(GENERATION_KEY, generation)
    finally:
        await redis.aclose()
    after = await (await client.get("/api/v1/estadisticas", params=params)).json()
    assert after["tablas"]["sexo"]["total"]["valor"] == 9
