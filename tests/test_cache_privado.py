"""Logged-in pages are not kept by the browser (issue 7, item 15): every page that needs a session, and the
forms that carry a session's CSRF token, answer ``Cache-Control: no-store``; after "Salir", Back refetches.
"""

from __future__ import annotations

import asyncpg
import pytest
from playwright.async_api import Page, expect

from services.common.shared_cache import CACHE_CONTROL

from . import factories
from .browser import login
from .helpers import Client
from .test_matrix import PERSONAS, ROUTES, _concrete

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]


@pytest.mark.parametrize("persona", SIGNED_IN)
async def test_every_page_that_needs_a_session_says_no_store(
    persona: str, make_client: type[Client], db: asyncpg.Pool
) -> None:
    candidata = await factories.candidata(db, siglas="PAN")
    ids = {"captura": candidata.candidatura_id}
    client = make_client()
    # The candidate logs in as the owner of the candidacy, so its pages answer 200, not 404.
    await client.login(candidata.username if persona == "candidatura" else str(PERSONAS[persona]))
    checked, shown = [], 0
    for route in ROUTES:
        assert route.access is not None
        if route.method != "GET" or route.access.public or not route.access.allows(persona):
            continue
        path = _concrete(route.path, ids)
        response = await client.get(path)
        if 300 <= response.status < 400:
            continue  # a redirect is not stored; where it leads is checked on its own
        shown += response.status == 200
        if "no-store" not in response.headers.get("Cache-Control", ""):
            checked.append(f"{path}: {response.status} {response.headers.get('Cache-Control')}")
    assert checked == []
    assert shown >= 1, persona


@pytest.mark.parametrize("path", ["/cuenta/entrar", "/cuenta/recuperar", "/cuenta/recuperar/token-que-no-existe"])
async def test_forms_with_a_csrf_token_say_no_store(path: str, client: Client) -> None:
    first = await client.get(path)  # without a session: the page creates one
    again = await client.get(path)  # with it
    for response in (first, again):
        assert response.status in (200, 404, 410), await response.text()
        assert "no-store" in response.headers["Cache-Control"], path
    failed = await client.submit("/cuenta/entrar", "/cuenta/entrar", {"usuario": "nadie", "contrasena": "x"})
    assert failed.status == 401 and failed.headers["Cache-Control"] == "no-store"


async def test_public_pages_keep_their_own_caching(client: Client) -> None:
    page = await client.get("/candidaturas")
    assert page.status == 200 and page.headers["Cache-Control"] == CACHE_CONTROL == "public, max-age=50"


async def test_back_after_logout_does_not_show_the_identity_answers(
    page: Page, base_url: str, db: asyncpg.Pool
) -> None:
    candidata = await factories.candidata(db)
    await login(page, base_url, candidata.username)
    await expect(page.get_by_role("heading", name="Mi candidatura")).to_be_visible()
    await page.goto(f"{base_url}/captura/candidaturas/{candidata.candidatura_id}/identidad")
    await page.goto(f"{base_url}/captura/candidaturas/{candidata.candidatura_id}/identidad/discapacidad")
    await page.locator("#discapacidad-si").check()
    await page.get_by_role("button", name="Guardar respuestas").click()
    await expect(page.get_by_role("status").first).to_be_visible()
    await expect(page.locator("#discapacidad-si")).to_be_checked()

    await page.get_by_role("button", name="Salir").click()
    await expect(page.get_by_role("heading", name="Entrar")).to_be_visible()
    await page.go_back()
    # The page was not kept: the browser asked again, and without a session the answer is the login page.
    await expect(page.get_by_role("heading", name="Entrar")).to_be_visible()
    assert "/cuenta/entrar" in page.url
    assert await page.locator("#discapacidad-si").count() == 0
