"""Attack 5 (issue 13): every object id in every route, tried with another user's session, is refused.

The routes come from the routers (tests/test_matrix.py reads them). Every route with a path parameter must be in
``TABLE`` with the kind of owner its object has, so a new route with an ``{id}`` fails
``test_every_route_with_a_parameter_is_in_the_table`` until someone says who may reach its objects:

- ``candidatura``: a candidacy's capture pages. Tried by a candidate of the same postulante (a sibling, not the
  owner) and by the representative of another postulante: 403/404, never the victim's data, nothing changed.
- ``personal``: staff copies of a candidacy's private files. Tried by candidate-side sessions and a staff role
  without the right, with the victim's real ids; and a real file id under another candidacy's id is a 404.
- ``rol``: staff objects every holder of the role may see by design (reviews, imports, prórrogas…). Tried with
  real ids by candidate-side sessions and by every staff role the route's rule does not list.
- ``usuarios``: accounts. Coordinación manages candidate-side accounts only: an admin account is refused.
- ``publico``: public pages of a candidacy: an unpublished one is a 404 for everyone.
- ``sin_dueno``: parameters that are not an object of a user (a token, a public file name), with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import asyncpg
import pytest
from PIL import Image

from services.common.access import ROLES
from services.common.sessions import COOKIE_NAME

from .. import factories
from ..helpers import CSRF, CURRICULAR_COMPLETO, Client, eventually, fill_curricular
from ..test_matrix import ROUTES
from ..uploads import encode, upload

SIGNED_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
MARKER = "Secreto-de-la-víctima-7731"

# (method, path) -> kind; the id source of each ``rol`` route is in ``ROL_IDS``.
CAPTURA = [r for r in ROUTES if r.path.startswith("/captura/candidaturas/{id}")]
TABLE: dict[tuple[str, str], str] = {(r.method, r.path): "candidatura" for r in CAPTURA}
TABLE.update(
    {
        ("GET", "/captura/personal/candidaturas/{id}/foto/{sha}.jpg"): "personal",
        ("GET", "/captura/personal/candidaturas/{id}/consentimiento/documento"): "personal",
        ("GET", "/validacion/transparencia/consentimientos/{id}/documentos/{documento}"): "personal",
        ("GET", "/cuenta/usuarios/{id}"): "usuarios",
        ("POST", "/cuenta/usuarios/{id}"): "usuarios",
        ("POST", "/cuenta/usuarios/{id}/desactivar"): "usuarios",
        ("POST", "/cuenta/usuarios/{id}/activar"): "usuarios",
        ("POST", "/cuenta/usuarios/{id}/restablecer"): "usuarios",
        ("GET", "/candidaturas/{id}.pdf"): "publico",
        ("GET", "/candidaturas/{id}"): "publico",
        ("GET", "/api/v1/candidaturas/{id}"): "publico",
        # A one-time random token sent by mail: whoever holds it is the owner (tests/test_recuperar.py).
        ("GET", "/cuenta/recuperar/{token}"): "sin_dueno",
        ("POST", "/cuenta/recuperar/{token}"): "sin_dueno",
        # Published open-data releases and published photos (content-addressed): public by design.
        ("GET", "/datos/{numero}/{archivo}"): "sin_dueno",
        ("GET", "/media/{name}"): "sin_dueno",
        # A kind of notice, not an object; the role gate is the whole rule (tests/test_matrix.py).
        ("POST", "/validacion/transparencia/avisos/{tipo}"): "sin_dueno",
    }
)
# The staff objects of each ``rol`` route: SQL giving a real id (the victim's where there is one).
ROL_IDS: dict[str, str] = {
    "/cuenta/correo-dev/{name}": "",
    "/cuenta/lotes/{id}": "SELECT max(id) FROM auth.lotes_cuentas",
    "/cuenta/lotes/importaciones/{id}": "SELECT max(id) FROM registro.importaciones",
    "/cuenta/lotes/{id}/credenciales.csv": "SELECT max(id) FROM auth.lotes_cuentas",
    "/cuenta/lotes/{id}/credenciales.pdf": "SELECT max(id) FROM auth.lotes_cuentas",
    "/cuenta/lotes/{id}/eliminar": "SELECT max(id) FROM auth.lotes_cuentas",
    "/validacion/revisiones/{id}": "SELECT max(id) FROM validacion.revisiones WHERE candidatura_id = $1",
    "/validacion/revisiones/{id}/aprobar": "SELECT max(id) FROM validacion.revisiones WHERE candidatura_id = $1",
    "/validacion/revisiones/{id}/devolver": "SELECT max(id) FROM validacion.revisiones WHERE candidatura_id = $1",
    "/validacion/correcciones/{id}/aprobar": "SELECT max(id) FROM validacion.solicitudes_correccion",
    "/validacion/correcciones/{id}/rechazar": "SELECT max(id) FROM validacion.solicitudes_correccion",
    "/validacion/registro/importaciones/{id}": "SELECT max(id) FROM registro.importaciones",
    "/validacion/registro/importaciones/{id}/aplicar": "SELECT max(id) FROM registro.importaciones",
    "/validacion/prorrogas/{id}/revocar": "SELECT max(id) FROM registro.prorrogas",
    "/validacion/transparencia/banderas/{id}/descartar": "SELECT max(id) FROM validacion.banderas",
    "/validacion/transparencia/banderas/{id}/confirmar": "SELECT max(id) FROM validacion.banderas",
    "/validacion/transparencia/consentimientos/{id}": "SELECT $1::bigint",
    "/validacion/transparencia/consentimientos/{id}/revocar": "SELECT $1::bigint",
    "/reportes/archivos/{id}": "SELECT max(id) FROM reportes.archivos",
    "/reportes/archivos/{id}/descarga": "SELECT max(id) FROM reportes.archivos",
    "/reportes/inclusion/archivos/{id}": "SELECT max(id) FROM reportes.archivos WHERE informe = 'inclusion'",
    "/reportes/inclusion/archivos/{id}/descarga": "SELECT max(id) FROM reportes.archivos WHERE informe = 'inclusion'",
}
for _path in ROL_IDS:
    for _route in ROUTES:
        if _route.path == _path:
            TABLE[(_route.method, _path)] = "rol"
for _route in ROUTES:
    if _route.path.startswith("/validacion/registro/candidaturas/{id}"):
        TABLE[(_route.method, _route.path)] = "rol"
        ROL_IDS[_route.path] = "SELECT $1::bigint"
DENIED = (403, 404)
DIMENSION = ["indigena"]  # replaced by a real one of the registry before the walk


WITH_PARAMS = [r for r in ROUTES if "{" in r.path]


def test_every_route_with_a_parameter_is_in_the_table() -> None:
    routes = {(r.method, r.path) for r in WITH_PARAMS}
    assert sorted(routes - set(TABLE)) == [], "a new route with a parameter: say who owns its objects"
    assert sorted(set(TABLE) - routes) == [], "a route in the table no longer exists"


@dataclass
class Victim:
    candidata: factories.Candidata
    postulante_id: int
    sha: str
    documento_id: int
    admin_id: int
    other: factories.Candidata  # a second candidacy of the victim's postulante, with files of its own


@dataclass
class Attacker:
    name: str
    role: str
    client: Client
    token: str


async def _token(client: Client) -> str:
    match = CSRF.search(await (await client.get("/cuenta/contrasena")).text())
    assert match
    return match.group(1)


async def _with_files(
    db: asyncpg.Pool, client: Client, person: factories.Candidata, color: tuple[int, int, int]
) -> tuple[str, int]:
    # Photos are content-addressed: each candidacy gets one of its own color.
    base = f"/captura/candidaturas/{person.candidatura_id}"
    photo = await upload(
        client,
        f"{base}/foto",
        f"{base}/foto",
        "foto",
        encode(Image.new("RGB", (800, 1000), color), "JPEG"),
        "a.jpg",
        "image/jpeg",
    )
    assert photo.status == 303, await photo.text()
    doc = await upload(
        client,
        f"{base}/consentimiento",
        f"{base}/consentimiento/documento",
        "documento",
        SIGNED_PDF,
        "firmado.pdf",
        "application/pdf",
    )
    assert doc.status == 303, await doc.text()
    sha = await db.fetchval("SELECT sha256 FROM captura.fotos WHERE candidatura_id = $1", person.candidatura_id)
    documento_id = await db.fetchval(
        "SELECT id FROM captura.documentos_consentimiento WHERE candidatura_id = $1", person.candidatura_id
    )
    return sha, documento_id


@pytest.fixture(scope="module")
async def victim(db: asyncpg.Pool, base_url: str) -> Victim:
    """An independent candidacy that saved a rubro with a marker, a photo and a signed form, and sent a review."""
    postulante_id, siglas = await factories.postulante(db, "independiente")
    person = await factories.candidata(db, siglas=siglas)
    other = await factories.candidata(db, siglas=siglas)
    client = Client(base_url)
    try:
        await client.login(person.username)
        await fill_curricular(
            client, person.candidatura_id, propuestas={**CURRICULAR_COMPLETO["propuestas"], "propuesta_1": MARKER}
        )
        sha, documento_id = await _with_files(db, client, person, (200, 30, 30))
        overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
        assert (await client.submit(overview, f"{overview}/enviar", {})).status == 303
        other_client = Client(base_url)
        await other_client.login(other.username)
        await _with_files(db, other_client, other, (30, 30, 200))
        await other_client.close()
    finally:
        await client.close()
    await eventually(
        lambda: db.fetchval("SELECT id FROM validacion.revisiones WHERE candidatura_id = $1", person.candidatura_id),
        what="the victim's review",
    )
    admin_id = await db.fetchval("SELECT id FROM auth.users WHERE username = 'demo-admin'")
    DIMENSION[0] = await db.fetchval("SELECT min(clave) FROM registro.identidad_dimensiones")
    return Victim(person, postulante_id, sha, documento_id, admin_id, other)


@pytest.fixture(scope="module")
async def attackers(db: asyncpg.Pool, base_url: str, victim: Victim) -> dict[str, Attacker]:
    """A sibling candidate of the victim's postulante, another postulante's representative, every staff role."""
    sibling = await factories.candidata(db, siglas=await _siglas(db, victim.postulante_id))
    other_postulante, _ = await factories.postulante(db, "independiente")
    accounts = {
        "hermana": ("candidatura", sibling.username),
        "representante-ajeno": (
            "representante",
            await factories.cuenta(db, "representante", postulante_id=other_postulante),
        ),
    }
    for role in ROLES:
        if role not in ("candidatura", "representante"):
            accounts[role] = (role, await factories.cuenta(db, role))
    found = {}
    for name, (role, username) in accounts.items():
        client = Client(base_url)
        await client.login(username)
        found[name] = Attacker(name, role, client, await _token(client))
    yield found
    for attacker in found.values():
        await attacker.client.close()


async def _siglas(db: asyncpg.Pool, postulante_id: int) -> str:
    siglas: str = await db.fetchval("SELECT siglas FROM registro.postulantes WHERE id = $1", postulante_id)
    return siglas


SNAPSHOT_SQL = """
SELECT json_build_object(
  'respuestas', (SELECT json_agg(r ORDER BY r.cuestionario, r.rubro) FROM captura.respuestas r
                 WHERE r.candidatura_id = $1),
  'fotos', (SELECT count(*) FROM captura.fotos WHERE candidatura_id = $1),
  'documentos', (SELECT count(*) FROM captura.documentos_consentimiento WHERE candidatura_id = $1),
  'candidatura', (SELECT row_to_json(c) FROM registro.candidaturas c WHERE c.id = $1),
  'usuario', (SELECT json_build_object('active', u.active, 'hash', u.password_hash, 'rol', u.role)
              FROM auth.users u WHERE u.id = $2)
)::text
"""


def _fill(path: str, **values: str) -> str:
    defaults = {"rubro": "propuestas", "dimension": DIMENSION[0], "cuestionario": "curricular", "name": "x.eml"}

    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        return values.get(name, defaults.get(name, "999999"))

    return re.sub(r"\{([^}]+)\}", value, path)


async def _try(attacker: Attacker, method: str, path: str) -> tuple[int, str]:
    data = {"csrf_token": attacker.token, "version": "0", "propuesta_1": "intrusión", "motivo": "intrusión"}
    response = await attacker.client.request(method, path, data=data if method == "POST" else None)
    body = (await response.read()).decode(errors="replace")
    if COOKIE_NAME not in {c.key for c in attacker.client.session.cookie_jar}:
        raise AssertionError(f"{attacker.name} lost its session on {method} {path}")
    return response.status, body


def _leaks(body: str, victim: Victim) -> bool:
    return MARKER in body or victim.candidata.nombre in body or victim.sha in body or body.startswith(("%PDF", "\xff"))


async def test_a_candidacy_is_reached_only_by_its_own_people(
    db: asyncpg.Pool, victim: Victim, attackers: dict[str, Attacker]
) -> None:
    before = await db.fetchval(SNAPSHOT_SQL, victim.candidata.candidatura_id, victim.admin_id)
    failures = []
    for route in CAPTURA:
        path = _fill(route.path, id=str(victim.candidata.candidatura_id))
        for name in ("hermana", "representante-ajeno"):
            status, body = await _try(attackers[name], route.method, path)
            if status not in DENIED or _leaks(body, victim):
                failures.append(f"{name} {route.method} {path}: {status}")
    assert failures == []
    assert await db.fetchval(SNAPSHOT_SQL, victim.candidata.candidatura_id, victim.admin_id) == before


async def test_private_files_need_the_right_role_and_the_right_candidacy(
    victim: Victim, attackers: dict[str, Attacker]
) -> None:
    own = str(victim.candidata.candidatura_id)
    other = str(victim.other.candidatura_id)
    failures = []
    for (method, template), kind in TABLE.items():
        if kind != "personal":
            continue
        access = next(r.access for r in ROUTES if r.method == method and r.path == template)
        assert access is not None
        real = _fill(template, id=own, sha=victim.sha, documento=str(victim.documento_id))
        # Another candidacy's id with the victim's file: the file is found by both, or not at all.
        mixed = _fill(template, id=other, sha=victim.sha, documento=str(victim.documento_id))
        for attacker in attackers.values():
            allowed = access.allows(attacker.role)
            # A path with only the candidacy's id names the other candidacy's own file: nothing mixed to try.
            mixes = [(mixed, True)] if "{sha}" in template or "{documento}" in template else []
            for path, expect_denied in [(real, not allowed), *mixes]:
                status, body = await _try(attacker, method, path)
                if expect_denied and (status not in DENIED or _leaks(body, victim)):
                    failures.append(f"{attacker.name} {method} {path}: {status}")
                if not expect_denied and status != 200:
                    failures.append(f"{attacker.name} {method} {path}: {status}, the owner role is refused")
    assert failures == []


async def test_staff_objects_need_the_role_whatever_the_id(
    db: asyncpg.Pool, victim: Victim, attackers: dict[str, Attacker]
) -> None:
    before = await db.fetchval(SNAPSHOT_SQL, victim.candidata.candidatura_id, victim.admin_id)
    failures = []
    for route in WITH_PARAMS:
        if TABLE[(route.method, route.path)] != "rol":
            continue
        sql = ROL_IDS[route.path]
        real = (
            await db.fetchval(sql, victim.candidata.candidatura_id)
            if "$1" in sql
            else (await db.fetchval(sql) if sql else None)
        )
        path = _fill(route.path, id=str(real or 999_999), name="no-existe.eml")
        assert route.access is not None
        for attacker in attackers.values():
            if route.access.allows(attacker.role):
                continue
            status, body = await _try(attacker, route.method, path)
            if status not in DENIED or _leaks(body, victim):
                failures.append(f"{attacker.name} {route.method} {path}: {status}")
    assert failures == []
    assert await db.fetchval(SNAPSHOT_SQL, victim.candidata.candidatura_id, victim.admin_id) == before


async def test_coordinacion_cannot_touch_a_staff_account(
    db: asyncpg.Pool, victim: Victim, attackers: dict[str, Attacker]
) -> None:
    before = await db.fetchval(SNAPSHOT_SQL, victim.candidata.candidatura_id, victim.admin_id)
    failures = []
    for (method, template), kind in TABLE.items():
        if kind != "usuarios":
            continue
        path = _fill(template, id=str(victim.admin_id))
        for name in ("coordinacion", "validador", "hermana", "representante-ajeno"):
            status, body = await _try(attackers[name], method, path)
            if status not in DENIED or "demo-admin@" in body:
                failures.append(f"{name} {method} {path}: {status}")
    assert failures == []
    assert await db.fetchval(SNAPSHOT_SQL, victim.candidata.candidatura_id, victim.admin_id) == before


async def test_an_unpublished_candidacy_has_no_public_page(
    make_client: type[Client], victim: Victim, attackers: dict[str, Attacker]
) -> None:
    anonymous = make_client()
    for (method, template), kind in TABLE.items():
        if kind != "publico":
            continue
        path = _fill(template, id=str(victim.candidata.candidatura_id))
        for client in (anonymous, attackers["hermana"].client, attackers["validador"].client):
            response = await client.request(method, path)
            body = (await response.read()).decode(errors="replace")
            assert response.status == 404, (path, response.status)
            assert MARKER not in body and victim.candidata.nombre not in body, path


NAME_ROUTES = ["/cuenta/correo-dev/{}", "/media/{}", "/datos/1/{}", "/captura/personal/candidaturas/1/foto/{}.jpg"]
TRAVERSAL_NAMES = ["..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%5C..%5Cpyproject.toml", "%00"]


async def test_a_file_name_in_a_path_never_reaches_outside_its_folder(attackers: dict[str, Attacker]) -> None:
    """The routes that serve a file by name: admin (who may open all of them) gets a 404 for any traversal."""
    admin = attackers["admin"]
    for template in NAME_ROUTES:
        for name in TRAVERSAL_NAMES:
            response = await admin.client.get(template.format(name))
            body = await response.read()
            assert response.status in (400, 404), (template, name, response.status)
            assert b"root:" not in body and b"[project]" not in body, (template, name)
