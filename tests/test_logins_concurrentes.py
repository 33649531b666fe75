"""A burst of logins through the gateway: more at once than auth hashes at once (AUTH_HASH_CONCURRENCY) all
get in, queued rather than refused, and a wrong password among them is still refused. A hash made with older
argon2 parameters is replaced at login."""

from __future__ import annotations

import asyncio

import asyncpg
from argon2 import extract_parameters

from services.auth.passwords import DEFAULT_PARAMS, Argon2Params, hash_password
from services.auth.settings import AuthSettings

from . import factories
from .helpers import DEMO_PASSWORD, Client


async def _attempt(client: Client, username: str, password: str) -> int:
    response = await client.submit("/cuenta/entrar", "/cuenta/entrar", {"usuario": username, "contrasena": password})
    return response.status


async def test_logins_beyond_the_hash_limit_all_succeed_and_a_wrong_password_is_refused(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    burst = 4 * AuthSettings().hash_concurrency
    usernames = [await factories.cuenta(db) for _ in range(burst)]
    intruder = await factories.cuenta(db)
    clients = [make_client() for _ in range(burst + 1)]
    attempts = [_attempt(c, u, DEMO_PASSWORD) for c, u in zip(clients, usernames, strict=False)]
    attempts.append(_attempt(clients[-1], intruder, "no-es-la-contrasena"))
    statuses = await asyncio.gather(*attempts)
    assert statuses == [303] * burst + [401]
    # Each of them really is logged in: a page only a session reaches.
    for client in clients[:burst]:
        assert (await client.get("/cuenta/contrasena")).status == 200
    assert (await clients[-1].get("/cuenta/contrasena")).status != 200
    failures = await db.fetchval(
        "SELECT count(*) FROM audit.eventos WHERE action = 'login_fallido' AND entity_id = "
        "(SELECT id::text FROM auth.users WHERE username = $1)",
        intruder,
    )
    assert failures == 1


async def test_a_hash_with_old_parameters_is_replaced_at_login(client: Client, db: asyncpg.Pool) -> None:
    username = await factories.cuenta(db)
    old = hash_password(DEMO_PASSWORD, Argon2Params(memory_kib=9216, time_cost=1, parallelism=1))
    await db.execute("UPDATE auth.users SET password_hash = $2 WHERE username = $1", username, old)
    await client.login(username)
    stored = await db.fetchval("SELECT password_hash FROM auth.users WHERE username = $1", username)
    assert stored != old
    params = extract_parameters(stored)
    assert (params.memory_cost, params.time_cost, params.parallelism) == (
        DEFAULT_PARAMS.memory_kib,
        DEFAULT_PARAMS.time_cost,
        DEFAULT_PARAMS.parallelism,
    )
