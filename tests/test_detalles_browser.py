"""Item 20 where it is visual, in Chromium: locked forms look locked, and no page is wider than the phone."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import asyncpg
from playwright.async_api import Browser, Page, expect

from services.common import contracts

from . import factories
from .browser import axe_violations, login
from .helpers import Client, eventually, fill_curricular

ACTIVE_BUTTON = "rgb(11, 79, 138)"  # conoceles.css: button{background:#0b4f8a}
OVERFLOW_JS = "document.documentElement.scrollWidth - window.innerWidth"


async def _overflow(page: Page, url: str) -> int:
    response = await page.goto(url)
    assert response is not None and response.status == 200, url
    overflow: int = await page.evaluate(OVERFLOW_JS)
    return overflow


async def test_a_locked_form_looks_locked_and_says_why(
    browser: Browser, base_url: str, db: asyncpg.Pool, make_client: type[Client]
) -> None:
    person = await factories.candidata(db)
    client = make_client()
    await client.login(person.username)
    await fill_curricular(client, person.candidatura_id)
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    assert (await client.submit(overview, f"{overview}/enviar", {})).status == 303

    context = await browser.new_context(locale="es-MX")
    page = await context.new_page()
    await login(page, base_url, person.username)
    for path, name in (("curricular/propuestas", "Guardar rubro"), ("foto", "Guardar fotografía")):
        await page.goto(f"{base_url}/captura/candidaturas/{person.candidatura_id}/{path}")
        button = page.get_by_role("button", name=name)
        await expect(button).to_be_disabled()
        assert await button.evaluate("b => getComputedStyle(b).backgroundColor") != ACTIVE_BUTTON
        reason = page.locator("#bloqueo")
        await expect(reason).to_be_visible()
        await expect(reason).to_contain_text("se envió a validación")
        assert await button.get_attribute("aria-describedby") == "bloqueo"
        assert await axe_violations(page) == []
    await context.close()


async def test_no_page_is_wider_than_a_phone_or_the_reports_screen(
    browser: Browser, base_url: str, db: asyncpg.Pool
) -> None:
    profile = (await factories.candidata(db)).candidatura_id
    long_url = "https://www.facebook.com/" + "candidaturaconunnombremuylargoysinespacios" * 3
    now = datetime.now(UTC).isoformat()
    async with db.acquire() as conn, conn.transaction():
        await contracts.send(
            conn,
            contracts.Publish(
                candidatura_id=profile,
                cuestionario="curricular",
                numero=1,
                version=contracts.Version(
                    respuestas={
                        "contacto": {"facebook": long_url},
                        "propuestas": {"propuesta_1": "Agua para las tenencias"},
                    }
                ),
                declarado_at=now,
                revisado_at=now,
            ),
        )
    await eventually(
        lambda: db.fetchval("SELECT id FROM publico.candidaturas WHERE id = $1 AND curricular IS NOT NULL", profile),
        what="the published profile",
    )
    by_role = {
        None: ["/", "/candidaturas", f"/candidaturas/{profile}", "/cuenta/entrar"],
        "demo-representante": ["/captura/"],
        "demo-validador": ["/validacion/", "/validacion/correcciones"],
        "demo-coordinacion": [
            "/validacion/registro/candidaturas",
            "/validacion/registro/importar",
            "/reportes/",
            "/reportes/avance",
        ],
        "demo-admin": ["/cuenta/usuarios", "/validacion/proceso"],
    }
    for user, paths in by_role.items():
        context = await browser.new_context(locale="es-MX", viewport={"width": 360, "height": 740})
        page = await context.new_page()
        if user:
            await login(page, base_url, user)
            await page.wait_for_url(re.compile(r".*/(captura|validacion|reportes|cuenta)/.*"))
        for path in paths:
            assert await _overflow(page, base_url + path) <= 0, f"{path} overflows at 360 px ({user})"
        if user == "demo-coordinacion":
            await page.set_viewport_size({"width": 1280, "height": 800})
            assert await _overflow(page, base_url + "/reportes/avance") <= 0, "the report overflows at 1,280 px"
            # The wide table scrolls inside a labelled region a keyboard can reach.
            region = page.get_by_role("region", name="Avance por postulante y cargo")
            await expect(region).to_have_attribute("tabindex", "0")
            assert await axe_violations(page) == []
        await context.close()
