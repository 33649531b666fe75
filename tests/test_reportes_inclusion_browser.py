"""Report 4 in Chromium as the Coordinación de Igualdad: from the staff menu to the report, a filter, a file with
its progress; axe-core finds nothing on each page. With CONOCELES_MANUAL_SCREENSHOTS=1 the pictures of
docs/reportes-inclusion.md are written to docs/img/reportes/ (viewport 1000×700); otherwise to a temporary folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

import asyncpg
from playwright.async_api import Browser, Page, expect

from . import factories
from .browser import axe_violations, login

DOCS_IMG = Path(__file__).resolve().parents[1] / "docs" / "img" / "reportes"


async def _sin_violaciones(page: Page) -> None:
    assert await axe_violations(page) == [], page.url


async def test_inclusion_report_in_the_browser(
    browser: Browser, base_url: str, db: asyncpg.Pool, tmp_path: Path
) -> None:
    folder = DOCS_IMG if os.environ.get("CONOCELES_MANUAL_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    username = await factories.cuenta(db, "igualdad")
    context = await browser.new_context(locale="es-MX", viewport={"width": 1000, "height": 700})
    page = await context.new_page()

    await login(page, base_url, username)
    await page.goto(f"{base_url}/reportes/")
    await _sin_violaciones(page)
    await expect(page.get_by_role("link", name="Avance de la captura")).to_have_count(0)
    await page.get_by_role("link", name="Estadísticas de inclusión").first.click()
    await expect(page.get_by_role("heading", name="Estadísticas de inclusión", exact=True)).to_be_visible()
    await expect(page.locator("svg.grafica")).to_be_visible()
    await _sin_violaciones(page)
    await page.screenshot(path=str(folder / "inclusion-1-reporte.png"))
    await page.evaluate("document.querySelector('#resumen').scrollIntoView()")
    await page.screenshot(path=str(folder / "inclusion-2-tablas.png"))

    # A filter by cargo: the same page, narrower.
    cargo = await page.locator("#cargo option").nth(1).text_content()
    await page.get_by_label("Cargo").select_option(label=cargo)
    await page.get_by_role("button", name="Ver el reporte").click()
    await expect(page.get_by_label("Cargo")).to_have_value(re.compile(r".+"))
    await _sin_violaciones(page)

    await page.get_by_role("button", name="Generar PDF").click()
    await expect(page.get_by_role("heading", name="Estadísticas de inclusión: PDF")).to_be_visible()
    archivo = page.url.split("?")[0]
    await page.goto(archivo + "?auto=0")
    await _sin_violaciones(page)
    await page.goto(archivo)
    await expect(page.get_by_role("link", name="Descargar el archivo PDF")).to_be_visible(timeout=60_000)
    await _sin_violaciones(page)
    async with page.expect_download() as descarga:
        await page.get_by_role("link", name="Descargar el archivo PDF").click()
    pdf = tmp_path / "inclusion.pdf"
    await (await descarga.value).save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    visor = await context.new_page()
    await visor.goto(pdf.as_uri())
    await visor.wait_for_timeout(2000)  # the viewer paints after load; only the picture depends on it
    await visor.screenshot(path=str(folder / "inclusion-3-pdf.png"))
    for picture in folder.glob("inclusion-*.png"):
        assert picture.stat().st_size < 300_000, picture
    await context.close()
