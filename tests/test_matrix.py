"""The authorization matrix: every route of every service, read from the routers, for anonymous and each role.

A route whose handler declares no access rule fails here. Scope (own candidacy, own postulante) is checked
after the role gate, in SQL; the second half of this file proves it for candidates and representatives.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

import asyncpg
import pytest
from aiohttp import web

from services.common.access import ROLES, Access, access_of

from . import factories
from .helpers import CSRF, Client

SERVICES = ("auth", "captura", "validacion", "publico", "reportes")
PERSONAS: dict[str, str | None] = {"anonymous": None, **{role: f"demo-{role}" for role in ROLES}}
PERSONAS["candidatura"] = "demo-candidata"
# Sent only to personas the rule denies: for the allowed ones the request would change shared state.
SIDE_EFFECTS = {("POST", "/cuenta/lotes"), ("POST", "/cuenta/salir")}


@dataclass(frozen=True)
class Route:
    service: str
    method: str
    path: str
    access: Access | None


def _routes() -> list[Route]:
    routes = []
    for service in SERVICES:
        app: web.Application = importlib.import_module(f"services.{service}.app").create_app()
        for route in app.router.routes():
            if isinstance(route.resource, web.StaticResource) or route.method == "HEAD":
                continue
            assert route.resource is not None
            routes.append(Route(service, route.method, route.resource.canonical, access_of(route.handler)))
    return routes


ROUTES = _routes()


def test_every_route_has_a_rule() -> None:
    assert [f"{r.method} {r.path}" for r in ROUTES if r.access is None] == []
    assert len(ROUTES) > 20


def _concrete(path: str, ids: dict[str, int]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        return {"rubro": "propuestas", "token": "token-que-no-existe", "name": "no-existe.eml"}.get(
            name, str(ids.get(path.split("/")[1], 999_999))
        )

    return re.sub(r"\{([^}]+)\}", value, path)


def _denied(persona: str, status: int, location: str) -> bool:
    if status == 403:
        return True
    return persona == "anonymous" and (status == 401 or (status == 303 and location.startswith("/cuenta/entrar")))


@pytest.mark.parametrize("persona", list(PERSONAS))
async def test_matrix(persona: str, make_client: type[Client], db: asyncpg.Pool) -> None:
    candidata = await factories.candidata(db, siglas="PAN")
    # Ids that exist where the route needs one: a PAN candidacy for captura, an unknown one elsewhere.
    ids = {"captura": candidata.candidatura_id}
    client = make_client()
    username = PERSONAS[persona]
    if username:
        await client.login(username)
    token_page = await client.get("/cuenta/contrasena" if username else "/cuenta/entrar")
    token = CSRF.search(await token_page.text())
    assert token, persona
    failures = []
    for route in ROUTES:
        assert route.access is not None
        allowed = route.access.allows(persona if username else None)
        if allowed and (route.method, route.path) in SIDE_EFFECTS:
            continue
        path = _concrete(route.path, ids)
        if route.method == "GET":
            response = await client.get(path)
        else:
            response = await client.request(route.method, path, data={"csrf_token": token.group(1)})
        denied = _denied(persona, response.status, response.headers.get("Location", ""))
        if denied == allowed:
            failures.append(f"{route.method} {path}: {response.status} (expected {'allowed' if allowed else 'denied'})")
    assert failures == []


async def test_a_candidate_reaches_only_its_own_candidacy(make_client: type[Client], db: asyncpg.Pool) -> None:
    mine = await factories.candidata(db, siglas="PAN")
    other = await factories.candidata(db, siglas="PAN")
    client = make_client()
    await client.login(mine.username)
    assert (await client.get(f"/captura/candidaturas/{mine.candidatura_id}/curricular")).status == 200
    for path in (
        f"/captura/candidaturas/{other.candidatura_id}/curricular",
        f"/captura/candidaturas/{other.candidatura_id}/curricular/propuestas",
    ):
        assert (await client.get(path)).status == 404, path
    token = await client.csrf(f"/captura/candidaturas/{mine.candidatura_id}/curricular/propuestas")
    write = await client.post(
        f"/captura/candidaturas/{other.candidatura_id}/curricular/propuestas",
        data={"csrf_token": token, "version": "0", "propuesta_1": "intrusión"},
    )
    assert write.status == 404
    assert (
        await db.fetchval("SELECT count(*) FROM captura.respuestas WHERE candidatura_id = $1", other.candidatura_id)
        == 0
    )


async def test_a_representative_reaches_only_its_postulantes_candidacies(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    pan = await factories.candidata(db, siglas="PAN")
    pri = await factories.candidata(db, siglas="PRI")
    client = make_client()
    await client.login("demo-representante")
    dashboard = await (await client.get("/captura/")).text()
    assert pan.nombre in dashboard and pri.nombre not in dashboard
    assert (await client.get(f"/captura/candidaturas/{pan.candidatura_id}/curricular")).status == 200
    assert (await client.get(f"/captura/candidaturas/{pri.candidatura_id}/curricular")).status == 404
    token = await client.csrf(f"/captura/candidaturas/{pan.candidatura_id}/curricular/propuestas")
    write = await client.post(
        f"/captura/candidaturas/{pri.candidatura_id}/curricular/enviar", data={"csrf_token": token}
    )
    assert write.status == 404
