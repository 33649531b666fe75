"""Account administration: admin manages every account; coordinacion only candidacies and representatives."""

from __future__ import annotations

import secrets
from typing import Any

import aiohttp_jinja2
import asyncpg
import orjson
from aiohttp import web
from pydantic import ValidationError

from services.common import audit, sessions
from services.common.access import ACCOUNT_MANAGERS, CANDIDATE_SIDE, ROLE_LABELS, ROLES, requires, writes
from services.common.boundary import like_contains, path_int
from services.common.db import DB_POOL
from services.common.mensajes import mensaje
from services.common.signed_identity import Identity
from services.common.web import REDIS, identity

from . import lockout
from .forms import FIELD_MESSAGES, CuentaForm, NuevaCuentaForm
from .hashing import HASHER
from .passwords import generate_password
from .sql import (
    CANDIDATURA_FREE_SQL,
    CREATE_USER_SQL,
    EMAIL_TAKEN_SQL,
    POSTULANTE_BY_SIGLAS_SQL,
    POSTULANTES_SQL,
    RESET_PASSWORD_SQL,
    SET_ACTIVE_SQL,
    UPDATE_USER_SQL,
    USER_SQL,
    USERS_SQL,
)

# A generated password is shown once, right after it is made, then forgotten.
NOTICE_TTL = 600


def _manageable_roles(ident: Identity) -> tuple[str, ...]:
    return ROLES if ident.role == "admin" else CANDIDATE_SIDE


def _user_id(request: web.Request) -> int:
    return path_int(request)


async def _manageable_user(request: web.Request, conn: asyncpg.Connection | asyncpg.Pool) -> asyncpg.Record:
    user = await conn.fetchrow(USER_SQL, _user_id(request))
    if user is None:
        raise web.HTTPNotFound()
    if user["role"] not in _manageable_roles(identity(request)):
        raise web.HTTPForbidden(text="Solo la administración puede modificar cuentas del personal del Instituto.")
    return user


async def _remember_password(request: web.Request, user_id: int, password: str) -> str:
    key = secrets.token_urlsafe(16)
    await request.app[REDIS].set(
        f"auth:aviso:{key}", orjson.dumps({"user_id": user_id, "password": password}), ex=NOTICE_TTL
    )
    return key


def _form_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else "_"
        errors[name] = FIELD_MESSAGES.get(name, mensaje(err))
    return errors


async def _scope(
    conn: asyncpg.Connection, form: CuentaForm, user_id: int | None
) -> tuple[int | None, int | None, dict[str, str]]:
    """The postulante and candidatura ids the role needs, or the errors that prevent them."""
    errors: dict[str, str] = {}
    postulante_id = candidatura_id = None
    if form.role == "representante":
        postulante_id = await conn.fetchval(POSTULANTE_BY_SIGLAS_SQL, form.postulante) if form.postulante else None
        if postulante_id is None:
            errors["postulante"] = "Una cuenta de representante necesita el partido o candidatura que representa."
    if form.role == "candidatura":
        row = await conn.fetchrow(CANDIDATURA_FREE_SQL, form.candidatura_id) if form.candidatura_id else None
        if row is None:
            errors["candidatura_id"] = "Una cuenta de candidatura necesita el número de una candidatura registrada."
        elif row["user_id"] is not None and row["user_id"] != user_id:
            errors["candidatura_id"] = "Esa candidatura ya tiene una cuenta."
        else:
            candidatura_id = row["id"]
    if form.email and await conn.fetchval(EMAIL_TAKEN_SQL, form.email, user_id or 0):
        errors["email"] = "Ese correo electrónico ya pertenece a otra cuenta."
    return postulante_id, candidatura_id, errors


async def _form_context(request: web.Request, **context: Any) -> dict[str, Any]:
    return {
        "roles": [(r, ROLE_LABELS[r]) for r in _manageable_roles(identity(request))],
        "postulantes": await request.app[DB_POOL].fetch(POSTULANTES_SQL),
        "errors": {},
        **context,
    }


@requires(*ACCOUNT_MANAGERS)
@aiohttp_jinja2.template("auth/usuarios.html")
async def list_users(request: web.Request) -> dict[str, Any]:
    q = request.query.get("q", "").strip().lower()[:100] or None
    rol = request.query.get("rol") or None
    roles = _manageable_roles(identity(request))
    pattern = like_contains(q) if q else None
    users = await request.app[DB_POOL].fetch(USERS_SQL, pattern, rol if rol in roles else None, list(roles))
    return {
        "users": users,
        "q": q or "",
        "rol": rol or "",
        "roles": [(r, ROLE_LABELS[r]) for r in roles],
        "labels": ROLE_LABELS,
    }


@requires(*ACCOUNT_MANAGERS)
async def new_form(request: web.Request) -> web.Response:
    context = await _form_context(request, values={})
    return aiohttp_jinja2.render_template("auth/usuario_nueva.html", request, context)


@requires(*ACCOUNT_MANAGERS)
@writes
async def create(request: web.Request) -> web.StreamResponse:
    data = {k: str(v) for k, v in (await request.post()).items()}
    ident = identity(request)
    try:
        form = NuevaCuentaForm.model_validate(data)
    except ValidationError as exc:
        context = await _form_context(request, values=data, errors=_form_errors(exc))
        return aiohttp_jinja2.render_template("auth/usuario_nueva.html", request, context, status=422)
    if form.role not in _manageable_roles(ident):
        raise web.HTTPForbidden(text="Solo la administración puede crear cuentas del personal del Instituto.")
    password = generate_password()
    password_hash = await request.app[HASHER].hash(password)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        postulante_id, candidatura_id, errors = await _scope(conn, form, None)
        user_id = None
        if not errors:
            user_id = await conn.fetchval(
                CREATE_USER_SQL,
                form.username,
                form.nombre,
                form.email,
                password_hash,
                form.role,
                postulante_id,
                candidatura_id,
            )
            if user_id is None:
                errors["username"] = "Ese usuario ya existe; elige otro."
        if errors or user_id is None:
            context = await _form_context(request, values=data, errors=errors)
            return aiohttp_jinja2.render_template("auth/usuario_nueva.html", request, context, status=422)
        await audit.record(
            conn,
            request,
            ident,
            service="auth",
            action="crear_cuenta",
            entity="usuario",
            entity_id=user_id,
            details={
                "username": form.username,
                "role": form.role,
                "postulante_id": postulante_id,
                "candidatura_id": candidatura_id,
            },
        )
    key = await _remember_password(request, user_id, password)
    raise web.HTTPSeeOther(f"/cuenta/usuarios/{user_id}?aviso={key}")


@requires(*ACCOUNT_MANAGERS)
async def detail(request: web.Request) -> web.Response:
    user = await _manageable_user(request, request.app[DB_POOL])
    password = None
    if key := request.query.get("aviso"):
        raw = await request.app[REDIS].getdel(f"auth:aviso:{key[:64]}")
        notice = orjson.loads(raw) if raw else None
        if notice and notice["user_id"] == user["id"]:
            password = notice["password"]
    context = await _form_context(
        request,
        user=user,
        password=password,
        labels=ROLE_LABELS,
        values={
            "nombre": user["nombre"],
            "email": user["email"] or "",
            "role": user["role"],
            "postulante": user["siglas"] or "",
            "candidatura_id": user["candidatura_id"] or "",
        },
        saved=request.query.get("guardado"),
    )
    response = aiohttp_jinja2.render_template("auth/usuario.html", request, context)
    response.headers["Cache-Control"] = "no-store"
    return response


@requires(*ACCOUNT_MANAGERS)
@writes
async def update(request: web.Request) -> web.StreamResponse:
    data = {k: str(v) for k, v in (await request.post()).items()}
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        user = await _manageable_user(request, conn)
        try:
            form = CuentaForm.model_validate(data)
            errors: dict[str, str] = {}
        except ValidationError as exc:
            form, errors = None, _form_errors(exc)
        if form is not None and form.role not in _manageable_roles(ident):
            raise web.HTTPForbidden(text="Solo la administración puede asignar roles del personal del Instituto.")
        postulante_id = candidatura_id = None
        if form is not None:
            postulante_id, candidatura_id, errors = await _scope(conn, form, user["id"])
        if form is None or errors:
            context = await _form_context(
                request, user=user, password=None, labels=ROLE_LABELS, values=data, errors=errors, saved=None
            )
            return aiohttp_jinja2.render_template("auth/usuario.html", request, context, status=422)
        await conn.execute(
            UPDATE_USER_SQL, user["id"], form.nombre, form.email, form.role, postulante_id, candidatura_id
        )
        changed = {
            k: v
            for k, v in (("role", form.role), ("postulante_id", postulante_id), ("candidatura_id", candidatura_id))
            if user[k] != v
        }
        await audit.record(
            conn,
            request,
            ident,
            service="auth",
            action="editar_cuenta",
            entity="usuario",
            entity_id=user["id"],
            details={
                "antes": {k: user[k] for k in changed},
                "despues": changed,
                "nombre": form.nombre,
                "email": form.email,
            },
        )
    if changed:
        # A change of role or scope ends the person's sessions: the next login carries the new privileges.
        await sessions.destroy_all(request.app[REDIS], user["id"])
    raise web.HTTPSeeOther(f"/cuenta/usuarios/{user['id']}?guardado=1")


async def _set_active(request: web.Request, active: bool) -> web.StreamResponse:
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        user = await _manageable_user(request, conn)
        if user["id"] == ident.user_id:
            raise web.HTTPConflict(text="No puedes desactivar tu propia cuenta.")
        if await conn.fetchval(SET_ACTIVE_SQL, user["id"], active):
            await audit.record(
                conn,
                request,
                ident,
                service="auth",
                action="activar" if active else "desactivar",
                entity="usuario",
                entity_id=user["id"],
            )
    redis = request.app[REDIS]
    if active:
        await lockout.clear(redis, user["id"])
    else:
        await sessions.destroy_all(redis, user["id"])
    raise web.HTTPSeeOther(f"/cuenta/usuarios/{user['id']}?guardado=1")


@requires(*ACCOUNT_MANAGERS)
@writes
async def disable(request: web.Request) -> web.StreamResponse:
    return await _set_active(request, False)


@requires(*ACCOUNT_MANAGERS)
@writes
async def enable(request: web.Request) -> web.StreamResponse:
    return await _set_active(request, True)


@requires(*ACCOUNT_MANAGERS)
@writes
async def reset_password(request: web.Request) -> web.StreamResponse:
    ident = identity(request)
    password = generate_password()
    password_hash = await request.app[HASHER].hash(password)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        user = await _manageable_user(request, conn)
        await conn.execute(RESET_PASSWORD_SQL, user["id"], password_hash)
        await audit.record(
            conn,
            request,
            ident,
            service="auth",
            action="restablecer_contrasena",
            entity="usuario",
            entity_id=user["id"],
        )
    redis = request.app[REDIS]
    await sessions.destroy_all(redis, user["id"])
    await lockout.clear(redis, user["id"])
    key = await _remember_password(request, user["id"], password)
    raise web.HTTPSeeOther(f"/cuenta/usuarios/{user['id']}?aviso={key}")
