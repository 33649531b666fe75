"""Reports 2 (omisos) and 5 (calidad de los datos) in Chromium: from the reports index to each page, a bad date,
a file with its progress, with axe-core finding nothing on each page. With CONOCELES_MANUAL_SCREENSHOTS=1 the
pictures of docs/reportes-omisos-calidad.md are written to docs/img/reportes/ (viewport 1000×700)."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg
from playwright.async_api import Browser, Page, expect

from services.common import tiempo

from . import factories
from .browser import axe_violations, login

DOCS_IMG = Path(__file__).resolve().parents[1] / "docs" / "img" / "reportes"


async def _sin_violaciones(page: Page) -> None:
    assert await axe_violations(page) == [], page.url


async def _postulante_con_datos(db: asyncpg.Pool) -> int:
    """A postulante of its own: two omisas and a planilla with a gap, an alternation and a CURP to review."""
    postulante_id, siglas = await factories.postulante(db, "partido")
    await db.execute("UPDATE registro.postulantes SET nombre = 'Partido de Prueba' WHERE id = $1", postulante_id)
    await factories.candidata(db, siglas=siglas)
    await factories.formula_sin_cuentas(db, postulante_id)
    proceso = await db.fetchval("SELECT id FROM registro.procesos WHERE activo ORDER BY id LIMIT 1")
    nacimiento = date(1990, 2, 3)
    for numero, tipo, sexo, curp_sexo in (
        (1, "propietaria", "mujer", "mujer"),
        (1, "suplente", "mujer", "hombre"),
        (2, "propietaria", "mujer", "mujer"),
        (2, "suplente", "mujer", "mujer"),
        (4, "propietaria", "hombre", "hombre"),
        (4, "suplente", "hombre", "hombre"),
    ):
        await db.execute(
            """INSERT INTO registro.candidaturas (proceso_id, cargo, municipio, postulante_id, numero, tipo, nombre,
                   primer_apellido, segundo_apellido, sexo, fecha_nacimiento, curp)
               VALUES ($1, 'REG_RP', 16053, $2, $3, $4, 'Rocío', 'Tapia', 'Luna', $5, $6, $7)""",
            proceso,
            postulante_id,
            numero,
            tipo,
            sexo,
            nacimiento,
            factories._curp(nacimiento, curp_sexo),
        )
    return postulante_id


async def _archivo(page: Page, folder: Path, nombre: str | None) -> None:
    """The file's progress page: axe with the self-reload off, then ready with its SHA-256."""
    archivo = page.url.split("?")[0]
    await page.goto(archivo + "?auto=0")
    await _sin_violaciones(page)
    await page.goto(archivo)
    await expect(page.get_by_role("link", name=re.compile("Descargar el archivo"))).to_be_visible(timeout=60_000)
    await expect(page.locator("#sha256")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    await _sin_violaciones(page)
    if nombre:
        await page.screenshot(path=str(folder / nombre))


async def test_omisos_and_calidad_in_the_browser(
    browser: Browser, base_url: str, db: asyncpg.Pool, tmp_path: Path
) -> None:
    folder = DOCS_IMG if os.environ.get("CONOCELES_MANUAL_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    tz = tiempo.zona(await db.fetchval("SELECT zona_horaria FROM registro.procesos WHERE activo ORDER BY id DESC"))
    hoy = tiempo.today(datetime.now(UTC), tz)
    postulante_id = await _postulante_con_datos(db)
    username = await factories.cuenta(db, "coordinacion")
    context = await browser.new_context(locale="es-MX", viewport={"width": 1000, "height": 700})
    page = await context.new_page()
    await login(page, base_url, username)

    await page.goto(f"{base_url}/reportes/")
    await page.get_by_role("link", name="Candidaturas omisas").first.click()
    await expect(page.get_by_role("heading", name="Candidaturas omisas en la captura", exact=True)).to_be_visible()
    await _sin_violaciones(page)

    await page.get_by_label("Fecha de corte").fill((hoy + timedelta(days=3)).isoformat())
    await page.get_by_role("button", name="Ver el reporte").click()
    await expect(page.get_by_role("alert")).to_contain_text("posterior a hoy")
    await _sin_violaciones(page)

    await page.get_by_label("Fecha de corte").fill(hoy.isoformat())
    await page.get_by_label("Partido, coalición o candidatura").select_option(str(postulante_id))
    await page.get_by_role("button", name="Ver el reporte").click()
    await expect(page.get_by_role("heading", name=f"Al {hoy:%d/%m/%Y}")).to_be_visible()
    await expect(page.locator("table.omisos tbody tr")).to_have_count(9)  # all of them: nothing was submitted
    await _sin_violaciones(page)
    await page.evaluate("document.querySelector('#contenido h2').scrollIntoView()")
    await page.screenshot(path=str(folder / "05-omisos.png"))
    await page.get_by_role("button", name="Generar PDF").click()
    await expect(page.get_by_role("heading", name="Candidaturas omisas en la captura: PDF")).to_be_visible()
    await _archivo(page, folder, None)
    # The PDF's first page as Chromium's viewer shows it (the picture of the manual).
    async with page.expect_download() as descarga:
        await page.get_by_role("link", name="Descargar el archivo PDF").click()
    pdf = tmp_path / "omisos.pdf"
    await (await descarga.value).save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    visor = await context.new_page()
    await visor.goto(pdf.as_uri())
    await visor.wait_for_timeout(2000)  # the viewer paints after load; only the picture depends on it
    await visor.screenshot(path=str(folder / "08-omisos-pdf.png"))
    await visor.close()

    await page.goto(f"{base_url}/reportes/")
    await page.get_by_role("link", name="Calidad de los datos").first.click()
    await expect(page.get_by_role("heading", name="Calidad de los datos", exact=True)).to_be_visible()
    await page.get_by_label("Partido, coalición o candidatura").select_option(str(postulante_id))
    await page.get_by_role("button", name="Ver el reporte").click()
    await expect(page.locator("#hallazgos")).to_contain_text("Faltan las posiciones 3 de la lista.")
    await expect(page.locator("#hallazgos")).to_contain_text("la CURP dice hombre y el registro mujer")
    await _sin_violaciones(page)
    await page.evaluate("document.querySelector('#calidad').scrollIntoView()")
    await page.screenshot(path=str(folder / "06-calidad.png"))
    await page.get_by_role("button", name="Generar XLSX (Excel)").click()
    await expect(page.get_by_role("heading", name="Calidad de los datos: XLSX (Excel)")).to_be_visible()
    await _archivo(page, folder, "07-calidad-archivo.png")
    for picture in folder.glob("0[5-8]-*.png"):
        assert picture.stat().st_size < 300_000, picture
    await context.close()
