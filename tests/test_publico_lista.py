"""The public list's filters, nickname search, removable filters, empty result and the compare page, against the
running system through the gateway. Candidacies are published as the publish job leaves them: the read-model row
(PUBLISH_SQL) plus the filter columns refreshed by services/publico/busqueda.py in the same way the job does."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlparse

import asyncpg
from playwright.async_api import Page

from launcher.system import System
from services.common import contracts
from services.publico import busqueda
from services.publico.sql import PUBLISH_SQL

from . import factories
from .browser import axe_violations
from .helpers import Client, eventually
from .test_identidad import RESPUESTAS
from .test_publico_lista_equivalencia import bump_generation

CURRICULAR = {
    "formacion": {"grado_maximo": "Licenciatura", "estatus": "Título"},
    "propuestas": {"propuesta_1": "Agua potable en cada tenencia"},
}


def _marca() -> str:
    return f"lista{uuid.uuid4().hex[:8]}"


async def _publish(
    db: asyncpg.Pool,
    marca: str,
    *,
    siglas: str = "PAN",
    cargo: str = "PRES_MUN",
    municipio: int | None = 16053,
    distrito: int | None = None,
    nacimiento: date = date(1980, 1, 1),
    sobrenombre: str | None = None,
    accion_afirmativa: str | None = None,
    curricular: dict[str, Any] | None = None,
    grupos: list[str] | None = None,
    publica: bool = False,
) -> int:
    c = await factories.candidata(db, siglas=siglas, cargo=cargo, municipio=16053)
    cid = c.candidatura_id
    await db.execute(
        # Not "Prueba…": other tests look their candidacy up among those by that first name.
        """UPDATE registro.candidaturas SET nombre = replace(nombre, 'Prueba', 'Lista'), segundo_apellido = $2,
               municipio = $3, distrito = $4,
               fecha_nacimiento = $5, sobrenombre = $6, accion_afirmativa = $7 WHERE id = $1""",
        cid,
        marca,
        municipio,
        distrito,
        nacimiento,
        sobrenombre,
        accion_afirmativa,
    )
    now = datetime.now(UTC)
    async with db.acquire() as conn, conn.transaction():
        await conn.execute(PUBLISH_SQL, cid, "", curricular or CURRICULAR, 1, now, now, None)
        if grupos is not None:
            await conn.execute(
                "UPDATE publico.candidaturas SET identidad = $2, identidad_publica = $3 WHERE id = $1",
                cid,
                {"grupos": grupos, "respuestas": {}},
                publica,
            )
        await busqueda.refresh(conn, cid)
    return cid


async def _ids(client: Client, **params: str) -> list[int]:
    body = await (await client.get("/api/v1/candidaturas", params={"limite": "100", **params})).json()
    return [r["id"] for r in body["resultados"]]


async def _age(years: int) -> date:
    today = date.today()
    return date(today.year - years - 1, 1, 1) if (today.month, today.day) < (1, 2) else date(today.year - years, 1, 1)


async def test_every_filter_narrows_the_list_and_the_api(client: Client, db: asyncpg.Pool, system: System) -> None:
    marca = _marca()
    distrito, cabecera = await db.fetchrow("SELECT numero, cabecera FROM registro.distritos ORDER BY numero LIMIT 1")
    otro_municipio, otro_nombre = await db.fetchrow(
        "SELECT clave, nombre FROM registro.municipios WHERE clave <> 16053 ORDER BY clave LIMIT 1"
    )
    base = await _publish(db, marca)
    dip = await _publish(db, marca, cargo="DIP_MR", municipio=None, distrito=distrito)
    pri = await _publish(db, marca, siglas="PRI", municipio=otro_municipio)
    joven = await _publish(db, marca, nacimiento=await _age(22))
    mayor = await _publish(db, marca, nacimiento=await _age(61))
    maestria = await _publish(db, marca, curricular={"formacion": {"grado_maximo": "Maestría"}})
    indigena = await _publish(db, marca, grupos=["Persona indígena"], publica=True)
    sin_consentimiento = await _publish(db, marca, grupos=["Persona indígena"], publica=False)
    aa = await _publish(db, marca, accion_afirmativa="Persona migrante")
    todas = {base, dip, pri, joven, mayor, maestria, indigena, sin_consentimiento, aa}
    # As the publish job does: the form's choices (the groups some profile shows) are kept per generation.
    await bump_generation(system, db)

    assert set(await _ids(client, q=marca)) == todas
    assert await _ids(client, q=marca, cargo="DIP_MR") == [dip]
    assert await _ids(client, q=marca, distrito=str(distrito)) == [dip]
    assert await _ids(client, q=marca, postulante="PRI") == [pri]
    assert await _ids(client, q=marca, municipio=str(otro_municipio)) == [pri]
    assert await _ids(client, q=marca, edad="18-24") == [joven]
    assert await _ids(client, q=marca, edad="60+") == [mayor]
    assert set(await _ids(client, q=marca, edad="40-49")) == todas - {joven, mayor}
    assert await _ids(client, q=marca, escolaridad="Maestría") == [maestria]
    # The group without consent 2 is never reachable by the filter: the profile would not show it.
    assert await _ids(client, q=marca, grupo="Persona indígena") == [indigena]
    assert await _ids(client, q=marca, grupo="Persona migrante") == [aa]
    assert await _ids(client, q=marca, accion_afirmativa="si") == [aa]
    assert set(await _ids(client, q=marca, accion_afirmativa="no")) == todas - {aa}
    assert await _ids(client, q=marca, cargo="PRES_MUN", edad="60+", sexo="mujer") == [mayor]

    html = await (
        await client.get("/candidaturas", params={"q": marca, "distrito": str(distrito), "municipio": ""})
    ).text()
    # Offered by name, the value still the key.
    assert f'<option value="{distrito}" selected>Distrito {distrito}: {cabecera}</option>' in html
    assert f'<option value="{otro_municipio}" >{otro_nombre}</option>' in html
    assert '<option value="60+" >60 años o más</option>' in html
    assert '<option value="Maestría" >Maestría</option>' in html
    assert '<option value="Persona indígena" >Persona indígena</option>' in html
    assert '<option value="si" >Sí</option>' in html
    assert "1 candidatura encontrada." in html

    bad = await client.get("/api/v1/candidaturas", params={"edad": "10-12"})
    assert bad.status == 422


async def test_the_publish_jobs_keep_nickname_and_groups_in_step_with_consent(client: Client, db: asyncpg.Pool) -> None:
    # Through the real jobs: the identidad with consent 2, the curricular, then a revocation.
    marca = _marca()
    apodo = f"Chávez{uuid.uuid4().hex[:6]}"
    c = await factories.candidata(db)
    cid = c.candidatura_id
    await db.execute(
        "UPDATE registro.candidaturas SET nombre = replace(nombre, 'Prueba', 'Lista'), segundo_apellido = $2,"
        " sobrenombre = $3 WHERE id = $1",
        cid,
        marca,
        apodo,
    )
    now = datetime.now(UTC).isoformat()
    async with db.acquire() as conn, conn.transaction():
        consentimientos = contracts.Consentimientos(publicacion=True, estadistica=True, seq=1)
        await contracts.send(
            conn,
            contracts.Publish(
                candidatura_id=cid,
                cuestionario="identidad",
                numero=1,
                version=contracts.Version(respuestas=RESPUESTAS, consentimientos=consentimientos),
                declarado_at=now,
                revisado_at=now,
            ),
        )
        await contracts.send(
            conn,
            contracts.Publish(
                candidatura_id=cid,
                cuestionario="curricular",
                numero=1,
                version=contracts.Version(respuestas=CURRICULAR),
                declarado_at=now,
                revisado_at=now,
            ),
        )

    async def found(**params: str) -> bool:
        return await _ids(client, **params) == [cid]

    assert await eventually(lambda: found(q=apodo.lower().replace("á", "a")), what="found by nickname")
    assert await eventually(lambda: found(q=marca, grupo="Persona indígena"), what="found by its group")
    async with db.acquire() as conn, conn.transaction():
        await contracts.send(
            conn, contracts.IdentidadVisible(candidatura_id=cid, publicacion=False, estadistica=True, seq=2)
        )

    async def gone() -> bool:
        return await _ids(client, q=marca, grupo="Persona indígena") == []

    assert await eventually(gone, what="the group filter after revocation")
    assert await _ids(client, q=marca) == [cid]


async def test_nickname_search_ignores_accents_and_case(client: Client, db: asyncpg.Pool) -> None:
    apodo = f"Güera{uuid.uuid4().hex[:6]}"
    cid = await _publish(db, _marca(), sobrenombre=f"La {apodo}")
    assert await _ids(client, q=apodo.lower().replace("ü", "u")) == [cid]
    assert await _ids(client, q=f"la {apodo.upper()}") == [cid]
    html = await (await client.get("/candidaturas", params={"q": apodo})).text()
    assert f"«La {apodo}»" in html


async def test_active_filters_are_listed_and_each_link_removes_only_its_own(client: Client, db: asyncpg.Pool) -> None:
    marca = _marca()
    await _publish(db, marca, nacimiento=await _age(61))
    html = await (await client.get("/candidaturas", params={"q": marca, "edad": "60+", "sexo": "mujer"})).text()
    section = html.split('id="activos-titulo"', 1)[1].split("</section>", 1)[0]
    assert "Edad: 60 años o más." in section and "Sexo: Mujer." in section
    links = dict(
        (unescape(label), parse_qs(urlparse(unescape(href)).query))
        for href, label in re.findall(r'<a href="([^"]+)">Quitar el filtro «([^»]+)»</a>', section)
    )
    assert links["Edad"] == {"q": [marca], "sexo": ["mujer"]}
    assert links["Sexo"] == {"q": [marca], "edad": ["60+"]}
    assert links["Nombre o sobrenombre"] == {"edad": ["60+"], "sexo": ["mujer"]}


async def test_an_empty_result_says_how_to_widen_it(client: Client, db: asyncpg.Pool) -> None:
    marca = _marca()
    await _publish(db, marca)
    html = await (await client.get("/candidaturas", params={"q": marca, "edad": "18-24"})).text()
    assert "0 candidaturas encontradas." in html
    assert "Ninguna candidatura publicada cumple todos estos filtros a la vez" in html
    assert "Quitar el filtro «Edad»" in html and "Quitar todos los filtros" in html
    assert 'action="/comparar"' not in html


async def test_pagination_keeps_every_filter(client: Client, db: asyncpg.Pool) -> None:
    marca = _marca()
    ids = [await _publish(db, marca, nacimiento=await _age(61)) for _ in range(2)]
    params = {"q": marca, "cargo": "PRES_MUN", "edad": "60+", "escolaridad": "Licenciatura", "limite": "1"}
    html = await (await client.get("/candidaturas", params=params)).text()
    link = unescape(html.split('<p><a href="', 1)[1].split('">Siguientes resultados', 1)[0])
    query = {k: v[0] for k, v in parse_qs(urlparse(link).query).items()}
    cursor = query.pop("cursor")
    assert cursor and query == params
    # (Through params: yarl would turn the link's %2B into a "+", which a browser does not.)
    second = await (await client.get("/candidaturas", params={**params, "cursor": cursor})).text()
    assert "2 candidaturas encontradas." in second and f"/candidaturas/{ids[1]}" in second


async def test_compare_form_works_without_javascript(client: Client, db: asyncpg.Pool) -> None:
    marca = _marca()
    a = await _publish(db, marca, cargo="DIP_MR", municipio=None, distrito=1)
    b = await _publish(db, marca, curricular={"propuestas": {"propuesta_1": "Bibliotecas rurales"}})
    html = await (await client.get("/candidaturas", params={"q": marca})).text()
    form = html.split('<form method="get" action="/comparar"', 1)[1].split("</form>", 1)[0]
    assert f'name="ids" value="{a}"' in form and f'name="ids" value="{b}"' in form
    assert '<button type="submit">Comparar las marcadas</button>' in form
    # What a browser sends for two ticked boxes of a GET form.
    page = await client.get(f"/comparar?ids={b}&ids={a}")
    text = await page.text()
    assert page.status == 200
    # Neutral order: the ayuntamiento (cargo order) and the diputación in the catalog order, whatever was ticked.
    orden = [
        r["id"]
        for r in await db.fetch(
            "SELECT id FROM publico.candidaturas WHERE id = ANY($1) ORDER BY cargo_orden, id", [a, b]
        )
    ]
    positions = [text.index(f'href="/candidaturas/{i}"') for i in orden]
    assert positions == sorted(positions)
    assert "Bibliotecas rurales" in text and "Agua potable en cada tenencia" in text
    assert "La candidatura no proporcionó información." in text  # b gave no formación, contacto is empty for both
    for titulo in ("Datos generales y contacto público", "Formación académica", "Propuestas"):
        assert titulo in text


async def test_compare_accepts_a_comma_list_and_is_cached_with_etag(client: Client, db: asyncpg.Pool) -> None:
    marca = _marca()
    a, b, c = [await _publish(db, marca) for _ in range(3)]
    first = await client.get(f"/comparar?ids={a},{b},{c}")
    assert first.status == 200
    etag = first.headers["ETag"]
    again = await client.get(f"/comparar?ids={c},{a}&ids={b}", headers={"If-None-Match": etag})
    assert again.status == 304


async def test_compare_refuses_bad_requests_with_a_spanish_page(client: Client, db: asyncpg.Pool) -> None:
    marca = _marca()
    ids = [await _publish(db, marca) for _ in range(5)]
    no_publicada = (await factories.candidata(db)).candidatura_id
    cases = {
        "/comparar": (400, "al menos dos"),
        f"/comparar?ids={ids[0]}": (400, "al menos dos"),
        "/comparar?ids=" + ",".join(map(str, ids)): (400, "hasta 4"),
        f"/comparar?ids={ids[0]},abc": (400, "no es el número"),
        f"/comparar?ids={ids[0]},99999999999999": (400, "no es el número"),
        f"/comparar?ids={ids[0]},{no_publicada}": (404, f"No hay candidatura publicada con el número {no_publicada}"),
    }
    for path, (status, text) in cases.items():
        response = await client.get(path)
        body = await response.text()
        assert response.status == status, path
        assert text in unescape(body) and "lista de candidaturas" in body, path


async def test_list_and_compare_pass_axe_and_stay_light(page: Page, base_url: str, db: asyncpg.Pool) -> None:
    marca = _marca()
    a = await _publish(db, marca, sobrenombre="El Profe", nacimiento=await _age(61))
    b = await _publish(db, marca, grupos=["Persona indígena"], publica=True, nacimiento=await _age(61))
    await page.set_viewport_size({"width": 360, "height": 740})
    for path in (
        "/candidaturas",
        f"/candidaturas?q={marca}&edad=60%2B&sexo=mujer",
        f"/candidaturas?q={marca}&edad=18-24",
        f"/comparar?ids={a},{b}",
        f"/comparar?ids={a}",
    ):
        response = await page.goto(base_url + path)
        assert response is not None
        assert await axe_violations(page) == [], path
        html = await response.body()
        css = await page.evaluate(
            "Promise.all([...document.querySelectorAll('link[rel=stylesheet]')]"
            ".map(l => fetch(l.href).then(r => r.text()))).then(t => t.join('').length)"
        )
        assert len(html) + css < 60 * 1024, path
        # Wide comparison tables scroll inside their own region, never the page.
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360, path
    await page.goto(f"{base_url}/candidaturas?q={marca}")
    await page.check(f'input[name="ids"][value="{a}"]')
    await page.check(f'input[name="ids"][value="{b}"]')
    async with page.expect_navigation():
        await page.get_by_role("button", name="Comparar las marcadas").click()
    assert "/comparar?ids=" in page.url
    assert await page.locator("h1").inner_text() == "Comparar candidaturas"
