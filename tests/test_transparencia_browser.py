"""The Unidad de Transparencia's consents path and the avisos de privacidad, walked in Chromium with axe-core.

With CONOCELES_MANUAL_SCREENSHOTS=1 the screenshots of docs/manual-personal/transparencia-consentimientos.md are
written to docs/img/manual-personal/; otherwise to a temporary folder, and every step is still checked.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import asyncpg
from playwright.async_api import Browser, Page, expect

from . import factories
from .browser import axe_violations, login
from .helpers import Client
from .test_identidad import _consentir
from .test_transparencia_consentimientos import SIGNED_PDF
from .uploads import upload

DOCS_IMG = Path(__file__).resolve().parents[1] / "docs" / "img" / "manual-personal"
PREFIX = "transparencia-consentimientos"


async def test_transparencia_revokes_in_writing_and_publishes_an_aviso_in_chromium(
    browser: Browser, base_url: str, db: asyncpg.Pool, make_client: type[Client], tmp_path: Path
) -> None:
    folder = DOCS_IMG if os.environ.get("CONOCELES_MANUAL_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    person = await factories.candidata_independiente(db)
    owner = make_client()
    await owner.login(person.username)
    await _consentir(owner, person.candidatura_id, 1, 2, 3)
    consent_page = f"/captura/candidaturas/{person.candidatura_id}/consentimiento"
    await upload(owner, consent_page, f"{consent_page}/documento", "documento", SIGNED_PDF, "f.pdf", "application/pdf")
    vigente = await db.fetchval("SELECT max(version) FROM publico.avisos_privacidad WHERE tipo = 'simplificado'")

    context = await browser.new_context(locale="es-MX", viewport={"width": 1000, "height": 700})
    page = await context.new_page()
    shots: list[Path] = []

    async def check(name: str) -> None:
        assert await axe_violations(page) == [], name
        path = folder / f"{PREFIX}-{len(shots) + 1:02d}-{name}.png"
        await page.screenshot(path=str(path))
        shots.append(path)

    try:
        await login(page, base_url, "demo-transparencia")
        await page.get_by_role("link", name="Consentimientos y formatos firmados").click()
        await expect(page.get_by_role("heading", name="Consentimientos y formatos firmados")).to_be_visible()
        await check("lista")

        await page.get_by_label("Nombre o postulante").fill(person.nombre.split()[0])
        await page.get_by_role("button", name="Buscar").click()
        await check("busqueda")
        await page.get_by_role("link", name=person.nombre).click()
        await expect(page.get_by_role("heading", name=f"Consentimientos de {person.nombre}")).to_be_visible()
        await expect(page.get_by_role("link", name=re.compile("Descargar el formato entregado"))).to_be_visible()
        await check("detalle")
        await page.locator("#formatos").scroll_into_view_if_needed()
        await check("historial-y-formato")

        await _fill_revocation(page)
        await page.locator("#revocar").scroll_into_view_if_needed()
        await check("formulario-revocacion")
        await page.get_by_role("button", name="Registrar la revocación").click()
        await expect(page.get_by_role("status")).to_contain_text("Quedó registrada la revocación")
        await expect(page.get_by_text("Solicitud por escrito, folio UT/0456/2027")).to_be_visible()
        await check("revocada")

        await page.get_by_role("link", name="Avisos de privacidad").first.click()
        await expect(page.get_by_role("heading", name="Avisos de privacidad", exact=True)).to_be_visible()
        await check("avisos")
        campo = page.get_by_label("Texto de la versión nueva").first
        await campo.fill(
            "{instituto} es responsable del tratamiento de los datos personales de las candidaturas.\n\n"
            "Puedes consultar el aviso integral en esta misma página."
        )
        await page.get_by_role("button", name="Publicar versión nueva del aviso simplificado").click()
        await expect(page.get_by_role("status")).to_have_text(f"Se publicó la versión {vigente + 1}.")
        await check("aviso-publicado")

        await page.goto(f"{base_url}/privacidad")
        await expect(page.get_by_text(f"Versión {vigente + 1}, vigente desde el")).to_be_visible()
        await page.get_by_text("Versiones anteriores del aviso simplificado").click()
        await check("privacidad-publica")
    finally:
        await context.close()
        await db.execute("DELETE FROM publico.avisos_privacidad WHERE tipo = 'simplificado' AND version > $1", vigente)
    for path in shots:
        assert path.stat().st_size < 200_000, path


async def _fill_revocation(page: Page) -> None:
    await page.get_by_label(re.compile(r"2\. Autorizo la publicación")).check()
    await page.get_by_label("Fecha del escrito (obligatoria)").fill((date.today() - timedelta(days=1)).isoformat())
    await page.get_by_label("Folio o referencia del escrito (obligatorio)").fill("UT/0456/2027")
    await page.get_by_label("Nota (opcional)").fill("Escrito recibido en la oficialía de partes.")
