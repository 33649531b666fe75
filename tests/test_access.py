"""Deny by default: every route of every service declares who may use it; CSRF guards every form."""

from __future__ import annotations

import importlib

import pytest
from aiohttp import web
from yarl import URL

from services.common.access import access_of

from .helpers import Client

SERVICES = ("auth", "captura", "validacion", "publico", "reportes")


def _routes(service: str) -> list[web.AbstractRoute]:
    module = importlib.import_module(f"services.{service}.app")
    app = module.create_app()
    return [r for r in app.router.routes() if not isinstance(r.resource, web.StaticResource)]


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_declares_its_access(service: str) -> None:
    routes = _routes(service)
    assert routes
    undeclared = [
        f"{r.method} {r.resource.canonical if r.resource else '?'}" for r in routes if access_of(r.handler) is None
    ]
    assert undeclared == []


async def test_staff_pages_are_refused_to_a_candidate_and_candidate_pages_to_staff(make_client: type[Client]) -> None:
    candidata = make_client()
    await candidata.login("demo-candidata")
    for path in ("/validacion/", "/reportes/"):
        response = await candidata.get(path)
        assert response.status == 403, path
        assert "No tienes permiso" in await response.text()
    validador = make_client()
    await validador.login("demo-validador")
    assert (await validador.get("/captura/")).status == 403


async def test_a_candidate_cannot_open_another_candidacy(make_client: type[Client]) -> None:
    candidata = make_client()
    await candidata.login("demo-candidata")
    # Candidacy of another party's person in the demo data (MORENA, same district).
    response = await candidata.get("/captura/candidaturas/3/curricular")
    assert response.status == 404


async def test_forms_without_the_session_csrf_token_are_refused(make_client: type[Client]) -> None:
    candidata = make_client()
    await candidata.login("demo-candidata")
    response = await candidata.post("/captura/candidaturas/1/curricular/contacto", data={"version": "0"})
    assert response.status == 403
    assert "El formulario caducó" in await response.text()
    wrong = await candidata.post("/cuenta/salir", data={"csrf_token": "otro"})
    assert wrong.status == 403


async def test_wrong_password_gets_a_spanish_message_and_keeps_the_username(client: Client) -> None:
    response = await client.submit(
        "/cuenta/entrar", "/cuenta/entrar", {"usuario": "demo-candidata", "contrasena": "equivocada"}
    )
    text = await response.text()
    assert response.status == 401
    assert "El usuario o la contraseña no son correctos." in text
    assert 'value="demo-candidata"' in text


async def test_logout_revokes_the_session(make_client: type[Client]) -> None:
    candidata = make_client()
    await candidata.login("demo-candidata")
    token = await candidata.csrf("/captura/")
    cookie = candidata.session.cookie_jar.filter_cookies(URL(candidata.base_url))["conoceles_sesion"].value
    assert (await candidata.post("/cuenta/salir", data={"csrf_token": token})).status == 303
    replay = Client(candidata.base_url)
    try:
        replay.session.cookie_jar.update_cookies({"conoceles_sesion": cookie})
        response = await replay.get("/captura/")
        assert response.status == 303 and response.headers["Location"].startswith("/cuenta/entrar")
    finally:
        await replay.close()
