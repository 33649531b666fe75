"""Report 3 in Chromium: from the staff menu to a month's report, its incidents form (with an error and then saved)
and a file with its progress, with axe-core finding nothing on each page. With CONOCELES_MANUAL_SCREENSHOTS=1 the
pictures of docs/reportes-mensual.md are written to docs/img/reportes/ (viewport 1000×700)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from playwright.async_api import Browser, Page, expect

from services.common import contracts, tiempo
from services.reportes import mensual

from . import factories
from .browser import axe_violations, login
from .helpers import eventually

DOCS_IMG = Path(__file__).resolve().parents[1] / "docs" / "img" / "reportes"


async def _sin_violaciones(page: Page) -> None:
    assert await axe_violations(page) == [], page.url


async def test_the_monthly_report_in_the_browser(
    browser: Browser, base_url: str, db: asyncpg.Pool, tmp_path: Path
) -> None:
    folder = DOCS_IMG if os.environ.get("CONOCELES_MANUAL_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    tz = tiempo.zona(await db.fetchval("SELECT zona_horaria FROM registro.procesos WHERE activo ORDER BY id DESC"))
    hoy = tiempo.today(datetime.now(UTC), tz)
    username = await factories.cuenta(db, "coordinacion")
    context = await browser.new_context(locale="es-MX", viewport={"width": 1000, "height": 700})
    page = await context.new_page()
    # A few public pages first, so the month shows visits.
    for path in ("/", "/candidaturas", "/datos/diccionario.csv"):
        await page.request.get(base_url + path)

    async def contadas() -> bool:
        async with db.acquire() as conn, conn.transaction():
            await contracts.send(conn, contracts.FlushVisitas())
        return bool(await db.fetchval("SELECT count(*) FROM reportes.visitas WHERE fecha = $1 AND total > 0", hoy))

    await eventually(contadas, what="the visits to reach reportes")

    await login(page, base_url, username)
    await page.goto(f"{base_url}/reportes/")
    await page.get_by_role("link", name="Informe mensual").first.click()
    await expect(page.get_by_role("heading", name="Informe mensual de la implementación y operación")).to_be_visible()
    await expect(page.get_by_role("heading", name=f"Informe de {mensual.nombre(hoy.replace(day=1))}")).to_be_visible()
    await _sin_violaciones(page)
    await page.screenshot(path=str(folder / "10-mensual.png"))

    # A month that has not started: the message, next to the field.
    siguiente = (hoy.replace(day=1) + timedelta(days=32)).replace(day=1)
    await page.goto(f"{base_url}/reportes/mensual?mes={siguiente:%Y-%m}")
    await expect(page.get_by_role("alert")).to_contain_text("aún no empieza")
    await _sin_violaciones(page)

    await page.goto(f"{base_url}/reportes/mensual?mes={hoy:%Y-%m}")
    # Incidents too long: the page comes back with the message and the text typed.
    campo = page.get_by_label("Incidencias del mes")
    await campo.evaluate("(e, n) => { e.removeAttribute('maxlength'); e.value = 'x'.repeat(n); }", 20_001)
    await page.get_by_role("button", name="Guardar incidencias").click()
    await expect(page.get_by_role("alert")).to_contain_text("caben en 20000 caracteres")
    await expect(page.get_by_label("Incidencias del mes")).to_have_attribute("aria-invalid", "true")
    await _sin_violaciones(page)

    await page.get_by_label("Incidencias del mes").fill(
        "El 1 de este mes el sitio público estuvo fuera de línea 15 minutos por mantenimiento programado."
    )
    await page.get_by_role("button", name="Guardar incidencias").click()
    await expect(page.get_by_text("Se guardaron las incidencias")).to_be_visible()
    await _sin_violaciones(page)
    await page.locator("#seccion-incidencias").scroll_into_view_if_needed()
    await page.screenshot(path=str(folder / "11-mensual-incidencias.png"))

    await page.get_by_role("button", name="Generar PDF").click()
    await expect(page.get_by_role("heading", name="Informe mensual: PDF")).to_be_visible()
    archivo = page.url.split("?")[0]
    await page.goto(archivo + "?auto=0")
    await _sin_violaciones(page)
    await page.goto(archivo)
    await expect(page.get_by_role("link", name="Descargar el archivo PDF")).to_be_visible(timeout=60_000)
    await _sin_violaciones(page)
    async with page.expect_download() as descarga:
        await page.get_by_role("link", name="Descargar el archivo PDF").click()
    pdf = tmp_path / "mensual.pdf"
    await (await descarga.value).save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    visor = await context.new_page()
    await visor.goto(pdf.as_uri())
    await visor.wait_for_timeout(2000)  # the viewer paints after load; only the picture depends on it
    await visor.screenshot(path=str(folder / "12-mensual-pdf.png"))
    await context.close()
