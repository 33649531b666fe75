"""The asyncpg pool: one per process, created in a cleanup context, JSON decoded with orjson."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import orjson
from aiohttp import web

from .settings import CommonSettings

DB_POOL: web.AppKey[asyncpg.Pool] = web.AppKey("db_pool", asyncpg.Pool)


async def _init_connection(conn: asyncpg.Connection) -> None:
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name, encoder=lambda v: orjson.dumps(v).decode(), decoder=orjson.loads, schema="pg_catalog"
        )


class Connection(asyncpg.Connection):  # type: ignore[misc]  # asyncpg ships no type hints
    """A pooled connection handed back without asyncpg's reset query.

    asyncpg sends ``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`` on every release: one
    more round trip and statement per checkout, about a sixth of captura's CPU per save in the bench profile
    (docs/bench.md, issue 12). Our pooled connections keep no session state for it to clear: no ``SET`` without
    ``LOCAL``, LISTEN only on the relay's own connection (outside the pool), cursors only inside transactions
    (closed at their end), and the one session advisory lock (auth's lote) is unlocked in a ``finally``. asyncpg
    still rolls back a transaction left open and drops a connection that broke.
    """

    def get_reset_query(self) -> str:
        return ""


class Pool(asyncpg.Pool):  # type: ignore[misc]  # asyncpg ships no type hints
    """asyncpg's pool with a default acquire timeout: asyncpg waits forever for a free connection, so a stalled
    or absent PostgreSQL would pile requests up instead of answering 503 (``database_unavailable``)."""

    acquire_timeout: float | None = None

    def acquire(self, *, timeout: float | None = None) -> Any:
        return super().acquire(timeout=self.acquire_timeout if timeout is None else timeout)


async def create_pool(settings: CommonSettings, **kwargs: Any) -> asyncpg.Pool:
    options: dict[str, Any] = {
        "min_size": settings.db_pool_min,
        "max_size": settings.db_pool_max,
        "init": _init_connection,
        "command_timeout": settings.db_command_timeout,
        "timeout": settings.db_connect_timeout,  # asyncpg.connect's own default is 60 s
        # asyncpg.create_pool's defaults, which its Pool constructor requires spelled out.
        "max_queries": 50000,
        "max_inactive_connection_lifetime": 300.0,
        "loop": None,
        "connection_class": Connection,
        "record_class": asyncpg.Record,
    }
    options.update(kwargs)
    pool = Pool(settings.database_url, **options)
    pool.acquire_timeout = settings.db_acquire_timeout
    await pool
    return pool


def pool_ctx(settings: CommonSettings) -> Any:
    """A cleanup context that opens the pool at start-up and closes it at shutdown (or reuses an injected one)."""

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        if DB_POOL in app:
            yield
            return
        app[DB_POOL] = await create_pool(settings)
        yield
        await app[DB_POOL].close()

    return ctx


# A plain InterfaceError is asyncpg's "connection is closed" / "pool is closing"; its subclasses (DataError,
# ClientConfigurationError…) are mistakes in the request or the code, not an absent server.
_UNAVAILABLE = (
    asyncpg.PostgresConnectionError,  # includes ConnectionDoesNotExistError
    asyncpg.CannotConnectNowError,  # starting up or shutting down
    asyncpg.TooManyConnectionsError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    # A stopping PostgreSQL sends each idle connection a FATAL message before it closes the socket; asyncpg,
    # reading it while idle, puts the protocol in an error state, and a query on that connection in the moment
    # before the close arrives fails with "cannot switch to state …; another operation (2) is in progress".
    asyncpg.InternalClientError,
)


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` means PostgreSQL cannot be reached right now (so: 503 and try later, not a bug)."""
    if isinstance(exc, _UNAVAILABLE) or type(exc) is asyncpg.InterfaceError:
        return True
    if isinstance(exc, OSError):
        # Connection refused, socket file gone, pool acquire or connect timeout: only when asyncpg raised it,
        # so a missing media file or a slow upstream is not mistaken for the database.
        tb = exc.__traceback__
        while tb is not None:
            if "/asyncpg/" in tb.tb_frame.f_code.co_filename:
                return True
            tb = tb.tb_next
    return False


class _OutageWithoutTraceback(logging.Filter):
    """asyncpg logs a WARNING with a traceback each time it cannot refill the pool; while PostgreSQL is away that
    is expected, so the line keeps its level and says why, without the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and database_unavailable(exc):
            record.msg = f"{record.msg} ({type(exc).__name__}: {exc})"
            record.exc_info = None
            record.exc_text = None
        return True


logging.getLogger("asyncpg.pool").addFilter(_OutageWithoutTraceback())
