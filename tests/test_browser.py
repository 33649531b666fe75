"""The thin path again, as people do it: in headless Chromium, without any help from the test but clicks."""

from __future__ import annotations

from pathlib import Path

import asyncpg
from PIL import Image
from playwright.async_api import Browser, Page, expect

from . import factories
from .browser import PROPUESTA, RUBROS_A_LLENAR, axe_violations, fill_fields, login
from .helpers import DEMO_PASSWORD, eventually


async def test_thin_path_in_chromium(browser: Browser, base_url: str, db: asyncpg.Pool) -> None:
    candidata = await factories.candidata(db)

    context = await browser.new_context(locale="es-MX")
    page = await context.new_page()
    await login(page, base_url, candidata.username)
    await expect(page.get_by_role("heading", name="Mi candidatura")).to_be_visible()
    assert await axe_violations(page) == []
    await page.get_by_role("link", name=candidata.nombre).click()
    await expect(page.get_by_role("button", name="Enviar a validación")).to_have_count(0)
    for rubro, fields in RUBROS_A_LLENAR.items():
        await page.get_by_role("link", name=rubro, exact=True).click()
        await fill_fields(page, fields)
        await page.get_by_role("button", name="Guardar rubro").click()
        await expect(page.get_by_role("status")).to_have_text("Se guardó el rubro.")
        assert await axe_violations(page) == []
        await page.get_by_role("link", name="← Cuestionario curricular").click()
    await page.get_by_role("button", name="Enviar a validación").click()
    await expect(page.get_by_role("status")).to_contain_text("se envió a validación")
    await context.close()

    review_id = await eventually(
        lambda: db.fetchval("SELECT id FROM validacion.revisiones WHERE candidatura_id = $1", candidata.candidatura_id),
        what="the review task",
    )
    context = await browser.new_context(locale="es-MX")
    page = await context.new_page()
    await login(page, base_url, "demo-validador")
    await expect(page.get_by_role("heading", name="Cola de revisión")).to_be_visible()
    await page.locator(f"a[href='/validacion/revisiones/{review_id}']").click()
    await expect(page.get_by_text(PROPUESTA)).to_be_visible()
    await page.get_by_role("button", name="Aprobar").click()
    await expect(page.get_by_role("status")).to_have_text(
        f"Se aprobó el cuestionario curricular de {candidata.nombre}."
    )
    await page.get_by_role("button", name="Salir").click()
    await expect(page.get_by_role("heading", name="Entrar")).to_be_visible()
    await context.close()

    context = await browser.new_context(locale="es-MX", java_script_enabled=False)
    page = await context.new_page()

    async def published() -> bool:
        response = await page.goto(f"{base_url}/candidaturas/{candidata.candidatura_id}")
        return response is not None and response.status == 200

    await eventually(published, what="the published profile")
    await expect(page.get_by_role("heading", name=candidata.nombre)).to_be_visible()
    await expect(page.get_by_text(PROPUESTA)).to_be_visible()
    await page.goto(f"{base_url}/candidaturas?q=prueba")
    await expect(page.get_by_role("link", name=candidata.nombre)).to_be_visible()
    await context.close()


async def test_public_pages_have_no_axe_violations(page: Page, base_url: str) -> None:
    for path in ("/", "/candidaturas", "/cuenta/entrar"):
        await page.goto(base_url + path)
        assert await axe_violations(page) == [], path


async def test_axe_check_finds_a_real_violation(page: Page) -> None:
    # Guards the guard: if axe stopped running, the checks above would pass on anything.
    await page.set_content('<html><body><img src="x.png"><a href="/"></a></body></html>')
    ids = {v["id"] for v in await axe_violations(page)}
    assert {"image-alt", "link-name"} <= ids


async def test_first_login_forces_a_new_password_then_logout(page: Page, base_url: str, db: asyncpg.Pool) -> None:
    username = await factories.cuenta(db, "coordinacion", must_change_password=True)
    await login(page, base_url, username)
    await expect(page.get_by_role("heading", name="Cambiar contraseña")).to_be_visible()
    assert await axe_violations(page) == []
    await page.get_by_label("Contraseña actual", exact=True).fill(DEMO_PASSWORD)
    await page.get_by_label("Contraseña nueva", exact=True).fill("corta")
    await page.get_by_label("Escribe otra vez la contraseña nueva").fill("corta")
    await page.get_by_role("button", name="Cambiar contraseña").click()
    await expect(page.get_by_role("alert")).to_contain_text("al menos 12 caracteres")
    assert await axe_violations(page) == []
    await page.get_by_label("Contraseña actual", exact=True).fill(DEMO_PASSWORD)
    await page.get_by_label("Contraseña nueva", exact=True).fill("río-lerma-al-amanecer")
    await page.get_by_label("Escribe otra vez la contraseña nueva").fill("río-lerma-al-amanecer")
    await page.get_by_role("button", name="Cambiar contraseña").click()
    await expect(page.get_by_role("heading", name="Cola de revisión")).to_be_visible()
    await page.get_by_role("button", name="Salir").click()
    await expect(page.get_by_role("heading", name="Entrar")).to_be_visible()
    await page.goto(f"{base_url}/validacion/")
    await expect(page.get_by_role("heading", name="Entrar")).to_be_visible()


async def test_every_captura_page_passes_axe_and_the_counter_counts(
    page: Page, base_url: str, db: asyncpg.Pool
) -> None:
    candidata = await factories.candidata(db)
    await login(page, base_url, candidata.username)
    await expect(page.get_by_role("heading", name="Mi candidatura")).to_be_visible()
    base = f"{base_url}/captura/candidaturas/{candidata.candidatura_id}"
    paths = [
        f"{base}/curricular",
        f"{base}/historial",
        f"{base}/curricular/correccion",
        f"{base}/foto",
        f"{base}/consentimiento",
        f"{base}/identidad",
    ]
    paths += [
        f"{base}/curricular/{rubro}" for rubro in ("contacto", "formacion", "profesional", "trayectoria", "propuestas")
    ]
    await page.goto(f"{base}/identidad")
    paths += [
        base_url + href
        for href in await page.eval_on_selector_all(
            f"a[href^='/captura/candidaturas/{candidata.candidatura_id}/identidad/']",
            "links => links.map(a => a.getAttribute('href'))",
        )
    ]
    assert len(paths) > 12
    for path in [f"{base_url}/captura/", *paths]:
        response = await page.goto(path)
        assert response is not None and response.status == 200, path
        assert await axe_violations(page) == [], path
    await page.goto(f"{base}/curricular/profesional")
    await page.get_by_label("Historia profesional y/o laboral", exact=True).fill("Doce letras")
    await expect(page.locator("#historia_profesional-contador")).to_have_text("11 de 5000 caracteres")


async def test_the_candidates_whole_path_in_chromium(
    browser: Browser, base_url: str, db: asyncpg.Pool, tmp_path: Path
) -> None:
    """Photo, consents and signed form, both questionnaires, both submitted: only clicks and typing."""
    photo, signed = tmp_path / "foto.jpg", tmp_path / "formato-firmado.png"
    Image.new("RGB", (900, 1200), (120, 80, 60)).save(photo, "JPEG")
    Image.new("RGB", (850, 1100), (255, 255, 255)).save(signed, "PNG")
    candidata = await factories.candidata(db)
    context = await browser.new_context(locale="es-MX")
    page = await context.new_page()
    await login(page, base_url, candidata.username)
    base = f"{base_url}/captura/candidaturas/{candidata.candidatura_id}"

    await page.goto(f"{base}/foto")
    await page.get_by_label("Archivo de la fotografía").set_input_files(photo)
    await page.get_by_role("button", name="Guardar fotografía").click()
    await expect(page.locator("img[src*='foto.jpg']").first).to_be_visible()

    await page.goto(f"{base}/consentimiento")
    for tipo in (1, 2, 3):
        await page.locator(f"#consentimiento_{tipo}").check()
    await page.get_by_role("button", name="Guardar autorizaciones").click()
    await page.get_by_label("Formato firmado").set_input_files(signed)
    await page.get_by_role("button", name="Subir formato firmado").click()
    await expect(page.get_by_label("Reemplazar el formato firmado")).to_be_visible()

    await page.goto(f"{base}/identidad")
    dimensions = await page.eval_on_selector_all(
        f"a[href^='/captura/candidaturas/{candidata.candidatura_id}/identidad/']",
        "links => [...new Set(links.map(a => a.getAttribute('href')))]",
    )
    assert len(dimensions) == 8
    for href in dimensions:
        await page.goto(base_url + href)
        for choice in await page.locator("input[value='prefiero_no_contestar']").all():
            await choice.check()
        await page.get_by_role("button", name="Guardar respuestas").click()
        await expect(page.get_by_role("status").first).to_be_visible()
    await page.goto(f"{base}/identidad")
    await page.get_by_role("button", name="Enviar a validación").click()

    await page.goto(f"{base}/curricular")
    for rubro, fields in RUBROS_A_LLENAR.items():
        await page.get_by_role("link", name=rubro, exact=True).click()
        await fill_fields(page, fields)
        await page.get_by_role("button", name="Guardar rubro").click()
        await page.get_by_role("link", name="← Cuestionario curricular").click()
    await page.get_by_role("button", name="Enviar a validación").click()
    await expect(page.get_by_role("status")).to_contain_text("se envió a validación")
    await context.close()

    submitted = await db.fetch(
        "SELECT cuestionario, datos FROM captura.envios WHERE candidatura_id = $1 ORDER BY cuestionario",
        candidata.candidatura_id,
    )
    assert [r["cuestionario"] for r in submitted] == ["curricular", "identidad"]
    assert submitted[0]["datos"]["foto"]["sha256"]
