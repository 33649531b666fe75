"""A candidate types a rubro, the session ends before they press «Guardar rubro» (expired, or Redis lost it): the
page says nothing was saved and shows the text to copy, passes axe, and its link logs in back to the form."""

from __future__ import annotations

import asyncpg
from playwright.async_api import Page

from . import factories
from .browser import axe_violations, login

PROPUESTA = "Bibliotecas abiertas hasta las diez de la noche en cada tenencia."


async def test_a_rubro_sent_without_a_session_gives_the_text_back(page: Page, base_url: str, db: asyncpg.Pool) -> None:
    candidata = await factories.candidata(db)
    await login(page, base_url, candidata.username)
    await page.wait_for_url(f"{base_url}/captura/")
    rubro = f"{base_url}/captura/candidaturas/{candidata.candidatura_id}/curricular/propuestas"
    await page.goto(rubro)
    await page.locator("[name=propuesta_1]").fill(PROPUESTA)
    await page.context.clear_cookies()  # the session is gone by the time the form is sent
    await page.get_by_role("button", name="Guardar rubro").click()

    await page.get_by_role("heading", name="Tu sesión terminó").wait_for()
    assert "no se guardó" in await page.get_by_role("alert").inner_text()
    assert await page.get_by_label("Campo «propuesta_1»").input_value() == PROPUESTA
    assert await axe_violations(page) == []
    assert (
        await db.fetchval("SELECT count(*) FROM captura.respuestas WHERE candidatura_id = $1", candidata.candidatura_id)
        == 0
    )

    await page.get_by_role("link", name="Iniciar sesión de nuevo").click()
    await page.get_by_label("Usuario o correo electrónico").fill(candidata.username)
    await page.get_by_label("Contraseña").fill(factories.DEMO_PASSWORD)
    await page.get_by_role("button", name="Entrar").click()
    await page.wait_for_url(rubro)
