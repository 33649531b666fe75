"""The quality bars of the public site (issue #10), measured in Chromium on every public page type:
axe-core finds no WCAG 2.1 A/AA violation, nothing scrolls sideways at 360 px, photos are lazy with their size,
the keyboard reaches everything with a visible focus, list and profile pages weigh under 60 KB of HTML+CSS, and
every page says the same with JavaScript off.

PAGE_TYPES is the one table of public page types: a new page (comparar, mi-elección, estadísticas, datos…) is
checked by every bar here by adding its row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import pytest
from playwright.async_api import Browser, Page

from services.common import contracts

from . import factories
from .browser import axe_violations
from .helpers import Client, eventually
from .uploads import encode, halves, upload


@dataclass(frozen=True)
class PageType:
    path: str  # {id}: a published candidacy with a photo; {q}: a search that finds it
    weighed: bool = False  # a list or profile page: under WEIGHT_LIMIT of HTML plus the CSS it links
    status: int = 200


PAGE_TYPES: dict[str, PageType] = {
    "inicio": PageType("/"),
    "lista": PageType("/candidaturas", weighed=True),
    "lista con búsqueda": PageType("/candidaturas?q={q}", weighed=True),
    "perfil": PageType("/candidaturas/{id}", weighed=True),
    "privacidad": PageType("/privacidad"),
    "ayuda": PageType("/ayuda"),
    "comparar (una sola: error)": PageType("/comparar?ids={id}", status=400),
    "mi elección": PageType("/mi-eleccion"),
    "mi elección, un municipio": PageType("/mi-eleccion?municipio=16053"),
    "estadísticas": PageType("/estadisticas"),
    "datos abiertos": PageType("/datos"),
    "diccionario de datos": PageType("/datos/diccionario"),
    "error 404": PageType("/no-existe-esta-pagina", status=404),
}
WEIGHT_LIMIT = 60 * 1024
NARROW = {"width": 360, "height": 740}
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')


@dataclass(frozen=True)
class Publicada:
    candidatura_id: int
    busqueda: str


@pytest.fixture(scope="module")
async def publicada(base_url: str, db: asyncpg.Pool) -> Publicada:
    """One published candidacy with a photo and a full curricular, so list and profile show everything."""
    person = await factories.candidata(db)
    client = Client(base_url)
    try:
        await client.login(person.username)
        page = f"/captura/candidaturas/{person.candidatura_id}/foto"
        response = await upload(client, page, page, "foto", encode(halves(), "JPEG"), "foto.jpg", "image/jpeg")
        assert response.status == 303, await response.text()
    finally:
        await client.close()
    sha = await db.fetchval("SELECT sha256 FROM captura.fotos WHERE candidatura_id = $1", person.candidatura_id)
    now = datetime.now(UTC)
    respuestas = {
        "contacto": {"telefono_publico": "443 312 0000"},
        "formacion": {"grado_maximo": "Licenciatura", "estatus": "Título"},
        "propuestas": {"propuesta_1": "Agua potable en cada colonia.", "propuesta_2": "Transporte escolar."},
    }
    async with db.acquire() as conn, conn.transaction():
        await contracts.send(
            conn,
            contracts.Publish(
                candidatura_id=person.candidatura_id,
                cuestionario="curricular",
                numero=1,
                version=contracts.Version(respuestas=respuestas, foto=contracts.Foto(sha256=sha)),
                declarado_at=now,
                revisado_at=now,
            ),
        )
    await eventually(
        lambda: db.fetchval(
            "SELECT foto IS NOT NULL FROM publico.candidaturas WHERE id = $1 AND curricular IS NOT NULL",
            person.candidatura_id,
        ),
        what="the candidacy published with its photo",
    )
    return Publicada(person.candidatura_id, person.nombre.split()[0])


def _url(base_url: str, kind: PageType, publicada: Publicada) -> str:
    return base_url + kind.path.format(id=publicada.candidatura_id, q=publicada.busqueda)


async def _open(page: Page, base_url: str, name: str, publicada: Publicada) -> None:
    kind = PAGE_TYPES[name]
    response = await page.goto(_url(base_url, kind, publicada))
    assert response is not None and response.status == kind.status, f"{name}: {response and response.status}"


@pytest.mark.parametrize("name", list(PAGE_TYPES))
async def test_every_page_type_passes_axe_and_fits_360_px(
    browser: Browser, base_url: str, publicada: Publicada, name: str
) -> None:
    context = await browser.new_context(locale="es-MX", viewport=NARROW)
    try:
        page = await context.new_page()
        await _open(page, base_url, name, publicada)
        assert await page.get_attribute("html", "lang") == "es-MX"
        assert await axe_violations(page) == [], name
        scroll_width = await page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= NARROW["width"], f"{name} scrolls sideways at 360 px: {scroll_width}"
        # Every photo waits until it is near the screen and reserves its box (no jump while it loads).
        for img in await page.locator("main img").all():
            for attribute in ("width", "height"):
                assert (await img.get_attribute(attribute) or "").isdigit(), f"{name}: img without {attribute}"
            assert await img.get_attribute("loading") == "lazy", f"{name}: img not lazy"
    finally:
        await context.close()


async def test_the_photo_is_shown_lazy_on_list_and_profile(page: Page, base_url: str, publicada: Publicada) -> None:
    # The bar above checks every img; this makes sure there is one to check on the pages that show photos.
    for name in ("lista con búsqueda", "perfil"):
        await _open(page, base_url, name, publicada)
        assert await page.locator("main img[loading=lazy][width][height]").count() >= 1, name


async def test_keyboard_reaches_the_skip_link_first_with_a_visible_focus(
    page: Page, base_url: str, publicada: Publicada
) -> None:
    await _open(page, base_url, "inicio", publicada)
    await page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert await focused.inner_text() == "Saltar al contenido"
    box = await focused.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "the skip link stays off screen when focused"
    assert await focused.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    await page.keyboard.press("Enter")
    assert page.url.endswith("#contenido")
    # From the content, the keyboard reaches the search box and the button, each with a visible outline.
    seen: list[str] = []
    for _ in range(4):
        await page.keyboard.press("Tab")
        tag = await focused.evaluate("e => e.tagName + (e.id ? '#' + e.id : '')")
        assert await focused.evaluate("e => getComputedStyle(e).outlineStyle") != "none", tag
        seen.append(tag)
    assert "INPUT#q" in seen and "BUTTON" in seen, seen
    await page.locator("#q").fill(publicada.busqueda)
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r"/candidaturas\?q="))
    assert await page.locator(f'a[href="/candidaturas/{publicada.candidatura_id}"]').count() == 1


async def test_list_and_profile_pages_weigh_under_60_kb(client: Client, base_url: str, publicada: Publicada) -> None:
    for name, kind in PAGE_TYPES.items():
        if not kind.weighed:
            continue
        response = await client.get(_url(base_url, kind, publicada).removeprefix(base_url))
        html = await response.read()
        css = 0
        for href in STYLESHEET.findall(html.decode()):
            sheet = await client.get(href)
            assert sheet.status == 200, href
            css += len(await sheet.read())
        assert len(html) + css < WEIGHT_LIMIT, f"{name}: {len(html)} B of HTML + {css} B of CSS"


async def test_every_page_says_the_same_without_javascript(
    browser: Browser, base_url: str, publicada: Publicada
) -> None:
    with_js = await browser.new_context(locale="es-MX")
    without_js = await browser.new_context(locale="es-MX", java_script_enabled=False)
    try:
        on, off = await with_js.new_page(), await without_js.new_page()
        for name in PAGE_TYPES:
            await _open(on, base_url, name, publicada)
            await _open(off, base_url, name, publicada)
            assert await off.inner_text("main") == await on.inner_text("main"), name
        # The search form works without JavaScript: a plain GET.
        await off.goto(base_url + "/")
        await off.locator("#q").fill(publicada.busqueda)
        await off.get_by_role("button", name="Buscar").click()
        await off.wait_for_url(re.compile(r"/candidaturas\?q="))
        assert await off.locator(f'a[href="/candidaturas/{publicada.candidatura_id}"]').count() == 1
    finally:
        await with_js.close()
        await without_js.close()


def test_the_page_table_covers_the_routes_of_this_branch() -> None:
    # A public GET route with no row in PAGE_TYPES would escape every bar above.
    from services.publico.app import create_app

    app = create_app()
    covered = {kind.path.split("?")[0] for kind in PAGE_TYPES.values()}
    html_routes = {
        info.get("formatter") or info.get("path")
        for resource in app.router.resources()
        if (info := resource.get_info())
    }
    # Not HTML pages: the API (tests/test_privacidad_publica.py reads it), operations, the icon, photos, static.
    # Files, not pages: the PDF ficha (tests/test_publico_perfil.py), the dictionary CSV and release files.
    files = {"/candidaturas/{id}.pdf", "/datos/diccionario.csv", "/datos/{numero}/{archivo}"}
    skipped = {"/favicon.ico", "/media/{name}", "/health", "/metrics", None} | files
    # Staff pages publico serves about its own data (/validacion/transparencia/avisos): not public, walked with
    # axe in tests/test_transparencia_browser.py.
    staff = {r for r in html_routes if str(r).startswith("/validacion/")}
    missing = {r for r in html_routes if r not in skipped | staff and not str(r).startswith("/api/")} - covered
    assert not missing, f"public pages without a row in PAGE_TYPES: {missing}"
