"""Past one machine: publico's public pages read from a PostgreSQL streaming replica when one is configured.

With ``PUBLICO_DATABASE_READ_URL`` set, the app's ``DB_POOL`` (what every public view, the page cache and /health
use) is a pool on that URL, and :data:`PRIMARY_POOL` holds a pool on ``DATABASE_URL`` for the few handlers that
write or must read their own writes (the avisos an admin edits). Unset, both are the one pool on the primary.
A replica lags the primary by a fraction of a second: public pages already tolerate that much (they are cached for
minutes); a handler that writes must use :func:`primary_pool`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import asyncpg
from aiohttp import web

from services.common.db import DB_POOL, create_pool

from .settings import PublicoSettings

PRIMARY_POOL: web.AppKey[asyncpg.Pool] = web.AppKey("publico_primary_pool", asyncpg.Pool)


def primary_pool(request: web.Request) -> asyncpg.Pool:
    """The pool on the primary: for writes and for reads that must see them."""
    return request.app.get(PRIMARY_POOL) or request.app[DB_POOL]


def read_pools_ctx(settings: PublicoSettings) -> Callable[[web.Application], AsyncIterator[None]]:
    """Opens the read pool (as DB_POOL, so base_app's own pool context leaves it alone) and the primary pool."""

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        if not settings.database_read_url or settings.database_read_url == settings.database_url or DB_POOL in app:
            yield
            return
        app[PRIMARY_POOL] = await create_pool(settings)
        try:
            # The same sizes, codecs and timeout as the primary's pool, on the replica's URL.
            app[DB_POOL] = await create_pool(settings.model_copy(update={"database_url": settings.database_read_url}))
        except BaseException:
            await app[PRIMARY_POOL].close()
            raise
        yield
        await app[DB_POOL].close()
        await app[PRIMARY_POOL].close()

    return ctx
