"""The candidate's manual: its screenshots are taken here, by walking the real path in Chromium.

With CONOCELES_MANUAL_SCREENSHOTS=1 they are written to docs/img/manual/ (that is how the manual's pictures
were made); otherwise to a temporary folder, and the test still checks that every step rendered.
"""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg
from playwright.async_api import Browser, expect

from . import factories
from .browser import RUBROS_A_LLENAR, fill_fields, login
from .helpers import DEMO_PASSWORD, eventually

DOCS_IMG = Path(__file__).resolve().parents[1] / "docs" / "img" / "manual"


async def test_manual_screenshots(browser: Browser, base_url: str, db: asyncpg.Pool, tmp_path: Path) -> None:
    folder = DOCS_IMG if os.environ.get("CONOCELES_MANUAL_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    person = await factories.candidata(db)
    context = await browser.new_context(locale="es-MX", viewport={"width": 900, "height": 700})
    page = await context.new_page()
    shots: list[Path] = []

    async def shot(name: str) -> None:
        path = folder / f"{len(shots) + 1:02d}-{name}.png"
        await page.screenshot(path=str(path), full_page=True)
        shots.append(path)

    await page.goto(f"{base_url}/cuenta/entrar")
    await page.get_by_label("Usuario o correo electrónico").fill(person.username)
    await page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    await shot("entrar")
    await page.get_by_role("button", name="Entrar").click()
    await expect(page.get_by_role("heading", name="Mi candidatura")).to_be_visible()
    await shot("tablero")
    await page.get_by_role("link", name=person.nombre).click()
    await shot("cuestionario-curricular")
    await page.get_by_role("link", name="Propuestas", exact=True).click()
    await fill_fields(page, RUBROS_A_LLENAR["Propuestas"])
    await page.get_by_role("button", name="Guardar rubro").click()
    await expect(page.get_by_role("status")).to_have_text("Se guardó el rubro.")
    await shot("rubro-guardado")
    for rubro, fields in RUBROS_A_LLENAR.items():
        if rubro == "Propuestas":
            continue
        await page.goto(f"{base_url}/captura/candidaturas/{person.candidatura_id}/curricular")
        await page.get_by_role("link", name=rubro, exact=True).click()
        await fill_fields(page, fields)
        await page.get_by_role("button", name="Guardar rubro").click()
    await page.goto(f"{base_url}/captura/candidaturas/{person.candidatura_id}/curricular")
    await shot("listo-para-enviar")
    await page.get_by_role("button", name="Enviar a validación").click()
    await expect(page.get_by_role("status")).to_contain_text("se envió a validación")
    await shot("enviado")
    await context.close()

    review_id = await eventually(
        lambda: db.fetchval("SELECT id FROM validacion.revisiones WHERE candidatura_id = $1", person.candidatura_id),
        what="the review task",
    )
    staff = await browser.new_context(locale="es-MX", viewport={"width": 900, "height": 700})
    page = await staff.new_page()
    await login(page, base_url, "demo-validador")
    await page.goto(f"{base_url}/validacion/revisiones/{review_id}")
    await page.get_by_label("Observar este rubro").nth(4).check()
    await page.locator("#fundamento_propuestas").select_option("propuesta_copiada")
    await page.locator("#texto_propuestas").fill(
        "La propuesta 2 es idéntica a la de otra candidatura; redáctala con tus palabras."
    )
    await page.get_by_role("button", name="Devolver a la candidatura").click()
    await staff.close()

    context = await browser.new_context(locale="es-MX", viewport={"width": 900, "height": 700})
    page = await context.new_page()
    await login(page, base_url, person.username)

    async def observed() -> bool:
        await page.goto(f"{base_url}/captura/candidaturas/{person.candidatura_id}/curricular")
        return await page.get_by_text("Observación del Instituto").count() > 0

    await eventually(observed, what="the observations on the candidate's page")
    await shot("con-observaciones")
    await context.close()
    assert len(shots) == 7
    for path in shots:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000, path
