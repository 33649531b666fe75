"""Every staff page type, in Chromium through the gateway, logged in as a role that may open it: axe-core finds no
WCAG 2.1 A/AA violation and the staff menu is there (services/common/menu.py).

STAFF_PAGES is the one table of staff page types. A new staff screen is checked by adding its row (one line); a
staff GET route of validacion, captura, reportes or auth missing from the table fails
``test_every_staff_page_is_in_the_table`` (downloads are told apart by their extension).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest
from aiohttp import web
from playwright.async_api import Browser

from launcher.system import System
from services.common.access import STAFF_ROLES, access_of

from . import factories
from .browser import axe_violations, login
from .helpers import Client, eventually, fill_curricular
from .test_registro import csv_bytes, persona, preview


@dataclass(frozen=True)
class StaffPage:
    path: str  # the route as the router declares it; {…} is filled from the ids the fixture prepares
    role: str  # who opens it in the test (a role its handler lets in)
    ids: tuple[str, ...] = ()  # which prepared ids fill the {…} of the path, in order
    # A page that reloads itself while a job runs is read with its reload stopped (auto=0, the page's own link),
    # so the reload cannot cut axe short; test_pages_that_reload_use_no_meta_refresh checks the reloading one.
    query: str = ""


STAFF_PAGES: dict[str, StaffPage] = {
    "cola de revisión": StaffPage("/validacion/", "validador"),
    "revisión": StaffPage("/validacion/revisiones/{id}", "validador", ("revision",)),
    "correcciones": StaffPage("/validacion/correcciones", "validador"),
    "importar candidaturas": StaffPage("/validacion/registro/importar", "coordinacion"),
    "secciones": StaffPage("/validacion/registro/secciones", "coordinacion"),
    "importación": StaffPage("/validacion/registro/importaciones/{id}", "coordinacion", ("importacion",)),
    "candidaturas registradas": StaffPage("/validacion/registro/candidaturas", "coordinacion"),
    "candidatura registrada": StaffPage("/validacion/registro/candidaturas/{id}", "coordinacion", ("candidatura",)),
    "ajustes del proceso": StaffPage("/validacion/proceso", "coordinacion"),
    "prórrogas": StaffPage("/validacion/prorrogas", "coordinacion"),
    "plazos y atrasos": StaffPage("/validacion/plazos", "coordinacion"),
    "omisos": StaffPage("/validacion/plazos/omisos", "coordinacion"),
    "reportes": StaffPage("/reportes/", "igualdad"),
    "cuentas": StaffPage("/cuenta/usuarios", "admin"),
    "cuenta nueva": StaffPage("/cuenta/usuarios/nueva", "admin"),
    "cuenta": StaffPage("/cuenta/usuarios/{id}", "admin", ("usuario",)),
    "lotes de cuentas": StaffPage("/cuenta/lotes", "coordinacion"),
    "lote de cuentas": StaffPage("/cuenta/lotes/{id}", "coordinacion", ("lote",)),
    "lote de cuentas, en proceso": StaffPage("/cuenta/lotes/{id}", "coordinacion", ("lote_en_proceso",), "auto=0"),
    "lote de una importación": StaffPage("/cuenta/lotes/importaciones/{id}", "coordinacion", ("importacion",)),
    "lote de una importación, preparándose": StaffPage(
        "/cuenta/lotes/importaciones/{id}", "coordinacion", ("importacion_sin_lote",), "auto=0"
    ),
    "mi contraseña": StaffPage("/cuenta/contrasena", "transparencia"),
    "buzón de desarrollo": StaffPage("/cuenta/correo-dev", "admin"),
    "banderas de datos sensibles": StaffPage("/validacion/transparencia/", "transparencia"),
    "consentimientos": StaffPage("/validacion/transparencia/consentimientos", "transparencia"),
    "consentimientos de una candidatura": StaffPage(
        "/validacion/transparencia/consentimientos/{id}", "transparencia", ("candidatura",)
    ),
    "avisos de privacidad": StaffPage("/validacion/transparencia/avisos", "transparencia"),
    "auditoría": StaffPage("/validacion/auditoria", "transparencia"),
    "auditoría de una candidatura": StaffPage(
        "/validacion/registro/candidaturas/{id}/auditoria", "coordinacion", ("candidatura",)
    ),
    "publicación de una candidatura": StaffPage(
        "/validacion/registro/candidaturas/{id}/publicacion", "coordinacion", ("candidatura",)
    ),
    "avance de la captura": StaffPage("/reportes/avance", "coordinacion"),
    "candidaturas omisas": StaffPage("/reportes/omisos", "coordinacion"),
    "calidad de los datos": StaffPage("/reportes/calidad", "coordinacion"),
    "informe mensual": StaffPage("/reportes/mensual", "admin"),
    "estadísticas de inclusión": StaffPage("/reportes/inclusion", "igualdad"),
    "archivo de inclusión": StaffPage(
        "/reportes/inclusion/archivos/{id}", "igualdad", ("archivo_inclusion",), "auto=0"
    ),
    "archivo de un reporte": StaffPage("/reportes/archivos/{id}", "coordinacion", ("archivo",), "auto=0"),
    "correo del buzón": StaffPage("/cuenta/correo-dev/{name}", "admin", ("correo",)),
}
STAFF_SERVICES = ("auth", "captura", "validacion", "reportes", "publico")  # publico: the avisos editor
# Downloads: by extension, or the signed forms and report files served under a path without one.
DOWNLOAD = re.compile(r"(\.(csv|xlsx|pdf|jpg|png|eml|json)|/documento|/descarga|/documentos/\{[^}]+\})$")
PLACEHOLDER = re.compile(r"\{[^}]+\}")


def _staff_get_routes() -> set[str]:
    """Every GET route a staff role may open, of the services that have staff screens (pages, not downloads)."""
    routes = set()
    for service in STAFF_SERVICES:
        app: web.Application = importlib.import_module(f"services.{service}.app").create_app()
        for route in app.router.routes():
            if route.method != "GET" or isinstance(route.resource, web.StaticResource) or route.resource is None:
                continue
            access = access_of(route.handler)
            path = route.resource.canonical
            if access is None or access.public or path in ("/health", "/metrics") or DOWNLOAD.search(path):
                continue
            if not access.roles or access.roles & set(STAFF_ROLES):
                routes.add(PLACEHOLDER.sub("{}", path))
    return routes


def test_every_staff_page_is_in_the_table() -> None:
    table = {PLACEHOLDER.sub("{}", p.path) for p in STAFF_PAGES.values()}
    assert _staff_get_routes() - table == set(), "add a row to STAFF_PAGES for each new staff screen"
    assert table - _staff_get_routes() == set(), "a row of STAFF_PAGES names a route that no longer exists"


def test_each_row_uses_a_role_the_route_lets_in() -> None:
    for service in STAFF_SERVICES:
        app: web.Application = importlib.import_module(f"services.{service}.app").create_app()
        for route in app.router.routes():
            if route.method != "GET" or route.resource is None:
                continue
            for name, page in STAFF_PAGES.items():
                if PLACEHOLDER.sub("{}", page.path) == PLACEHOLDER.sub("{}", route.resource.canonical):
                    access = access_of(route.handler)
                    assert access is not None and access.allows(page.role), name


@pytest.fixture(scope="module")
async def ids(base_url: str, db: asyncpg.Pool, system: System) -> AsyncIterator[dict[str, str]]:
    """One record of each kind a staff page shows, made through the gateway where a person would make it."""
    person = await factories.candidata(db)
    candidata = Client(base_url)
    coordinacion = Client(base_url)
    anonymous = Client(base_url)
    try:
        await candidata.login(person.username)
        await fill_curricular(candidata, person.candidatura_id)
        overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
        assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
        await coordinacion.login("demo-coordinacion")
        fila = persona("Regiduría de mayoría relativa", {"municipio": "Tzitzio"}, "PAN", 1, "Propietaria", "Axel")
        importacion_id, _ = await preview(coordinacion, "axe.csv", csv_bytes([fila]))
        usuario = await factories.cuenta(db, "validador")
        sent = await anonymous.submit("/cuenta/recuperar", "/cuenta/recuperar", {"usuario": usuario})
        assert sent.status in (200, 303), await sent.text()
        pedido = await coordinacion.submit("/reportes/avance", "/reportes/avance/archivos", {"formato": "csv"})
        assert pedido.status == 303, await pedido.text()
        pedido_id = int(pedido.headers["Location"].split("?")[0].rstrip("/").split("/")[-1])
        inclusion = await coordinacion.submit("/reportes/inclusion", "/reportes/inclusion/archivos", {"formato": "csv"})
        assert inclusion.status == 303, await inclusion.text()
        inclusion_id = int(inclusion.headers["Location"].split("?")[0].rstrip("/").split("/")[-1])
    finally:
        await candidata.close()
        await coordinacion.close()
        await anonymous.close()
    revision = await eventually(
        lambda: db.fetchval("SELECT id FROM validacion.revisiones WHERE candidatura_id = $1", person.candidatura_id),
        what="the review of the submitted questionnaire",
    )
    lote = await db.fetchval(
        "INSERT INTO auth.lotes_cuentas (estado, total, procesadas, creadas, finished_at) "
        "VALUES ('terminado', 0, 0, 0, now()) RETURNING id"
    )
    # A lote mid-way that no job works on (its page reloads itself).
    en_proceso = await db.fetchval(
        "INSERT INTO auth.lotes_cuentas (estado, total, procesadas, creadas) VALUES ('en_proceso', 10, 4, 3) "
        "RETURNING id"
    )
    # The import's lote, as the job creates it: its route sends the coordinación there.
    await db.execute(
        "INSERT INTO auth.lotes_cuentas (estado, origen, finished_at) VALUES ('terminado', $1, now())",
        f"importacion:{importacion_id}",
    )
    correo = await eventually(lambda: _first_mail(system), within=30, what="a mail in the development mailbox")
    # A report file no job works on (its page reloads itself), with the parameters of a real request.
    archivos = [
        await db.fetchval(
            "INSERT INTO reportes.archivos (informe, formato, parametros) "
            "SELECT informe, formato, parametros FROM reportes.archivos WHERE id = $1 RETURNING id",
            pedido,
        )
        for pedido in (pedido_id, inclusion_id)
    ]
    yield {
        "revision": str(revision),
        "importacion": str(importacion_id),
        "importacion_sin_lote": "999999",
        "candidatura": str(person.candidatura_id),
        "usuario": str(await db.fetchval("SELECT id FROM auth.users WHERE username = $1", usuario)),
        "lote": str(lote),
        "lote_en_proceso": str(en_proceso),
        "correo": correo,
        "archivo": str(archivos[0]),
        "archivo_inclusion": str(archivos[1]),
    }
    # A running lote blocks the next one: other tests' lotes must not find this one.
    await db.execute(
        "UPDATE auth.lotes_cuentas SET estado = 'terminado', finished_at = now() WHERE id = $1", en_proceso
    )


async def _first_mail(system: System) -> str | None:
    names = sorted(p.name for p in system.maildir.glob("*.eml"))
    return names[0] if names else None


def _path(page: StaffPage, ids: dict[str, str]) -> str:
    values = iter(ids[k] for k in page.ids)
    path = PLACEHOLDER.sub(lambda _: next(values), page.path)
    return f"{path}?{page.query}" if page.query else path


async def test_pages_that_reload_use_no_meta_refresh(base_url: str, ids: dict[str, str]) -> None:
    """A meta refresh cannot be stopped (WCAG 2.2.1, axe's meta-refresh): they reload through a script that the
    page's «Dejar de actualizar» link leaves out."""
    client = Client(base_url)
    try:
        await client.login("demo-coordinacion")
        for name, page in STAFF_PAGES.items():
            if "auto=0" not in page.query:
                continue
            reloading = await (await client.get(_path(StaffPage(page.path, page.role, page.ids), ids))).text()
            assert 'http-equiv="refresh"' not in reloading and "/static/actualizar.js" in reloading, name
            assert "Dejar de actualizar automáticamente" in reloading, name
            stopped = await (await client.get(_path(page, ids))).text()
            assert "/static/actualizar.js" not in stopped, name
    finally:
        await client.close()


@pytest.fixture(scope="module")
async def sessions(browser: Browser, base_url: str) -> dict[str, Any]:
    """One login per role, kept as the browser's storage state: each page type then opens logged in."""
    states: dict[str, Any] = {}
    for role in sorted({p.role for p in STAFF_PAGES.values()}):
        context = await browser.new_context(locale="es-MX")
        try:
            page = await context.new_page()
            await login(page, base_url, f"demo-{role}")
            await page.wait_for_load_state()
            states[role] = await context.storage_state()
        finally:
            await context.close()
    return states


@pytest.mark.parametrize("name", list(STAFF_PAGES))
async def test_every_staff_page_type_passes_axe_with_the_staff_menu(
    browser: Browser, base_url: str, ids: dict[str, str], sessions: dict[str, Any], name: str
) -> None:
    page_type = STAFF_PAGES[name]
    context = await browser.new_context(locale="es-MX", storage_state=sessions[page_type.role])
    try:
        page = await context.new_page()
        response = await page.goto(base_url + _path(page_type, ids))
        assert response is not None and response.status == 200, f"{name}: {response and response.status}"
        assert await page.get_attribute("html", "lang") == "es-MX"
        nav = page.get_by_role("navigation", name="Principal")
        assert await nav.get_by_role("link", name="Mi contraseña").count() == 1, f"{name}: no staff menu"
        assert await axe_violations(page) == [], name
    finally:
        await context.close()
