"""Report 1 in Chromium: from the staff menu to the report at a cut-off date and a file with its progress, with
axe-core finding nothing on each page. With CONOCELES_MANUAL_SCREENSHOTS=1 the pictures of docs/reportes.md are
written to docs/img/reportes/ (viewport 1000×700); otherwise to a temporary folder."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from playwright.async_api import Browser, Page, expect

from services.common import tiempo

from . import factories
from .browser import axe_violations, login

DOCS_IMG = Path(__file__).resolve().parents[1] / "docs" / "img" / "reportes"


async def _sin_violaciones(page: Page) -> None:
    assert await axe_violations(page) == [], page.url


async def test_report_one_in_the_browser(browser: Browser, base_url: str, db: asyncpg.Pool, tmp_path: Path) -> None:
    folder = DOCS_IMG if os.environ.get("CONOCELES_MANUAL_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    tz = tiempo.zona(await db.fetchval("SELECT zona_horaria FROM registro.procesos WHERE activo ORDER BY id DESC"))
    hoy = tiempo.today(datetime.now(UTC), tz)  # the demo data was registered today
    username = await factories.cuenta(db, "coordinacion")
    context = await browser.new_context(locale="es-MX", viewport={"width": 1000, "height": 700})
    page = await context.new_page()

    await login(page, base_url, username)
    await page.goto(f"{base_url}/reportes/")
    await _sin_violaciones(page)
    await page.get_by_role("link", name="Avance de la captura").click()
    await expect(page.get_by_role("heading", name="Avance cuantitativo de la captura")).to_be_visible()
    await _sin_violaciones(page)
    await page.screenshot(path=str(folder / "01-avance.png"))

    # A date in the future: the message, next to the field, and the date kept.
    await page.get_by_label("Fecha de corte").fill((hoy + timedelta(days=5)).isoformat())
    await page.get_by_role("button", name="Ver el reporte").click()
    await expect(page.get_by_role("alert")).to_contain_text("posterior a hoy")
    await _sin_violaciones(page)

    await page.get_by_label("Fecha de corte").fill(hoy.isoformat())
    await page.get_by_label("Sexo").check()
    await page.get_by_role("button", name="Ver el reporte").click()
    await expect(page.get_by_role("heading", name=f"Al {hoy:%d/%m/%Y}")).to_be_visible()
    await expect(page.locator("svg.grafica")).to_be_visible()
    await _sin_violaciones(page)
    await page.evaluate("document.querySelector('#contenido h2').scrollIntoView()")
    await page.screenshot(path=str(folder / "02-avance-al-corte.png"))

    await page.get_by_role("button", name="Generar PDF").click()
    await expect(page.get_by_role("heading", name="Avance cuantitativo de la captura: PDF")).to_be_visible()
    archivo = page.url.split("?")[0]
    # Checked with its self-reload off (the reload would interrupt axe), as a screen-reader user may ask.
    await page.goto(archivo + "?auto=0")
    await _sin_violaciones(page)
    await page.goto(archivo)
    # The page reloads itself until the file is ready.
    await expect(page.get_by_role("link", name="Descargar el archivo PDF")).to_be_visible(timeout=60_000)
    await expect(page.locator("#sha256")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    await _sin_violaciones(page)
    await page.screenshot(path=str(folder / "03-archivo-listo.png"))

    # The PDF itself, as Chromium's viewer shows its first page (the picture of docs/reportes.md).
    async with page.expect_download() as descarga:
        await page.get_by_role("link", name="Descargar el archivo PDF").click()
    pdf = tmp_path / "avance.pdf"
    await (await descarga.value).save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    visor = await context.new_page()
    await visor.goto(pdf.as_uri())
    await visor.wait_for_timeout(2000)  # the viewer paints after load; only the picture depends on it
    await visor.screenshot(path=str(folder / "04-pdf-primera-pagina.png"))
    for picture in folder.glob("*.png"):
        assert picture.stat().st_size < 300_000, picture
    await context.close()
