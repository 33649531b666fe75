"""Hostile requests on every route of every service: never a 5xx, never a traceback in the log.

The routes come from the routers (as in tests/test_matrix.py). Each one is tried anonymously and as a role that
may use it (fresh accounts and candidacies of this test, so nothing shared is touched), with NUL bytes,
overlong text, integers PostgreSQL cannot hold and impossible dates in the path, in the query and in every
field of the forms its pages show, and with malformed bodies. Then a few requests no HTTP parser should accept.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import importlib
import inspect
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import aiohttp
import asyncpg
import pytest
from aiohttp import web
from pydantic import BaseModel

from launcher.system import System
from services.common.curricular import RUBROS
from services.common.sessions import COOKIE_NAME

from . import factories
from .helpers import CSRF, Client, approve_review, eventually, fill_curricular
from .test_matrix import ROUTES, Route

NUL = "a\x00b"
HOSTILE_INTS = ["2147483648", "-2147483649", "9223372036854775808", "9" * 40]
HOSTILE_DATES = ["9999-12-31T23:59", "0001-01-01T00:00", "9999-12-31"]
FIELD_VALUES = [NUL, "x" * 100_000, *HOSTILE_INTS[:3], *HOSTILE_DATES]
QUERY_VALUES = ["%00", "x" * 7000, *HOSTILE_INTS, "9999-12-31", "%FF%FE"]
PATH_VALUES = ["%00", "2147483648", "9223372036854775808", "9" * 300, "%FF", "x" * 3000]
ROLE_PREFERENCE = ("candidatura", "representante", "coordinacion", "admin", "validador", "transparencia", "igualdad")
# Writes whose default form would change what other tests share: only refused-at-the-door variants for them.
SHARED_WRITES = {("POST", "/cuenta/lotes")}
LOG_ALARMS = ("Traceback", " ERROR ", "unvalidated input reached the database")

MALFORMED_BODIES: list[tuple[str, bytes]] = [
    ("multipart/form-data", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--\r\n"),
    ("multipart/form-data; boundary=y", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--\r\n"),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1"),
    ("multipart/form-data; boundary=x", b"\x00\x01\x02 not multipart"),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Type: text/plain\r\n\r\n1\r\n--x--\r\n"),
    ("multipart/form-data; boundary=x", b"--x\r\nno header here\r\n\r\n1\r\n--x--\r\n"),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n\xff\xfe\r\n--x--\r\n"),
    (
        "multipart/form-data; boundary=x",
        b"--x\r\nContent-Disposition: form-data; name=a\r\nContent-Transfer-Encoding: zzz\r\n\r\n1\r\n--x--\r\n",
    ),
    (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name=foto; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        b"\xff\xd8\xff not really a jpeg",
    ),
    ("application/x-www-form-urlencoded", b"usuario=%FF%FE&contrasena=\xff"),
    ("application/x-www-form-urlencoded; charset=no-existe", b"a=1"),
    ("application/json", b'{"a": "\\u0000", "b": 99999999999999999999999}'),
    ("text/plain", b"\x00" * 64),
]


# -- the forms each page shows -----------------------------------------------------------------------------
@dataclass
class Form:
    action: str
    multipart: bool
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    """Forms as a browser would submit them unchanged: checked boxes only, the selected (or first) option."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: list[Form] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            multipart = a.get("enctype", "") == "multipart/form-data"
            self.forms.append(Form(a.get("action") or self.page_path, multipart))
        if not self.forms or "name" not in a:
            if tag == "option" and self._select and self.forms:
                fields = self.forms[-1].fields
                if self._select not in fields or "selected" in a:
                    fields[self._select] = a.get("value", "")
            return
        fields = self.forms[-1].fields
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[name] = a.get("value", "on")
                else:
                    fields.setdefault(name, "")
            elif kind not in ("submit", "button", "file"):
                fields[name] = a.get("value", "")
            elif kind == "file":
                fields.setdefault(name, "")
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1].fields[self._textarea] += data


def _forms(page_path: str, html: str) -> list[Form]:
    parser = _FormParser(page_path)
    parser.feed(html)
    return parser.forms


# -- what each handler reads from the query ------------------------------------------------------------------
@functools.cache
def _app(service: str) -> web.Application:
    app: web.Application = importlib.import_module(f"services.{service}.app").create_app()
    return app


def _query_names(route: Route) -> list[str]:
    app = _app(route.service)
    handler = next(
        r.handler
        for r in app.router.routes()
        if r.method == route.method and r.resource is not None and r.resource.canonical == route.path
    )
    module = inspect.getmodule(inspect.unwrap(handler))
    source = inspect.getsource(module) if module else ""
    names = set(re.findall(r"query\.get\(\"(\w+)\"", source))
    for model_name in re.findall(r"(\w+)\.model_validate\(dict\(request\.query\)\)", source):
        model = getattr(module, model_name, None)
        if isinstance(model, type) and issubclass(model, BaseModel):
            names |= set(model.model_fields)
    return sorted(names)


QUERY_NAMES = {(r.method, r.path): _query_names(r) for r in ROUTES if r.method == "GET"}


# -- who asks, and which ids they may reach --------------------------------------------------------------------
@dataclass
class Persona:
    role: str | None
    client: Client
    username: str | None = None
    token: str = ""


@dataclass
class World:
    ids: dict[str, str]
    rubros: list[str]
    dimensiones: list[str]
    personas: dict[str | None, Persona]
    forms: dict[str | None, dict[str, list[Form]]] = field(default_factory=dict)


async def _login(persona: Persona) -> None:
    if persona.username:
        await persona.client.login(persona.username)
    page = await persona.client.get("/cuenta/contrasena" if persona.username else "/cuenta/entrar")
    match = CSRF.search(await page.text())
    assert match, persona.role
    persona.token = match.group(1)


async def _world(db: asyncpg.Pool, base_url: str) -> World:
    postulante_id, siglas = await factories.postulante(db, "independiente")
    candidata = await factories.candidata(db, siglas=siglas)
    usernames: dict[str | None, str | None] = {None: None, "candidatura": candidata.username}
    usernames["representante"] = await factories.cuenta(db, "representante", postulante_id=postulante_id)
    for role in ("coordinacion", "admin", "validador", "transparencia", "igualdad"):
        usernames[role] = await factories.cuenta(db, role)
    # An account every account manager may edit (coordinación manages candidate-side accounts only).
    spare = await factories.cuenta(db, "representante", postulante_id=postulante_id)
    spare_id = await db.fetchval("SELECT id FROM auth.users WHERE username = $1", spare)
    personas = {role: Persona(role, Client(base_url), username) for role, username in usernames.items()}
    for persona in personas.values():
        await _login(persona)
    dimensiones = await db.fetch("SELECT DISTINCT clave FROM registro.identidad_dimensiones ORDER BY clave")
    ids = {
        "captura": str(candidata.candidatura_id),
        "usuarios": str(spare_id),
        "registro": str(candidata.candidatura_id),
    }
    return World(ids, [r.clave for r in RUBROS], [d["clave"] for d in dimensiones], personas)


def _role_for(route: Route) -> str | None:
    assert route.access is not None
    return next((r for r in ROLE_PREFERENCE if route.access.allows(r)), None)


def _params(path: str) -> list[str]:
    return re.findall(r"\{([^}:]+)(?::[^}]*)?\}", path)


def _concrete(route: Route, world: World, **override: str) -> list[str]:
    """The route's path with real values (every rubro and dimension), and ``override`` in some parameters."""
    segments = route.path.split("/")
    key = "usuarios" if "/usuarios/" in route.path else "registro" if "/registro/candidaturas/" in route.path else ""
    defaults = {
        "id": world.ids.get(key or route.service, "999999"),
        "token": "token-que-no-existe",
        "name": "no-existe.jpg",
        "cuestionario": "curricular",
    }
    choices: dict[str, list[str]] = {"rubro": world.rubros, "dimension": world.dimensiones}
    paths = [""]
    for segment in segments[1:]:
        names = _params(segment)
        if not names:
            paths = [f"{p}/{segment}" for p in paths]
            continue
        name = names[0]
        suffix = re.sub(r"^\{[^}]+\}", "", segment)
        values = [override[name]] if name in override else choices.get(name, [defaults.get(name, "999999")])
        paths = [f"{p}/{v}{suffix}" for p in paths for v in values]
    return paths


# -- sending ---------------------------------------------------------------------------------------------------
@dataclass
class Findings:
    failures: list[str] = field(default_factory=list)
    sent: int = 0


async def _send(
    persona: Persona, findings: Findings, method: str, path: str, what: str, **kwargs: Any
) -> aiohttp.ClientResponse | None:
    findings.sent += 1
    try:
        response = await persona.client.request(method, path, **kwargs)
    except aiohttp.ClientError as exc:
        findings.failures.append(f"{persona.role} {method} {path[:120]} [{what}]: {type(exc).__name__}")
        return None
    if response.status >= 500:
        body = (await response.text())[:200].replace("\n", " ")
        findings.failures.append(f"{persona.role} {method} {path[:120]} [{what}]: {response.status} {body}")
    if persona.username and COOKIE_NAME not in {c.key for c in persona.client.session.cookie_jar}:
        await _login(persona)  # a variant that logged the persona out: carry on logged in
    return response


async def _forms_of(persona: Persona, world: World) -> dict[str, list[Form]]:
    """Every post form on every page the persona may open, by action."""
    forms: dict[str, list[Form]] = {}
    for route in ROUTES:
        if route.method != "GET" or not route.access or not route.access.allows(persona.role):
            continue
        for path in _concrete(route, world):
            response = await persona.client.get(path)
            if response.status == 200 and response.content_type == "text/html":
                for form in _forms(path, await response.text()):
                    forms.setdefault(form.action.split("?")[0], []).append(form)
    return forms


async def _attack_route(
    route: Route, persona: Persona, world: World, forms: dict[str, list[Form]], findings: Findings, light: bool
) -> None:
    """Every variant on one route; ``light`` (a caller the route refuses anyway): only a sample of them."""
    method = route.method
    headers = {"X-CSRF-Token": persona.token}
    # Path parameters.
    for name in _params(route.path):
        for value in PATH_VALUES[:2] if light else PATH_VALUES:
            for path in _concrete(route, world, **{name: value})[:1]:
                data = {"csrf_token": persona.token} if method == "POST" else None
                await _send(persona, findings, method, path, f"path {name}", data=data)
    normal = _concrete(route, world)
    if method == "GET":
        for path in normal[:1]:
            for name in QUERY_NAMES.get((method, route.path), [])[: 1 if light else None]:
                for value in QUERY_VALUES[: 2 if light else None]:
                    await _send(persona, findings, method, f"{path}?{name}={value}", f"query {name}")
            await _send(persona, findings, method, f"{path}?cursor=OTk5OTk5OTk5OTk5OTk5OTk5", "cursor")
        return
    # Bodies.
    for path in normal:
        for content_type, body in MALFORMED_BODIES[: 2 if light else None]:
            await _send(
                persona,
                findings,
                method,
                path,
                f"body {content_type[:30]}",
                data=body,
                headers={**headers, "Content-Type": content_type},
            )
        if light or ((method, route.path) in SHARED_WRITES and persona.role is not None):
            await _send(persona, findings, method, path, "nul", data={"csrf_token": persona.token, "x": NUL})
            continue
        found = forms.get(path) or [Form(path, False, {"csrf_token": persona.token, "texto": "", "version": "0"})]
        for form in found:
            for name in [n for n in form.fields if n != "csrf_token"]:
                for value in FIELD_VALUES:
                    fields = {**form.fields, "csrf_token": persona.token, name: value}
                    data: Any = fields
                    if form.multipart:
                        data = aiohttp.FormData()
                        for k, v in fields.items():
                            data.add_field(k, v)
                    await _send(persona, findings, method, path, f"field {name}={value[:12]!r}", data=data)


async def _log_size(system: System) -> int:
    assert system.config.log_file is not None
    return system.config.log_file.stat().st_size


def _new_log(system: System, since: int) -> str:
    assert system.config.log_file is not None
    with system.config.log_file.open("rb") as log:
        log.seek(since)
        return log.read().decode(errors="replace")


def _alarms(text: str) -> list[str]:
    return [line for line in text.splitlines() if any(a in line for a in LOG_ALARMS)]


PROCESO_SQL = """
SELECT id, captura_inicio, captura_fin, publicacion_inicio, jornada_electoral, configuracion
FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1
"""
RESTORE_PROCESO_SQL = """
UPDATE registro.procesos SET captura_inicio = $2, captura_fin = $3, publicacion_inicio = $4, jornada_electoral = $5,
       configuracion = $6
WHERE id = $1
"""


@pytest.fixture
async def restore_proceso(db: asyncpg.Pool) -> AsyncIterator[None]:
    """The process settings are shared by every test: put back whatever a hostile save might have changed."""
    before = await db.fetchrow(PROCESO_SQL)
    yield
    await db.execute(RESTORE_PROCESO_SQL, *before.values())


@pytest.fixture(scope="module")
async def world(system: System, db: asyncpg.Pool) -> AsyncIterator[World]:
    """Fresh accounts and a fresh candidacy for the whole walk; the process settings restored at the end."""
    before = await db.fetchrow(PROCESO_SQL)
    world = await _world(db, system.url)
    yield world
    for persona in world.personas.values():
        await persona.client.close()
    await db.execute(RESTORE_PROCESO_SQL, *before.values())


WALKED = [r for r in ROUTES if r.path not in ("/health", "/metrics")]


@pytest.mark.parametrize("route", WALKED, ids=[f"{r.method} {r.path}" for r in WALKED])
async def test_hostile_requests_never_get_a_5xx(route: Route, system: System, world: World) -> None:
    since = await _log_size(system)
    findings = Findings()
    assert route.access is not None
    # Anonymous always; and, for a route that needs a session, a role that may use it.
    for role in dict.fromkeys([None, None if route.access.public else _role_for(route)]):
        persona = world.personas[role]
        if role not in world.forms:
            world.forms[role] = await _forms_of(persona, world)
        light = role is None and not route.access.public
        await _attack_route(route, persona, world, world.forms[role], findings, light)
    await asyncio.sleep(0.3)  # the log is written by other processes
    assert findings.failures == [], f"{len(findings.failures)} of {findings.sent}"
    assert _alarms(_new_log(system, since)) == []


def _raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
    return b"".join(chunks)


RAW_REQUESTS = [
    b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"BLAH / HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nNot a header\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Dato: a\x00b\r\n\r\n",
    b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /cuenta/entrar HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"POST /cuenta/entrar HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
]


async def test_malformed_http_is_a_quiet_400(system: System) -> None:
    since = await _log_size(system)
    for data in RAW_REQUESTS:
        answer = await asyncio.to_thread(_raw, system.config.gateway_port, data)
        status_line = answer.split(b"\r\n", 1)[0]
        assert re.match(rb"HTTP/1\.[01] 4\d\d ", status_line), (data[:40], status_line)
        assert b"aiohttp" not in answer and b"Python/" not in answer, answer[:300]
    await asyncio.sleep(0.5)
    assert _alarms(_new_log(system, since)) == []


async def test_clients_that_leave_mid_request_leave_no_traceback(system: System) -> None:
    since = await _log_size(system)

    def leave(data: bytes) -> None:
        with socket.create_connection(("127.0.0.1", system.config.gateway_port), timeout=5) as sock:
            sock.sendall(data)

    await asyncio.to_thread(
        leave,
        b"POST /cuenta/entrar HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 100000\r\n\r\nusuario=a",
    )
    await asyncio.to_thread(leave, b"GET /static/conoceles.css HTTP/1.1\r\nHost: x\r\n\r\n")
    await asyncio.sleep(1)
    assert _alarms(_new_log(system, since)) == []


# -- the examples of the issue, one by one ---------------------------------------------------------------------
async def test_nul_bytes_and_huge_ids_are_clear_4xx(make_client: type[Client]) -> None:
    client = make_client()
    for path in ("/candidaturas?q=a%00b", "/api/v1/candidaturas?q=%00"):
        response = await client.get(path)
        assert response.status == 400, path
        assert "caracteres no permitidos" in await response.text()
    assert (await client.get("/candidaturas/2147483648")).status == 404
    api = await client.get("/api/v1/candidaturas/99999999999")
    assert api.status == 404 and (await api.json())["error"] == "No encontramos esta página."
    token = await client.csrf("/cuenta/entrar")
    login = await client.post("/cuenta/entrar", data={"csrf_token": token, "usuario": "demo\x00", "contrasena": "x"})
    assert login.status == 400
    recover = await client.submit("/cuenta/recuperar", "/cuenta/recuperar", {"usuario": "a\x00b"})
    assert recover.status == 400


async def test_api_validation_errors_are_spanish(make_client: type[Client]) -> None:
    response = await make_client().get("/api/v1/candidaturas?distrito=abc&limite=500&sexo=otro")
    assert response.status == 422
    problem = await response.json()
    assert problem["error"] == "Revisa los datos enviados."
    assert {d["campo"]: d["mensaje"] for d in problem["details"]} == {
        "distrito": "Escribe un número entero.",
        "limite": "Debe ser como máximo 100.",
        "sexo": "El formato no es válido.",
    }
    page = await make_client().get("/candidaturas?distrito=abc")
    assert page.status == 422 and "distrito: Escribe un número entero." in await page.text()


async def test_year_9999_in_the_process_settings_is_a_form_error(
    make_client: type[Client], db: asyncpg.Pool, restore_proceso: None
) -> None:
    client = make_client()
    await client.login(await factories.cuenta(db, "coordinacion"))
    page = await client.get("/validacion/proceso")
    (form,) = [f for f in _forms("/validacion/proceso", await page.text()) if f.action == "/validacion/proceso"]
    for name in ("captura_fin", "publicacion_inicio"):
        response = await client.post("/validacion/proceso", data={**form.fields, name: "9999-12-31T23:59"})
        assert response.status == 422, name
        assert "Escribe una fecha entre los años 2000 y 2100." in await response.text()


async def _published_candidata(db: asyncpg.Pool, make_client: type[Client]) -> factories.Candidata:
    candidata = await factories.candidata(db)
    client = make_client()
    await client.login(candidata.username)
    await fill_curricular(client, candidata.candidatura_id)
    overview = f"/captura/candidaturas/{candidata.candidatura_id}/curricular"
    assert (await client.submit(overview, f"{overview}/enviar", {})).status == 303
    validador = make_client()
    await validador.login("demo-validador")
    await approve_review(validador, db, candidata.candidatura_id)
    citizen = make_client()

    async def published() -> bool:
        return (await citizen.get(f"/api/v1/candidaturas/{candidata.candidatura_id}")).status == 200

    await eventually(published, what="the published profile")
    return candidata


async def test_like_wildcards_are_searched_literally(make_client: type[Client], db: asyncpg.Pool) -> None:
    candidata = await _published_candidata(db, make_client)
    citizen = make_client()

    async def total(q: str) -> int:
        response = await citizen.get("/api/v1/candidaturas", params={"q": q})
        assert response.status == 200
        return int((await response.json())["total"])

    first_name = candidata.nombre.split()[0]
    assert await total(first_name) == 1
    for q in ("%", "_", first_name[:-1] + "_", "%ramírez%"):
        assert await total(q) == 0, q

    staff = make_client()
    await staff.login(await factories.cuenta(db, "coordinacion"))
    found = await (await staff.get("/validacion/registro/candidaturas", params={"q": first_name})).text()
    assert first_name in found
    for q in ("%", first_name[:-1] + "_"):
        text = await (await staff.get("/validacion/registro/candidaturas", params={"q": q})).text()
        assert first_name not in text, q
    admin = make_client()
    await admin.login("demo-admin")
    users = await (await admin.get("/cuenta/usuarios", params={"q": "%"})).text()
    assert candidata.username not in users
    users = await (await admin.get("/cuenta/usuarios", params={"q": candidata.username})).text()
    assert candidata.username in users


async def test_text_is_gzipped_with_weak_etags_and_no_software_named(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    await _published_candidata(db, make_client)
    client = make_client()
    for path in ("/api/v1/candidaturas", "/candidaturas", "/static/conoceles.css"):
        plain = await client.get(path, headers={"Accept-Encoding": "identity"})
        gzipped = await client.get(path, headers={"Accept-Encoding": "gzip, deflate"}, auto_decompress=False)
        assert gzipped.status == plain.status == 200, path
        assert gzipped.headers["Content-Encoding"] == "gzip", path
        assert "Content-Encoding" not in plain.headers, path
        assert "Accept-Encoding" in gzipped.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
        assert gzip.decompress(await gzipped.read()) == await plain.read()
        assert len(await gzipped.read()) < len(await plain.read())
        if "ETag" in gzipped.headers:
            assert gzipped.headers["ETag"].startswith("W/"), path
            again = await client.get(
                path, headers={"Accept-Encoding": "gzip", "If-None-Match": gzipped.headers["ETag"]}
            )
            assert again.status == 304, path
    # A page with a session's CSRF token is never compressed (BREACH).
    logged_in = make_client()
    await logged_in.login("demo-admin")
    private = await logged_in.get("/cuenta/usuarios", headers={"Accept-Encoding": "gzip"}, auto_decompress=False)
    assert private.status == 200 and "Content-Encoding" not in private.headers
    for response in (
        await client.get("/"),
        await client.get("/candidaturas/999999"),
        await client.get("/api/v1/candidaturas?distrito=x"),
        await client.get("/cuenta/usuarios"),
        await client.get("/health"),
    ):
        assert response.headers["Server"] == "conoceles"
