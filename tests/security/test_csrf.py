"""Attack 4: every state-changing route of every app refuses a request without the session's CSRF token, with a
wrong one, or sent by a page of another site (Origin or Referer), even with the right token.

The table is the routers themselves (tests/test_matrix.py reads them), so a route added tomorrow is in it.
"""

from __future__ import annotations

from typing import Any

import pytest

from services.common.origen import CROSS_ORIGIN_MESSAGE
from services.common.web import UNSAFE_METHODS

from ..helpers import Client
from ..test_hostil import World, _concrete, _role_for
from ..test_matrix import ROUTES, Route

pytestmark = pytest.mark.usefixtures("quiet_log")

WRITES = [r for r in ROUTES if r.method != "GET"]
EVIL = "https://sitio-malicioso.example"


def test_every_route_that_is_not_a_get_is_guarded() -> None:
    # A method the CSRF middleware does not treat as unsafe (or a catch-all) would escape every check below.
    assert {r.method for r in ROUTES} <= {"GET"} | UNSAFE_METHODS
    assert len(WRITES) > 40


def _variants(token: str, base_url: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("sin token", {"data": {"x": "1"}}),
        ("token ajeno", {"data": {"csrf_token": "otro-token-cualquiera"}}),
        ("token ajeno en cabecera", {"headers": {"X-CSRF-Token": "otro"}, "json": {"a": 1}}),
        ("json sin token", {"json": {"csrf_token": token}}),
        ("Origin de otro sitio", {"data": {"csrf_token": token}, "headers": {"Origin": EVIL}}),
        ("Origin null", {"data": {"csrf_token": token}, "headers": {"Origin": "null"}}),
        ("Referer de otro sitio", {"data": {"csrf_token": token}, "headers": {"Referer": f"{EVIL}/pagina"}}),
        ("cabecera y Origin ajeno", {"headers": {"X-CSRF-Token": token, "Origin": EVIL}, "data": b""}),
    ]


@pytest.mark.parametrize("route", WRITES, ids=[f"{r.method} {r.path}" for r in WRITES])
async def test_forged_writes_are_refused(route: Route, world: World, base_url: str) -> None:
    assert route.access is not None
    role = None if route.access.public else _role_for(route)
    persona = world.personas[role]
    failures = []
    for path in _concrete(route, world)[:1]:
        for what, kwargs in _variants(persona.token, base_url):
            response = await persona.client.request(route.method, path, **kwargs)
            if response.status != 403:
                failures.append(f"{what}: {response.status} {(await response.text())[:120]}")
            elif "Origin" in kwargs.get("headers", {}) or "Referer" in kwargs.get("headers", {}):
                assert CROSS_ORIGIN_MESSAGE in await response.text(), what
    assert failures == []


async def test_same_site_writes_still_work(make_client: type[Client], base_url: str) -> None:
    """The browser's own Origin and Referer (and none at all, a script) pass: only other sites are refused."""
    host = base_url.split("//", 1)[1]
    for headers in ({"Origin": base_url}, {"Referer": f"{base_url}/cuenta/entrar"}, {}, {"Origin": f"http://{host}"}):
        client = make_client()
        await client.login("demo-admin")
        token = await client.csrf("/cuenta/usuarios")
        response = await client.post("/cuenta/salir", data={"csrf_token": token}, headers=headers)
        assert response.status == 303, headers
    # localhost instead of 127.0.0.1: the host the request was sent to is this site too.
    local = make_client()
    local.base_url = base_url.replace("127.0.0.1", "localhost")
    token = await local.csrf("/cuenta/entrar")
    answer = await local.post(
        "/cuenta/entrar",
        data={"csrf_token": token, "usuario": "nadie", "contrasena": "x"},
        headers={"Origin": local.base_url},
    )
    assert answer.status != 403


async def test_refused_writes_leave_every_session_alive(world: World) -> None:
    # The refused variants never reached a handler: nobody was logged out (POST /cuenta/salir is in the table).
    for persona in world.personas.values():
        if persona.username:
            assert (await persona.client.get("/cuenta/contrasena")).status == 200, persona.role
