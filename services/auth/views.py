"""Login and logout."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import ValidationError

from services.common import audit, sessions
from services.common.access import public, requires
from services.common.db import DB_POOL
from services.common.web import REDIS, SETTINGS, identity

from .forms import LoginForm
from .passwords import verify_password
from .sql import USER_BY_LOGIN_SQL

HOME_BY_ROLE = {
    "candidatura": "/captura/",
    "representante": "/captura/",
    "validador": "/validacion/",
    "coordinacion": "/validacion/",
    "transparencia": "/validacion/",
    "igualdad": "/reportes/",
    "admin": "/cuenta/usuarios",
}
WRONG_CREDENTIALS = "El usuario o la contraseña no son correctos."


def _safe_next(value: str) -> str | None:
    # Only a local path: never an open redirect to another site.
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


def _set_cookie(request: web.Request, response: web.StreamResponse, session_id: str) -> None:
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


@public
async def login_form(request: web.Request) -> web.Response:
    ident = identity(request)
    if ident.is_authenticated:
        raise web.HTTPSeeOther(HOME_BY_ROLE.get(ident.role or "", "/"))
    context: dict[str, Any] = {"errors": {}, "usuario": "", "siguiente": request.query.get("siguiente", "")}
    if ident.session_id is None:
        # The form needs a CSRF token bound to a session, so an anonymous visitor gets one here.
        session = await sessions.create(request.app[REDIS])
        context["csrf_token"] = session.csrf_token
        response = _render_login(request, context)
        _set_cookie(request, response, session.id)
        return response
    return _render_login(request, context)


@public
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
    return await asyncio.shield(_login(request, form))


async def _login(request: web.Request, form: LoginForm) -> web.StreamResponse:
    pool, redis = request.app[DB_POOL], request.app[REDIS]
    user = await pool.fetchrow(USER_BY_LOGIN_SQL, form.usuario)
    valid = verify_password(user["password_hash"] if user else None, form.contrasena)
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
        context = {"errors": {"usuario": message}, "usuario": form.usuario, "siguiente": form.siguiente}
        return _render_login(request, context, status=401)

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
    target = _safe_next(form.siguiente) or HOME_BY_ROLE[user["role"]]
    redirect = web.HTTPSeeOther(target)
    _set_cookie(request, redirect, session.id)
    raise redirect


@requires()
async def logout(request: web.Request) -> web.StreamResponse:
    ident = identity(request)
    redis = request.app[REDIS]
    if ident.session_id:
        session = await sessions.load(redis, ident.session_id, touch=False)
        if session:
            await sessions.destroy(redis, session)
    await audit.record(
        request.app[DB_POOL], request, ident, service="auth", action="logout", entity="usuario", entity_id=ident.user_id
    )
    redirect = web.HTTPSeeOther("/cuenta/entrar")
    redirect.del_cookie(sessions.COOKIE_NAME, path="/")
    raise redirect
