"""Accounts: password change and forced change, lockout, sessions, and administration by staff."""

from __future__ import annotations

import re
import time

import asyncpg
import orjson
from redis.asyncio import Redis
from yarl import URL

from launcher.system import System
from services.common import sessions

from . import factories
from .helpers import DEMO_PASSWORD, Client

NEW_PASSWORD = "pradera-luz-amarilla-42"


def _cookie(client: Client) -> str:
    return client.session.cookie_jar.filter_cookies(URL(client.base_url))["conoceles_sesion"].value


async def test_forced_password_change_blocks_everything_else_until_done(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    username = await factories.cuenta(db, "validador", must_change_password=True)
    client = make_client()
    response = await client.login(username)
    assert response.headers["Location"] == "/cuenta/contrasena"
    blocked = await client.get("/validacion/")
    assert blocked.status == 303 and blocked.headers["Location"] == "/cuenta/contrasena"
    page = await client.get("/cuenta/contrasena")
    assert "cambia la contraseña que te entregó el Instituto" in await page.text()

    weak = await client.submit(
        "/cuenta/contrasena",
        "/cuenta/contrasena",
        {"actual": DEMO_PASSWORD, "nueva": "contraseña123", "confirmacion": "contraseña123"},
    )
    assert weak.status == 422
    assert "de las más usadas" in await weak.text()
    own_name = await client.submit(
        "/cuenta/contrasena",
        "/cuenta/contrasena",
        {"actual": DEMO_PASSWORD, "nueva": f"x-{username}-x", "confirmacion": f"x-{username}-x"},
    )
    assert "no debe contener tu nombre de usuario" in await own_name.text()
    wrong_current = await client.submit(
        "/cuenta/contrasena",
        "/cuenta/contrasena",
        {"actual": "no-es-esta", "nueva": NEW_PASSWORD, "confirmacion": NEW_PASSWORD},
    )
    assert "La contraseña actual no es correcta." in await wrong_current.text()
    mismatch = await client.submit(
        "/cuenta/contrasena",
        "/cuenta/contrasena",
        {"actual": DEMO_PASSWORD, "nueva": NEW_PASSWORD, "confirmacion": NEW_PASSWORD + "x"},
    )
    assert "La confirmación no coincide" in await mismatch.text()
    assert NEW_PASSWORD not in await mismatch.text()

    old_cookie = _cookie(client)
    done = await client.submit(
        "/cuenta/contrasena",
        "/cuenta/contrasena",
        {"actual": DEMO_PASSWORD, "nueva": NEW_PASSWORD, "confirmacion": NEW_PASSWORD},
    )
    assert done.status == 303 and done.headers["Location"] == "/validacion/"
    assert _cookie(client) != old_cookie  # the session id rotates with the privilege change
    assert (await client.get("/validacion/")).status == 200
    row = await db.fetchrow(
        "SELECT must_change_password, password_changed_at FROM auth.users WHERE username = $1", username
    )
    assert row["must_change_password"] is False and row["password_changed_at"] is not None
    again = make_client()
    assert (await again.login(username, NEW_PASSWORD)).headers["Location"] == "/validacion/"
    actions = {
        r["action"]
        for r in await db.fetch(
            "SELECT action FROM audit.eventos WHERE entity = 'usuario' AND actor_username = $1", username
        )
    }
    assert "cambio_contrasena" in actions


async def test_five_failures_lock_the_account_for_fifteen_minutes(make_client: type[Client], db: asyncpg.Pool) -> None:
    username = await factories.cuenta(db, "validador")
    client = make_client()
    statuses = []
    for _ in range(5):
        response = await client.submit("/cuenta/entrar", "/cuenta/entrar", {"usuario": username, "contrasena": "mal"})
        statuses.append(response.status)
    assert statuses == [401] * 5
    assert "bloqueamos esta cuenta durante 15 minutos" in await response.text()
    # Even the right password is refused while locked, with the reason.
    locked = await client.submit("/cuenta/entrar", "/cuenta/entrar", {"usuario": username, "contrasena": DEMO_PASSWORD})
    assert locked.status == 429
    assert "está bloqueada" in await locked.text()
    user_id = await db.fetchval("SELECT id FROM auth.users WHERE username = $1", username)
    actions = [
        r["action"]
        for r in await db.fetch(
            "SELECT action FROM audit.eventos WHERE entity = 'usuario' AND entity_id = $1::text ORDER BY id",
            str(user_id),
        )
    ]
    assert actions.count("login_fallido") == 5
    assert "cuenta_bloqueada" in actions and "login_bloqueado" in actions


async def test_unknown_user_and_wrong_password_get_the_same_answer(client: Client) -> None:
    unknown = await client.submit("/cuenta/entrar", "/cuenta/entrar", {"usuario": "nadie-aqui", "contrasena": "x"})
    wrong = await client.submit("/cuenta/entrar", "/cuenta/entrar", {"usuario": "demo-igualdad", "contrasena": "x"})
    assert unknown.status == wrong.status == 401
    pattern = re.compile(r'<p role="alert">|<li><a href="#usuario">([^<]+)</a>')
    assert pattern.findall(await unknown.text()) == pattern.findall(await wrong.text())


async def test_sessions_expire_when_idle_and_after_twelve_hours(system: System) -> None:
    redis = Redis.from_url(system.redis_url)
    try:
        fresh = await sessions.create(redis, user_id=1, username="x", role="admin")
        assert 0 < await redis.ttl(f"sesion:{fresh.id}") <= sessions.IDLE_TIMEOUT
        assert await sessions.load(redis, fresh.id) == fresh
        old = await sessions.create(redis, user_id=1, username="x", role="admin")
        raw = orjson.loads(await redis.get(f"sesion:{old.id}"))
        raw["created_at"] = time.time() - sessions.ABSOLUTE_TIMEOUT - 1
        await redis.set(f"sesion:{old.id}", orjson.dumps(raw), ex=60)
        assert await sessions.load(redis, old.id) is None
        assert await redis.get(f"sesion:{old.id}") is None
        assert await sessions.destroy_all(redis, 1) >= 1
        assert await sessions.load(redis, fresh.id) is None
    finally:
        await redis.aclose()


async def test_a_lookup_renews_the_idle_timeout_but_never_past_the_absolute_one(system: System) -> None:
    redis = Redis.from_url(system.redis_url)
    try:
        session = await sessions.create(redis, user_id=1, username="x", role="admin")
        key = f"sesion:{session.id}"
        await redis.expire(key, 5)  # nearly idle
        assert await sessions.load(redis, session.id) == session
        assert sessions.IDLE_TIMEOUT - 5 <= await redis.ttl(key) <= sessions.IDLE_TIMEOUT
        # touch=False (auth reading the old session at login) reads without renewing.
        await redis.expire(key, 5)
        assert await sessions.load(redis, session.id, touch=False) == session
        assert await redis.ttl(key) <= 5
        # Ten minutes before its twelve hours: the renewal stops at the absolute timeout, not half an hour on.
        raw = orjson.loads(await redis.get(key))
        raw["created_at"] = time.time() - sessions.ABSOLUTE_TIMEOUT + 600
        await redis.set(key, orjson.dumps(raw), ex=60)
        assert await sessions.load(redis, session.id) is not None
        assert 590 <= await redis.ttl(key) <= 600
        # Revoked: a lookup finds nothing and creates nothing.
        await sessions.destroy_all(redis, 1)
        assert await sessions.load(redis, session.id) is None
        assert await redis.exists(key) == 0
    finally:
        await redis.aclose()


async def test_logout_ends_every_session_of_the_user(make_client: type[Client], db: asyncpg.Pool) -> None:
    username = await factories.cuenta(db, "transparencia")
    phone, laptop = make_client(), make_client()
    await phone.login(username)
    await laptop.login(username)
    token = await phone.csrf("/validacion/")
    assert (await phone.post("/cuenta/salir", data={"csrf_token": token})).status == 303
    assert (await laptop.get("/validacion/")).status == 303


async def test_admin_creates_disables_reenables_and_resets_an_account(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    admin = make_client()
    await admin.login("demo-admin")
    created = await admin.submit(
        "/cuenta/usuarios/nueva",
        "/cuenta/usuarios",
        {
            "username": "nueva-validadora",
            "nombre": "Ana Torres",
            "email": "ana@iem.invalid",
            "role": "validador",
            "postulante": "",
            "candidatura_id": "",
        },
    )
    assert created.status == 303, await created.text()
    page = await admin.get(created.headers["Location"])
    text = await page.text()
    password = re.search(r"<code>([^<]+)</code>", text).group(1)
    assert page.headers["Cache-Control"] == "no-store"
    # Shown once only.
    assert "<code>" not in await (await admin.get(created.headers["Location"])).text()

    person = make_client()
    assert (await person.login("nueva-validadora", password)).headers["Location"] == "/cuenta/contrasena"
    user_id = int(created.headers["Location"].split("/")[3].split("?")[0])
    detail = f"/cuenta/usuarios/{user_id}"
    assert (await admin.submit(detail, f"{detail}/desactivar", {})).status == 303
    assert (await person.get("/cuenta/contrasena")).status == 303  # session revoked at once
    refused = await make_client().submit(
        "/cuenta/entrar", "/cuenta/entrar", {"usuario": "nueva-validadora", "contrasena": password}
    )
    assert "Esta cuenta está desactivada" in await refused.text()
    assert (await admin.submit(detail, f"{detail}/activar", {})).status == 303
    reset = await admin.submit(detail, f"{detail}/restablecer", {})
    new_password = re.search(r"<code>([^<]+)</code>", await (await admin.get(reset.headers["Location"])).text()).group(
        1
    )
    assert new_password != password
    assert (await make_client().login("nueva-validadora", new_password)).status == 303
    actions = [
        r["action"]
        for r in await db.fetch(
            "SELECT action FROM audit.eventos WHERE entity = 'usuario' AND entity_id = $1::text ORDER BY id",
            str(user_id),
        )
    ]
    assert actions[:4] == ["crear_cuenta", "login", "desactivar", "login_fallido"]
    assert {"activar", "restablecer_contrasena"} <= set(actions)


async def test_account_form_errors_keep_the_input(make_client: type[Client]) -> None:
    admin = make_client()
    await admin.login("demo-admin")
    bad = await admin.submit(
        "/cuenta/usuarios/nueva",
        "/cuenta/usuarios",
        {
            "username": "A b",
            "nombre": "Beto <script>",
            "email": "no-es-correo",
            "role": "representante",
            "postulante": "",
            "candidatura_id": "",
        },
    )
    text = await bad.text()
    assert bad.status == 422
    assert "Usuario: de 3 a 40 caracteres" in text and "Correo electrónico: escribe una dirección válida" in text
    assert 'value="Beto &lt;script&gt;"' in text
    no_party = await admin.submit(
        "/cuenta/usuarios/nueva",
        "/cuenta/usuarios",
        {"username": "rep-sin-partido", "nombre": "X", "role": "representante"},
    )
    assert "necesita el partido o candidatura" in await no_party.text()
    taken = await admin.submit(
        "/cuenta/usuarios/nueva", "/cuenta/usuarios", {"username": "demo-igualdad", "nombre": "X", "role": "igualdad"}
    )
    assert "Ese usuario ya existe" in await taken.text()


async def test_coordinacion_manages_only_candidate_side_accounts(make_client: type[Client], db: asyncpg.Pool) -> None:
    coordinacion = make_client()
    await coordinacion.login("demo-coordinacion")
    listing = await (await coordinacion.get("/cuenta/usuarios")).text()
    assert "demo-representante" in listing and "demo-validador" not in listing
    staff_id = await db.fetchval("SELECT id FROM auth.users WHERE username = 'demo-validador'")
    assert (await coordinacion.get(f"/cuenta/usuarios/{staff_id}")).status == 403
    staff = await coordinacion.submit(
        "/cuenta/usuarios/nueva", "/cuenta/usuarios", {"username": "intento-admin", "nombre": "X", "role": "admin"}
    )
    assert staff.status == 403
    candidata = await factories.candidata(db)
    await db.execute("DELETE FROM auth.users WHERE username = $1", candidata.username)
    created = await coordinacion.submit(
        "/cuenta/usuarios/nueva",
        "/cuenta/usuarios",
        {
            "username": f"cand-{candidata.candidatura_id}",
            "nombre": candidata.nombre,
            "role": "candidatura",
            "candidatura_id": str(candidata.candidatura_id),
        },
    )
    assert created.status == 303, await created.text()
    duplicate = await coordinacion.submit(
        "/cuenta/usuarios/nueva",
        "/cuenta/usuarios",
        {
            "username": f"cand2-{candidata.candidatura_id}",
            "nombre": "X",
            "role": "candidatura",
            "candidatura_id": str(candidata.candidatura_id),
        },
    )
    assert "Esa candidatura ya tiene una cuenta." in await duplicate.text()


async def test_a_role_change_ends_the_persons_sessions(make_client: type[Client], db: asyncpg.Pool) -> None:
    username = await factories.cuenta(db, "validador")
    person = make_client()
    await person.login(username)
    user_id = await db.fetchval("SELECT id FROM auth.users WHERE username = $1", username)
    admin = make_client()
    await admin.login("demo-admin")
    detail = f"/cuenta/usuarios/{user_id}"
    changed = await admin.submit(detail, detail, {"nombre": username, "email": "", "role": "transparencia"})
    assert changed.status == 303, await changed.text()
    assert (await person.get("/validacion/")).status == 303
    await person.login(username)
    assert (await person.get("/validacion/")).status == 200  # transparencia reads the queue
    # and reads a review (read-only: deciding stays with REVIEWERS); 404 only if that review does not exist
    assert (await person.get("/validacion/revisiones/1")).status in (200, 404)


async def test_audit_records_who_from_where_and_the_request(make_client: type[Client], db: asyncpg.Pool) -> None:
    username = await factories.cuenta(db, "igualdad")
    client = make_client()
    response = await client.login(username)
    assert response.status == 303
    row = await db.fetchrow(
        "SELECT actor_username, client_addr, request_id, at FROM audit.eventos "
        "WHERE action = 'login' AND details->>'usuario' = $1",
        username,
    )
    assert row["client_addr"] == "127.0.0.1"
    assert re.fullmatch(r"[0-9a-f]{32}", row["request_id"])


async def test_malformed_bodies_get_a_clear_answer_never_a_500(make_client: type[Client]) -> None:
    admin = make_client()
    await admin.login("demo-admin")
    token = await admin.csrf("/cuenta/usuarios/nueva")
    bodies = [
        ("application/x-www-form-urlencoded", b"csrf_token=" + token.encode() + b"&username=%ZZ%%&role=\xff\xfe"),
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nbroken"),
        ("application/json", b"{not json"),
    ]
    for path in ("/cuenta/usuarios", "/cuenta/entrar", "/cuenta/contrasena"):
        for content_type, body in bodies:
            response = await admin.post(path, data=body, headers={"Content-Type": content_type})
            assert 400 <= response.status < 500, (path, content_type, response.status)
