"""Password recovery by e-mail, through the gateway, the outbox, the auth worker and the local SMTP sink."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import random
import re
import socket
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import asyncpg
import pytest
from aiosmtpd.smtp import SMTP
from arq.worker import Retry
from playwright.async_api import Page, expect
from yarl import URL

from launcher.system import System
from services.auth.mail import send_mail
from services.auth.passwords import hash_password
from services.common.contracts import SendMail
from services.common.settings import CommonSettings

from .browser import axe_violations
from .helpers import DEMO_PASSWORD, Client, eventually

NEW_PASSWORD = "girasoles-sobre-el-lago-77"
LINK = re.compile(r"https?://\S+/cuenta/recuperar/[A-Za-z0-9_-]+")
SAME_ANSWER = "Si existe una cuenta con esos datos, enviamos un correo con instrucciones"
_counter = itertools.count(1)
_HASH = hash_password(DEMO_PASSWORD)


async def _cuenta(db: asyncpg.Pool, role: str = "validador") -> tuple[str, str]:
    """An account of this test only (the demo accounts keep their passwords); returns username and e-mail."""
    username = f"recupera-{next(_counter)}-{random.randint(10000, 99999)}"
    email = f"{username}@correo.invalid"
    await db.execute(
        "INSERT INTO auth.users (username, email, password_hash, role, nombre) VALUES ($1, $2, $3, $4, 'Ana Pérez')",
        username,
        email,
        _HASH,
        role,
    )
    return username, email


def _mail_to(system: System, address: str) -> list[EmailMessage]:
    messages = []
    for path in sorted(system.maildir.glob("*.eml")):
        with path.open("rb") as f:
            message = BytesParser(policy=policy.default).parse(f)
        assert isinstance(message, EmailMessage)
        if message["Delivered-To"] == address:
            messages.append(message)
    return messages


async def _link(system: System, address: str) -> str:
    """The path of the recovery link in the (only) mail sent to ``address``, once it reaches the sink."""

    async def arrived() -> list[EmailMessage] | None:
        return _mail_to(system, address) or None

    messages = await eventually(arrived, within=30, what=f"the recovery mail to {address}")
    assert len(messages) == 1
    body = messages[0].get_body(preferencelist=("plain",))
    assert isinstance(body, EmailMessage)
    match = LINK.search(body.get_content())
    assert match, body.get_content()
    return URL(match.group(0)).path


async def _ask(client: Client, usuario: str) -> str:
    """Ask for a link as a visitor would; return the text of the page the form leads to."""
    response = await client.submit("/cuenta/recuperar", "/cuenta/recuperar", {"usuario": usuario})
    assert response.status == 303, await response.text()
    assert response.headers["Location"] == "/cuenta/recuperar?enviado"
    page = await client.get(response.headers["Location"])
    assert page.status == 200
    return await page.text()


async def _reset(client: Client, path: str, password: str, confirmation: str | None = None) -> tuple[int, str]:
    data = {"contrasena": password, "confirmacion": password if confirmation is None else confirmation}
    response = await client.submit(path, path, data)
    return response.status, await response.text()


async def _login_status(base_url: str, username: str, password: str) -> int:
    client = Client(base_url)
    try:
        response = await client.submit(
            "/cuenta/entrar", "/cuenta/entrar", {"usuario": username, "contrasena": password}
        )
        return response.status
    finally:
        await client.close()


async def test_a_request_mails_a_link_and_stores_only_its_hash(
    system: System, make_client: type[Client], db: asyncpg.Pool
) -> None:
    username, email = await _cuenta(db)
    login = await make_client().get("/cuenta/entrar")
    assert 'href="/cuenta/recuperar"' in await login.text()

    # By e-mail, in other capitals: the address is matched without regard to case.
    text = await _ask(make_client(), email.upper())
    assert SAME_ANSWER in text
    path = await _link(system, email)
    token = path.rsplit("/", 1)[1]
    user_id = await db.fetchval("SELECT id FROM auth.users WHERE username = $1", username)
    stored = await db.fetch(
        "SELECT token_hash, expires_at - created_at AS vida FROM auth.reset_tokens WHERE user_id = $1", user_id
    )
    assert [r["token_hash"] for r in stored] == [hashlib.sha256(token.encode()).hexdigest()]
    assert stored[0]["vida"].total_seconds() == 30 * 60
    [mail] = _mail_to(system, email)
    assert mail["Subject"] == "Conóceles: recupera tu contraseña"
    assert username in mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    audit = await db.fetchval(
        "SELECT details->>'resultado' FROM audit.eventos WHERE action = 'recuperar_solicitud' AND entity_id = $1",
        str(user_id),
    )
    assert audit == "enviado"


async def test_an_unknown_account_gets_the_same_answer_and_no_mail(make_client: type[Client], db: asyncpg.Pool) -> None:
    _, email = await _cuenta(db)
    unknown = f"nadie-{random.randint(10000, 99999)}@correo.invalid"
    known_page = await _ask(make_client(), email)
    unknown_page = await _ask(make_client(), unknown)
    assert unknown_page == known_page
    assert SAME_ANSWER in unknown_page
    # The mail would have been written to the outbox in the request's own transaction, so none means none.
    jobs = await db.fetchval(
        "SELECT count(*) FROM outbox.jobs WHERE function = 'auth.mail' AND args->>'to' = $1", unknown
    )
    assert jobs == 0
    assert await db.fetchval("SELECT count(*) FROM outbox.jobs WHERE args->>'to' = $1", email) == 1


async def test_the_link_sets_a_new_password_once(
    system: System, make_client: type[Client], db: asyncpg.Pool, base_url: str
) -> None:
    username, email = await _cuenta(db)
    await _ask(make_client(), username)
    path = await _link(system, email)
    visitor = make_client()  # another browser than the one that asked: the link is all it needs
    form = await visitor.get(path)
    assert form.status == 200
    assert username in await form.text()
    assert form.headers["Cache-Control"] == "no-store"

    status, text = await _reset(visitor, path, "corta")
    assert status == 422
    assert "al menos 12 caracteres" in text
    assert 'value="corta"' not in text
    status, text = await _reset(visitor, path, "contraseña123")
    assert status == 422 and "de las más usadas" in text
    status, text = await _reset(visitor, path, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert status == 422 and "no coinciden" in text

    done = await visitor.submit(path, path, {"contrasena": NEW_PASSWORD, "confirmacion": NEW_PASSWORD})
    assert done.status == 303, await done.text()
    assert done.headers["Location"] == "/cuenta/entrar?aviso=restablecida"
    notice = await visitor.get(done.headers["Location"])
    assert "Tu contraseña se cambió" in await notice.text()
    assert await _login_status(base_url, username, DEMO_PASSWORD) == 401
    assert await _login_status(base_url, username, NEW_PASSWORD) == 303
    row = await db.fetchrow(
        "SELECT must_change_password, password_changed_at FROM auth.users WHERE username = $1", username
    )
    assert row["must_change_password"] is False and row["password_changed_at"] is not None

    again = await visitor.get(path)
    assert again.status == 410
    assert 'href="/cuenta/recuperar"' in await again.text()
    # Even with a form loaded earlier, a second submission of the same link is refused.
    token = await visitor.csrf("/cuenta/recuperar")
    reused = await visitor.post(path, data={"csrf_token": token, "contrasena": "otra-" + NEW_PASSWORD})
    assert reused.status == 410
    assert await _login_status(base_url, username, NEW_PASSWORD) == 303


async def test_expired_and_unknown_links_are_refused(
    system: System, make_client: type[Client], db: asyncpg.Pool, base_url: str
) -> None:
    username, email = await _cuenta(db)
    await _ask(make_client(), username)
    path = await _link(system, email)
    token_hash = hashlib.sha256(path.rsplit("/", 1)[1].encode()).hexdigest()
    await db.execute(
        "UPDATE auth.reset_tokens SET expires_at = now() - interval '1 minute' WHERE token_hash = $1", token_hash
    )
    visitor = make_client()
    expired = await visitor.get(path)
    text = await expired.text()
    assert expired.status == 410
    assert "ya se usó o caducó" in text and 'href="/cuenta/recuperar"' in text
    token = await visitor.csrf("/cuenta/recuperar")
    refused = await visitor.post(
        path, data={"csrf_token": token, "contrasena": NEW_PASSWORD, "confirmacion": NEW_PASSWORD}
    )
    assert refused.status == 410
    assert await _login_status(base_url, username, DEMO_PASSWORD) == 303

    unknown = await visitor.get("/cuenta/recuperar/no-es-un-enlace-nuestro")
    assert unknown.status == 404
    assert "No reconocemos este enlace" in await unknown.text()
    assert (await visitor.get("/cuenta/recuperar/" + "x" * 500)).status == 404


async def test_a_reset_ends_every_session_of_the_user(
    system: System, make_client: type[Client], db: asyncpg.Pool
) -> None:
    username, email = await _cuenta(db)
    elsewhere = make_client()
    await elsewhere.login(username)
    assert (await elsewhere.get("/validacion/")).status == 200
    await _ask(make_client(), username)
    path = await _link(system, email)
    status, text = await _reset(make_client(), path, NEW_PASSWORD)
    assert status == 303, text
    gone = await elsewhere.get("/validacion/")
    assert gone.status == 303 and gone.headers["Location"].startswith("/cuenta/entrar")


async def test_the_dev_mailbox_is_for_admins_only(system: System, make_client: type[Client], db: asyncpg.Pool) -> None:
    username, email = await _cuenta(db)
    await _ask(make_client(), username)
    path = await _link(system, email)

    anonymous = await make_client().get("/cuenta/correo-dev")
    assert anonymous.status == 303 and anonymous.headers["Location"].startswith("/cuenta/entrar")
    validador = make_client()
    await validador.login(username)
    assert (await validador.get("/cuenta/correo-dev")).status == 403

    admin = make_client()
    await admin.login("demo-admin")
    mailbox = await admin.get("/cuenta/correo-dev")
    text = await mailbox.text()
    assert mailbox.status == 200, text
    assert email in text
    name = next(p.name for p in system.maildir.glob("*.eml") if email in p.read_text(encoding="utf-8"))
    assert f'href="/cuenta/correo-dev/{name}"' in text
    message = await admin.get(f"/cuenta/correo-dev/{name}")
    assert message.status == 200
    assert f'{path}">' in await message.text()
    for bad in ("..%2F..%2Fsystem.log", "..%2Fmail%2F" + name, "1.deadbeef.eml", "x.eml"):
        assert (await admin.get(f"/cuenta/correo-dev/{bad}")).status == 404, bad


@pytest.mark.browser
async def test_recovery_in_chromium_without_help_but_clicks(page: Page, system: System, db: asyncpg.Pool) -> None:
    username, email = await _cuenta(db)
    await page.goto(f"{system.url}/cuenta/entrar")
    await page.get_by_role("link", name="¿Olvidaste tu contraseña?").click()
    await expect(page.get_by_role("heading", name="Recuperar la contraseña")).to_be_visible()
    assert await axe_violations(page) == []
    await page.get_by_label("Usuario o correo electrónico").fill(username)
    await page.get_by_role("button", name="Enviar instrucciones").click()
    await expect(page.get_by_role("status")).to_contain_text(SAME_ANSWER)
    assert await axe_violations(page) == []

    await page.goto(system.url + await _link(system, email))
    await expect(page.get_by_role("heading", name="Elegir una contraseña nueva")).to_be_visible()
    assert await axe_violations(page) == []
    await page.get_by_label("Contraseña nueva", exact=True).fill("corta")
    await page.get_by_label("Escribe otra vez la contraseña nueva").fill("corta")
    await page.get_by_role("button", name="Guardar la contraseña nueva").click()
    await expect(page.get_by_role("alert")).to_contain_text("al menos 12 caracteres")
    assert await axe_violations(page) == []
    await page.get_by_label("Contraseña nueva", exact=True).fill(NEW_PASSWORD)
    await page.get_by_label("Escribe otra vez la contraseña nueva").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Guardar la contraseña nueva").click()
    await expect(page.get_by_role("status")).to_contain_text("Tu contraseña se cambió")

    await page.get_by_label("Usuario o correo electrónico").fill(username)
    await page.get_by_label("Contraseña", exact=True).fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Entrar").click()
    await expect(page.get_by_role("heading", name="Cola de revisión")).to_be_visible()

    await page.goto(system.url + await _link(system, email))
    await expect(page.get_by_role("heading", name="Este enlace ya no sirve")).to_be_visible()
    assert await axe_violations(page) == []


class _RefusingHandler:
    async def handle_RCPT(
        self, server: object, session: object, envelope: object, address: str, options: object
    ) -> str:
        return "550 5.1.1 No existe ese buzón"


async def test_the_mail_job_retries_a_server_that_is_down_and_drops_a_refused_address() -> None:
    ctx: dict[str, object] = {"db_pool": None, "job_try": 3}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free_port = s.getsockname()[1]
    ctx["settings"] = CommonSettings(CONOCELES_SMTP_HOST="127.0.0.1", CONOCELES_SMTP_PORT=free_port)
    with pytest.raises(Retry) as retry:
        await send_mail(ctx, SendMail(to="ana@correo.invalid", subject="Prueba", body="Hola"))
    assert retry.value.defer_score == 40_000  # 10 s doubled on each try: the third waits 40 s

    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(_RefusingHandler(), hostname="localhost"), "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        ctx["settings"] = CommonSettings(CONOCELES_SMTP_HOST="127.0.0.1", CONOCELES_SMTP_PORT=port)
        assert await send_mail(ctx, SendMail(to="nadie@correo.invalid", subject="Prueba", body="Hola")) is False
