"""The auth process's one :class:`~services.auth.passwords.Hasher`, built from its settings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from aiohttp import web

from .passwords import Hasher
from .settings import AuthSettings

HASHER: web.AppKey[Hasher] = web.AppKey("hasher", Hasher)


def hasher_for(settings: AuthSettings) -> Hasher:
    return Hasher(settings.argon2, settings.hash_concurrency)


def hasher_ctx(settings: AuthSettings) -> Callable[[web.Application], AsyncIterator[None]]:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        app[HASHER] = hasher_for(settings)
        yield
        app[HASHER].close()

    return ctx
