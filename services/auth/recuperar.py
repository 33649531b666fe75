"""Password recovery by e-mail: ask for a link, then choose a new password with it.

The answer to a request is the same whether or not the account exists, so the form cannot be used to find out
who has an account. Only the SHA-256 of a token is stored; a token works once and for 30 minutes.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web

from services.common import audit, contracts, sessions, tiempo
from services.common.access import public, writes
from services.common.db import DB_POOL
from services.common.web import REDIS, SETTINGS
from services.common.zona import request_zona

from . import lockout
from .hashing import HASHER
from .policy import password_problems
from .sql import (
    CLOSE_RESET_TOKENS_SQL,
    CREATE_RESET_TOKEN_SQL,
    RECENT_RESET_TOKENS_SQL,
    RECOVERY_USER_SQL,
    RESET_TOKEN_SQL,
    SET_OWN_PASSWORD_SQL,
    USE_RESET_TOKEN_SQL,
)
from .views import render_form

TOKEN_LIFETIME = 30 * 60
# At most this many links per account in this window; further requests get the same answer and no mail.
MAX_LINKS = 5
LINKS_WINDOW = 60 * 60
# token_urlsafe(32) gives 43 characters; anything much longer is not one of ours and is not even hashed.
MAX_TOKEN_LENGTH = 128
REQUEST_TEMPLATE = "auth/recuperar.html"
RESET_TEMPLATE = "auth/recuperar_nueva.html"
INVALID_TEMPLATE = "auth/recuperar_invalido.html"
# The token is in the URL of these pages: keep them out of caches, and out of the Referer header of any request to
# another site. Not "no-referrer": with it the browser posts the new password with `Origin: null`, which the
# cross-site check (services/common/origen.py) must refuse.
TOKEN_PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "same-origin"}

MAIL_SUBJECT = "Conóceles: recupera tu contraseña"
MAIL_BODY = """Hola, {nombre}:

Recibimos una solicitud para cambiar la contraseña de la cuenta «{usuario}» en Conóceles.
Para elegir una contraseña nueva, abre este enlace. Sirve una sola vez y durante {minutos} minutos
(hasta el {vence}, {zona}):

{enlace}

Si no pediste este cambio, ignora este mensaje: tu contraseña sigue siendo la misma.

Este correo se envió automáticamente; no lo respondas.
"""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@public
async def request_form(request: web.Request) -> web.Response:
    context = {"errors": {}, "usuario": "", "enviado": "enviado" in request.query}
    return await render_form(request, REQUEST_TEMPLATE, context)


@public
@writes
async def request_link(request: web.Request) -> web.StreamResponse:
    data = await request.post()
    usuario = str(data.get("usuario", "")).strip()
    if not usuario or len(usuario) > 254:
        errors = {"usuario": "Escribe tu usuario o tu correo electrónico."}
        context = {"errors": errors, "usuario": usuario[:254], "enviado": False}
        return aiohttp_jinja2.render_template(REQUEST_TEMPLATE, request, context, status=422)
    await _request_link(request, usuario)
    # Post/Redirect/Get to one page for every outcome: whether the account exists is never revealed.
    raise web.HTTPSeeOther("/cuenta/recuperar?enviado")


async def _request_link(request: web.Request, usuario: str) -> None:
    settings = request.app[SETTINGS]
    token = secrets.token_urlsafe(32)
    zona = await request_zona(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        user = await conn.fetchrow(RECOVERY_USER_SQL, usuario)
        # The same queries run for an unknown account (user id 0 matches nothing), so timing tells little.
        recent = await conn.fetchval(RECENT_RESET_TOKENS_SQL, user["id"] if user else 0, LINKS_WINDOW)
        if user is None or not user["active"] or not user["email"]:
            outcome = "sin_cuenta_o_correo"
        elif recent >= MAX_LINKS:
            outcome = "limite"
        else:
            await conn.execute(CREATE_RESET_TOKEN_SQL, token_hash(token), user["id"], TOKEN_LIFETIME)
            body = MAIL_BODY.format(
                nombre=user["nombre"] or user["username"],
                usuario=user["username"],
                minutos=TOKEN_LIFETIME // 60,
                vence=tiempo.format_fecha_hora(datetime.now(UTC) + timedelta(seconds=TOKEN_LIFETIME), zona),
                zona=tiempo.nombre_zona(zona.key),
                enlace=f"{settings.public_url}/cuenta/recuperar/{token}",
            )
            await contracts.send(conn, contracts.SendMail(to=user["email"], subject=MAIL_SUBJECT, body=body))
            outcome = "enviado"
        await audit.record(
            conn,
            request,
            None,
            service="auth",
            action="recuperar_solicitud",
            entity="usuario",
            entity_id=user["id"] if user else None,
            details={"usuario": usuario, "resultado": outcome},
        )


def _invalid(request: web.Request, row: asyncpg.Record | None) -> web.Response:
    # Unknown: 404. Known but used, expired or of a disabled account: 410, the link is gone for good.
    context = {"caducado": row is not None}
    response = aiohttp_jinja2.render_template(INVALID_TEMPLATE, request, context, status=410 if row else 404)
    response.headers.update(TOKEN_PAGE_HEADERS)
    return response


async def _token(request: web.Request) -> tuple[str, asyncpg.Record | None]:
    token = request.match_info["token"]
    if len(token) > MAX_TOKEN_LENGTH:
        return token, None
    return token, await request.app[DB_POOL].fetchrow(RESET_TOKEN_SQL, token_hash(token))


async def _render_reset(
    request: web.Request, token: str, username: str, errors: dict[str, str], status: int = 200
) -> web.Response:
    # The password is never put back in the form: the person types it again.
    context: dict[str, Any] = {"errors": errors, "username": username, "token": token}
    response = await render_form(request, RESET_TEMPLATE, context, status=status)
    response.headers.update(TOKEN_PAGE_HEADERS)
    return response


@public
async def reset_form(request: web.Request) -> web.Response:
    token, row = await _token(request)
    if row is None or not row["usable"]:
        return _invalid(request, row)
    return await _render_reset(request, token, row["username"], {})


@public
@writes
async def reset(request: web.Request) -> web.StreamResponse:
    data = await request.post()
    password, confirmation = str(data.get("contrasena", "")), str(data.get("confirmacion", ""))
    token, row = await _token(request)
    if row is None or not row["usable"]:
        return _invalid(request, row)
    errors: dict[str, str] = {}
    problems = password_problems(password, row["username"])
    if problems:
        errors["contrasena"] = " ".join(problems)
    elif password != confirmation:
        errors["confirmacion"] = "Las dos contraseñas no coinciden. Escríbela igual en ambos campos."
    if errors:
        return await _render_reset(request, token, row["username"], errors, status=422)

    # argon2 takes tens of milliseconds of CPU: off the event loop, and before the transaction opens.
    new_hash = await request.app[HASHER].hash(password)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        used = await conn.fetchrow(USE_RESET_TOKEN_SQL, token_hash(token))
        if used is not None:
            await conn.execute(SET_OWN_PASSWORD_SQL, used["user_id"], new_hash)
            await conn.execute(CLOSE_RESET_TOKENS_SQL, used["user_id"])
            await audit.record(
                conn,
                request,
                None,
                service="auth",
                action="recuperar_contrasena",
                entity="usuario",
                entity_id=used["user_id"],
                details={"usuario": used["username"]},
            )
    if used is None:  # the same link was used a moment ago, or expired meanwhile
        return _invalid(request, row)
    redis = request.app[REDIS]
    # Whoever knew the old password is out everywhere, and a lock from failed attempts no longer applies.
    await sessions.destroy_all(redis, used["user_id"])
    await lockout.clear(redis, used["user_id"])
    raise web.HTTPSeeOther("/cuenta/entrar?aviso=restablecida")
