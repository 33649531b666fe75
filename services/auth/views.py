"""Login and logout."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import ValidationError

from services.common import audit, sessions
from services.common.access import home_of, public, requires, writes
from services.common.db import DB_POOL
from services.common.plural import contar
from services.common.redirects import safe_next
from services.common.web import PASSWORD_CHANGE_PATH, REDIS, SETTINGS, identity

from . import lockout
from .forms import LoginForm
from .hashing import HASHER
from .sql import REHASH_SQL, USER_BY_LOGIN_SQL

WRONG_CREDENTIALS = "El usuario o la contraseña no son correctos."
# Messages the login page shows after a redirect (``?aviso=<key>``): only these texts, never one from the URL.
LOGIN_NOTICES = {"restablecida": "Tu contraseña se cambió. Ya puedes entrar con la nueva."}


def set_session_cookie(request: web.Request, response: web.StreamResponse, session_id: str) -> None:
    response.set_cookie(
        sessions.COOKIE_NAME,
        session_id,
        httponly=True,
        samesite="Lax",
        secure=request.app[SETTINGS].secure_cookies,
        path="/",
    )


def _render_login(request: web.Request, context: dict[str, Any], status: int = 200) -> web.Response:
    return aiohttp_jinja2.render_template("auth/entrar.html", request, context, status=status)


async def render_form(request: web.Request, template: str, context: dict[str, Any], status: int = 200) -> web.Response:
    """Render a page with a form that visitors who are not logged in use (login, password recovery).

    The form needs a CSRF token bound to a session, so a visitor without one gets an anonymous session here.
    """
    if identity(request).session_id is not None:
        return aiohttp_jinja2.render_template(template, request, context, status=status)
    session = await sessions.create(request.app[REDIS])
    context = {**context, "csrf_token": session.csrf_token}
    response = aiohttp_jinja2.render_template(template, request, context, status=status)
    set_session_cookie(request, response, session.id)
    return response


@public
async def login_form(request: web.Request) -> web.Response:
    ident = identity(request)
    if ident.is_authenticated:
        raise web.HTTPSeeOther(home_of(ident.role))
    context: dict[str, Any] = {
        "errors": {},
        "usuario": "",
        "siguiente": safe_next(request.query.get("siguiente", "")) or "",
        "aviso": LOGIN_NOTICES.get(request.query.get("aviso", "")),
    }
    return await render_form(request, "auth/entrar.html", context)


@public
@writes
async def login(request: web.Request) -> web.StreamResponse:
    form_data = await request.post()
    try:
        form = LoginForm.model_validate(dict(form_data))
    except ValidationError:
        context = {
            "errors": {"usuario": "Escribe tu usuario y tu contraseña."},
            "usuario": form_data.get("usuario", ""),
            "siguiente": form_data.get("siguiente", ""),
        }
        return _render_login(request, context, status=400)
    pool, redis = request.app[DB_POOL], request.app[REDIS]
    user = await pool.fetchrow(USER_BY_LOGIN_SQL, form.usuario)
    hasher = request.app[HASHER]
    # The hash is verified even for a locked or unknown account, so timing tells nothing about it. In a thread,
    # a few at a time (AUTH_HASH_CONCURRENCY): a burst of logins queues instead of multiplying argon2's memory.
    valid = await hasher.verify(user["password_hash"] if user else None, form.contrasena)
    locked = await lockout.locked_for(redis, user["id"]) if user else 0
    if locked:
        await audit.record(
            pool,
            request,
            None,
            service="auth",
            action="login_bloqueado",
            entity="usuario",
            entity_id=user["id"],
            details={"usuario": form.usuario[:254]},
        )
        minutes = max(1, round(locked / 60))
        message = (
            f"Por seguridad, esta cuenta está bloqueada durante {contar(minutes, 'minuto', 'minutos')} más tras "
            f"{lockout.MAX_FAILURES} intentos fallidos. Espera o recupera tu contraseña."
        )
        context = {"errors": {"usuario": message}, "usuario": form.usuario, "siguiente": form.siguiente}
        return _render_login(request, context, status=429)
    if not user or not valid or not user["active"]:
        await audit.record(
            pool,
            request,
            None,
            service="auth",
            action="login_fallido",
            entity="usuario",
            entity_id=user["id"] if user else None,
            details={"usuario": form.usuario[:254]},
        )
        message = "Esta cuenta está desactivada. Comunícate con el Instituto." if user and valid else WRONG_CREDENTIALS
        if user and not valid and await lockout.record_failure(redis, user["id"]):
            await audit.record(
                pool,
                request,
                None,
                service="auth",
                action="cuenta_bloqueada",
                entity="usuario",
                entity_id=user["id"],
                details={"minutos": lockout.LOCK_SECONDS // 60},
            )
            message = (
                f"Por seguridad, bloqueamos esta cuenta durante {lockout.LOCK_SECONDS // 60} minutos tras "
                f"{lockout.MAX_FAILURES} intentos fallidos. Espera o recupera tu contraseña."
            )
        context = {"errors": {"usuario": message}, "usuario": form.usuario, "siguiente": form.siguiente}
        return _render_login(request, context, status=401)
    await lockout.clear(redis, user["id"])
    if hasher.needs_rehash(user["password_hash"]):
        # Made with other argon2 parameters (an older default): the password is at hand only now.
        await pool.execute(REHASH_SQL, user["id"], user["password_hash"], await hasher.hash(form.contrasena))

    old = identity(request)
    if old.session_id:
        old_session = await sessions.load(redis, old.session_id, touch=False)
        if old_session:
            await sessions.destroy(redis, old_session)
    # A new id at login: a session id planted before login is worth nothing after it.
    session = await sessions.create(
        redis,
        user_id=user["id"],
        username=user["username"],
        role=user["role"],
        postulante_id=user["postulante_id"],
        candidatura_ids=(user["candidatura_id"],) if user["candidatura_id"] else (),
        must_change_password=user["must_change_password"],
    )
    await audit.record(
        pool,
        request,
        None,
        service="auth",
        action="login",
        entity="usuario",
        entity_id=user["id"],
        details={"usuario": user["username"]},
    )
    target = safe_next(form.siguiente) or home_of(user["role"])
    if user["must_change_password"]:
        target = PASSWORD_CHANGE_PATH
    redirect = web.HTTPSeeOther(target)
    set_session_cookie(request, redirect, session.id)
    raise redirect


@requires(during_password_change=True)
@writes
async def logout(request: web.Request) -> web.StreamResponse:
    """Closes every session of the user, on every device: leaving means leaving."""
    ident = identity(request)
    if ident.user_id is not None:
        await sessions.destroy_all(request.app[REDIS], ident.user_id)
    await audit.record(
        request.app[DB_POOL], request, ident, service="auth", action="logout", entity="usuario", entity_id=ident.user_id
    )
    redirect = web.HTTPSeeOther("/cuenta/entrar")
    redirect.del_cookie(sessions.COOKIE_NAME, path="/")
    raise redirect
