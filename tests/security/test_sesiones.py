"""Attack 7 (issue 13): a session id is worth nothing once planted, left, or outlived by a password change.

Each case copies the session cookie's value the way a thief would (another browser, same value) and replays it
on a page that needs a session and on a write; a refused cookie is one that gets the login redirect (303 to
``/cuenta/entrar``) for the page and no change for the write.
"""

from __future__ import annotations

import asyncpg
from yarl import URL

from services.common.sessions import COOKIE_NAME

from .. import factories
from ..helpers import DEMO_PASSWORD, Client

NEW_PASSWORD = "otra-contrasena-larga-456"


def _cookie(client: Client) -> str:
    """The value the browser sends (the jar may also hold a planted one the server has replaced)."""
    cookie = client.session.cookie_jar.filter_cookies(URL(client.base_url)).get(COOKIE_NAME)
    assert cookie is not None, "no session cookie"
    return cookie.value


def _thief(make_client: type[Client], value: str) -> Client:
    client = make_client()
    client.session.cookie_jar.update_cookies({COOKIE_NAME: value})
    return client


async def _is_logged_in(client: Client) -> bool:
    response = await client.get("/cuenta/contrasena")
    if response.status == 200:
        return True
    assert response.status == 303 and response.headers["Location"].startswith("/cuenta/entrar"), response.status
    return False


async def test_a_session_id_planted_before_login_is_not_the_one_after(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    username = await factories.cuenta(db, "validador")
    victim = make_client()
    # The attacker's own anonymous session (it has a CSRF token, so it is real), planted in the victim's browser.
    attacker = make_client()
    await attacker.csrf("/cuenta/entrar")
    planted = _cookie(attacker)
    victim.session.cookie_jar.update_cookies({COOKIE_NAME: planted})
    await victim.login(username)
    assert _cookie(victim) != planted
    assert await _is_logged_in(victim)
    assert not await _is_logged_in(_thief(make_client, planted))
    # A value the attacker made up is not adopted either.
    made_up = make_client()
    made_up.session.cookie_jar.update_cookies({COOKIE_NAME: "inventado-por-el-atacante"})
    await made_up.login(username)
    assert _cookie(made_up) != "inventado-por-el-atacante"
    assert not await _is_logged_in(_thief(make_client, "inventado-por-el-atacante"))


async def test_the_cookie_is_refused_after_logout(make_client: type[Client], db: asyncpg.Pool) -> None:
    candidata = await factories.candidata(db)
    client = make_client()
    await client.login(candidata.username)
    stolen = _cookie(client)
    page = f"/captura/candidaturas/{candidata.candidatura_id}/curricular/propuestas"
    token = await client.csrf(page)
    assert (await client.post("/cuenta/salir", data={"csrf_token": token})).status == 303
    thief = _thief(make_client, stolen)
    assert not await _is_logged_in(thief)
    assert (await thief.get(page)).status == 303
    write = await thief.post(page, data={"csrf_token": token, "version": "0", "propuesta_1": "con la cookie vieja"})
    assert write.status in (303, 401, 403)
    saved = "SELECT count(*) FROM captura.respuestas WHERE candidatura_id = $1"
    assert await db.fetchval(saved, candidata.candidatura_id) == 0


async def test_a_password_change_ends_the_other_sessions(make_client: type[Client], db: asyncpg.Pool) -> None:
    username = await factories.cuenta(db, "coordinacion")
    here, elsewhere = make_client(), make_client()
    await here.login(username)
    await elsewhere.login(username)
    before = _cookie(here)
    changed = await here.submit(
        "/cuenta/contrasena",
        "/cuenta/contrasena",
        {"actual": DEMO_PASSWORD, "nueva": NEW_PASSWORD, "confirmacion": NEW_PASSWORD},
    )
    assert changed.status == 303, await changed.text()
    assert not await _is_logged_in(elsewhere)
    assert not await _is_logged_in(_thief(make_client, before))  # even this browser's old id
    assert await _is_logged_in(here) and _cookie(here) != before
    assert (await make_client().login(username, NEW_PASSWORD)).status == 303


async def test_an_admin_ends_a_persons_sessions_by_disabling_or_resetting(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    username = await factories.cuenta(db, "validador")
    user_id = await db.fetchval("SELECT id FROM auth.users WHERE username = $1", username)
    admin = make_client()
    await admin.login("demo-admin")
    detail = f"/cuenta/usuarios/{user_id}"
    for action in ("desactivar", "restablecer"):
        person = make_client()
        if action == "restablecer":
            assert (await admin.submit(detail, f"{detail}/activar", {})).status == 303
        await person.login(username)
        stolen = _cookie(person)
        assert (await admin.submit(detail, f"{detail}/{action}", {})).status == 303
        assert not await _is_logged_in(person), action
        assert not await _is_logged_in(_thief(make_client, stolen)), action


async def test_the_session_cookie_is_http_only_and_same_site(make_client: type[Client], db: asyncpg.Pool) -> None:
    client = make_client()
    token = await client.csrf("/cuenta/entrar")
    response = await client.post(
        "/cuenta/entrar", data={"csrf_token": token, "usuario": await factories.cuenta(db), "contrasena": DEMO_PASSWORD}
    )
    header = next(v for v in response.headers.getall("Set-Cookie") if v.startswith(COOKIE_NAME + "="))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/" in header
