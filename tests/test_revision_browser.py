"""The reviewer's path in Chromium: the queue, one review with its photo, flags and diff, the approval, and the
refusal of a decision on a version already decided; axe-core finds nothing on any of those pages.

With CONOCELES_MANUAL_SCREENSHOTS=1 the pictures of docs/manual-personal/validacion.md are written to
docs/img/manual-personal/ (viewport 1000×700); otherwise to a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg
from playwright.async_api import Browser, Locator, Page, expect

from . import factories
from .browser import axe_violations, login
from .helpers import CURRICULAR_COMPLETO, Client
from .revision_datos import CURP_PLANTADA, TRAYECTORIA_CON_CURP, bandera, curricular_enviado, second_version

DOCS_IMG = Path(__file__).resolve().parents[1] / "docs" / "img" / "manual-personal"
VIEWPORT = {"width": 1000, "height": 700}


async def test_the_reviewers_path_in_chromium(
    browser: Browser, base_url: str, db: asyncpg.Pool, make_client: type[Client], tmp_path: Path
) -> None:
    folder = DOCS_IMG if os.environ.get("CONOCELES_MANUAL_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    trayectoria = {**CURRICULAR_COMPLETO["trayectoria"], "trayectoria_politica": TRAYECTORIA_CON_CURP}
    otra = await curricular_enviado(make_client, db)
    enviado = await curricular_enviado(make_client, db, foto=True, independiente=True, trayectoria=trayectoria)
    helper = make_client()
    await helper.login(await factories.cuenta(db, "coordinacion"))
    nuevas = {**CURRICULAR_COMPLETO["propuestas"], "propuesta_1": "Agua potable y drenaje en cada colonia."}
    review_id = await second_version(enviado, helper, db, nuevas)
    inicio = TRAYECTORIA_CON_CURP.index(CURP_PLANTADA)
    await bandera(db, review_id, inicio=inicio, fin=inicio + len(CURP_PLANTADA), fragmento=CURP_PLANTADA)
    await bandera(
        db,
        review_id,
        tipo="propuesta_copiada",
        clase="plataforma_comun",
        estado="informativa",
        rubro="propuestas",
        campo="propuesta_2",
        fin=len(CURRICULAR_COMPLETO["propuestas"]["propuesta_2"]),
        otra_candidatura_id=otra.person.candidatura_id,
        similitud=1.0,
    )
    username = await factories.cuenta(db, "validador")
    context = await browser.new_context(locale="es-MX", viewport=VIEWPORT)
    page = await context.new_page()
    shots: list[str] = []

    async def shot(name: str, target: Page | Locator | None = None) -> None:
        path = folder / f"validacion-{len(shots) + 1:02d}-{name}.png"
        await (target or page).screenshot(path=str(path))
        shots.append(path.name)

    await login(page, base_url, username)
    await expect(page.get_by_role("heading", name="Cola de revisión")).to_be_visible()
    assert await axe_violations(page) == [], "cola"
    row = page.get_by_role("row").filter(has_text=enviado.person.nombre)
    await expect(row.get_by_role("cell", name="1", exact=True)).to_be_visible()  # its open flag
    await shot("cola")

    await row.get_by_role("link", name=enviado.person.nombre).click()
    await expect(page.get_by_role("heading", name=enviado.person.nombre, level=1)).to_be_visible()
    await expect(page.get_by_role("status")).to_contain_text("reservado para ti")
    photo = page.get_by_role("img", name=f"Fotografía enviada por {enviado.person.nombre}")
    # decode() waits for the image to arrive (under load it may not have yet) and fails if it is not a picture.
    assert await photo.evaluate("img => img.decode().then(() => img.naturalWidth > 0)")
    await expect(page.locator("mark.bandera:not(.informativa)").first).to_have_text(CURP_PLANTADA)
    await expect(page.locator("mark.informativa").first).to_have_text(CURRICULAR_COMPLETO["propuestas"]["propuesta_2"])
    await expect(page.locator("li.informativa")).to_contain_text("Plataforma común del mismo postulante")
    await expect(page.locator("dd.diff ins").first).to_contain_text("drenaje")
    assert await axe_violations(page) == [], "revisión"
    await shot("revision-encabezado")
    await shot("revision-banderas", page.locator("section[aria-labelledby=banderas]"))
    await shot("revision-cambios", page.locator("section[aria-labelledby=comparacion]"))
    await shot("revision-devolver", page.locator("form[action$='/devolver'] fieldset").last)

    # A second tab keeps the review open while the first one approves it.
    other = await context.new_page()
    await other.goto(page.url)
    await page.get_by_role("button", name="Aprobar", exact=True).click()
    # Its flag is open, so the approval waits for Transparencia before anything is published.
    await expect(page.get_by_role("status")).to_have_text(
        f"Se aprobó el cuestionario curricular de {enviado.person.nombre}. Quedó aprobada; espera la revisión de "
        "Transparencia antes de publicarse."
    )
    await shot("aprobada")
    await other.get_by_role("button", name="Aprobar", exact=True).click()
    await expect(other.get_by_role("heading", name="No se aplicó la decisión")).to_be_visible()
    await expect(other.get_by_role("alert")).to_contain_text("ya fue aprobado por otra decisión")
    assert await axe_violations(other) == [], "conflicto"
    page = other
    await shot("conflicto")
    await context.close()
    assert len(shots) == 7
