"""Debian's Chromium driven by Playwright (its own browser download is not available here), plus axe-core."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import axe_playwright_python
from playwright.async_api import Page

from .helpers import DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_INSTALLED = Path(CHROMIUM).exists()
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """WCAG 2.1 A/AA violations axe-core finds on the current page (evaluated, so CSP does not block it)."""
    await page.evaluate(AXE_SOURCE)
    result = await page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]


# What a person types in the cuestionario curricular, rubro by rubro, found by the labels they read.
PROPUESTA = "Bibliotecas abiertas hasta la noche en las tenencias"
RUBROS_A_LLENAR = {
    "Datos generales y contacto público": {"Teléfono público": "443 100 2000"},
    "Formación académica": {"Grado máximo de estudios": "Maestría", "Estatus del grado máximo": "Título"},
    "Historia profesional y/o laboral": {"Historia profesional y/o laboral": "Enfermera en el IMSS de Zamora."},
    "Trayectoria política y/o participación social": {
        "Trayectoria política y/o participación social": "Comité de agua potable de mi colonia.",
        "¿Por qué quiero ocupar un cargo público?": "Para que la salud llegue a todas las tenencias.",
    },
    "Propuestas": {
        "Propuesta 1": PROPUESTA,
        "Propuesta 2": "Clínica móvil semanal.",
        "Propuesta en materia de género o del grupo en situación de discriminación": "Refugios para mujeres.",
    },
}


async def login(page: Page, base_url: str, username: str, password: str = DEMO_PASSWORD, path: str = "") -> None:
    await page.goto(f"{base_url}/cuenta/entrar{path}")
    await page.get_by_label("Usuario o correo electrónico").fill(username)
    await page.get_by_label("Contraseña").fill(password)
    await page.get_by_role("button", name="Entrar").click()


async def fill_fields(page: Page, fields: dict[str, str]) -> None:
    """Type or choose each value in the field with that label, as a person would."""
    for label, value in fields.items():
        field = page.get_by_label(label, exact=True)
        if await field.evaluate("e => e.tagName") == "SELECT":
            await field.select_option(value)
        else:
            await field.fill(value)
