"""Change one's own password; the forced change after a generated password lands here too."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from services.common import audit, sessions
from services.common.access import home_of, requires, writes
from services.common.db import DB_POOL
from services.common.web import REDIS, identity

from .hashing import HASHER
from .policy import password_problems
from .sql import PASSWORD_HASH_SQL, SET_OWN_PASSWORD_SQL
from .views import set_session_cookie

TEMPLATE = "auth/contrasena.html"


@requires(during_password_change=True)
async def form(request: web.Request) -> web.Response:
    context = {"errors": {}, "forced": identity(request).must_change_password, "done": "hecho" in request.query}
    return aiohttp_jinja2.render_template(TEMPLATE, request, context)


@requires(during_password_change=True)
@writes
async def change(request: web.Request) -> web.StreamResponse:
    data = {k: str(v) for k, v in (await request.post()).items()}
    ident = identity(request)
    assert ident.user_id is not None and ident.username is not None
    pool, redis = request.app[DB_POOL], request.app[REDIS]
    actual, nueva, confirmacion = data.get("actual", ""), data.get("nueva", ""), data.get("confirmacion", "")
    errors: dict[str, str] = {}
    current_hash = await pool.fetchval(PASSWORD_HASH_SQL, ident.user_id)
    hasher = request.app[HASHER]
    if not await hasher.verify(current_hash, actual):
        errors["actual"] = "La contraseña actual no es correcta."
    problems = password_problems(nueva, ident.username)
    if problems:
        errors["nueva"] = " ".join(problems)
    elif nueva != confirmacion:
        errors["confirmacion"] = "La confirmación no coincide con la contraseña nueva."
    elif nueva == actual:
        errors["nueva"] = "La contraseña nueva debe ser distinta de la actual."
    if errors:
        context: dict[str, Any] = {"errors": errors, "forced": ident.must_change_password, "done": False}
        return aiohttp_jinja2.render_template(TEMPLATE, request, context, status=422)

    new_hash = await hasher.hash(nueva)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(SET_OWN_PASSWORD_SQL, ident.user_id, new_hash)
        await audit.record(
            conn, request, ident, service="auth", action="cambio_contrasena", entity="usuario", entity_id=ident.user_id
        )
    # Every other session of this user ends; this one continues under a new id (privilege change).
    await sessions.destroy_all(redis, ident.user_id)
    session = await sessions.create(
        redis,
        user_id=ident.user_id,
        username=ident.username,
        role=ident.role,
        postulante_id=ident.postulante_id,
        candidatura_ids=ident.candidatura_ids,
    )
    target = home_of(ident.role) if ident.must_change_password else "/cuenta/contrasena?hecho"
    redirect = web.HTTPSeeOther(target)
    set_session_cookie(request, redirect, session.id)
    raise redirect
