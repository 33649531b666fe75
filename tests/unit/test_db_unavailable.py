"""What counts as "PostgreSQL is away" (503, retry later) and what stays a bug (500)."""

from __future__ import annotations

import asyncio
import struct
from pathlib import Path

import asyncpg
import pytest

from services.common.db import database_unavailable


async def test_a_refused_connection_from_asyncpg_is_unavailable(tmp_path: object) -> None:
    with pytest.raises(OSError) as info:
        await asyncpg.connect(f"postgresql://x@/db?host={tmp_path}&port=1", timeout=2)
    assert database_unavailable(info.value)


def _message(kind: bytes, payload: bytes) -> bytes:
    return kind + struct.pack("!i", len(payload) + 4) + payload


async def test_a_query_on_a_connection_told_the_server_is_stopping_is_unavailable(tmp_path: Path) -> None:
    """What a stopping PostgreSQL does to an idle connection: a FATAL ErrorResponse, the socket closed a moment
    later. A query in that moment fails inside asyncpg's protocol (InternalClientError), and is an outage, not a
    bug: a cached public page must fall back to what Redis holds, a private page answer 503 (tests/resilience)."""
    said_fatal, finished = asyncio.Event(), asyncio.Event()

    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        (length,) = struct.unpack("!i", await reader.readexactly(4))
        await reader.readexactly(length - 4)  # the startup message
        params = [(b"server_version", b"16.0"), (b"client_encoding", b"UTF8"), (b"integer_datetimes", b"on")]
        writer.write(_message(b"R", struct.pack("!i", 0)))  # AuthenticationOk
        for name, value in params:
            writer.write(_message(b"S", name + b"\0" + value + b"\0"))
        writer.write(_message(b"K", struct.pack("!ii", 1, 2)) + _message(b"Z", b"I"))
        await writer.drain()
        await asyncio.sleep(0.05)
        fields = [b"SFATAL", b"VFATAL", b"C57P01", b"Mterminating connection due to administrator command"]
        writer.write(_message(b"E", b"".join(f + b"\0" for f in fields) + b"\0"))
        await writer.drain()
        said_fatal.set()
        await finished.wait()  # the close has not arrived when the query runs
        writer.close()

    listening = await asyncio.start_unix_server(server, path=str(tmp_path / ".s.PGSQL.5432"))
    async with listening:
        conn = await asyncpg.connect(f"postgresql://x@/db?host={tmp_path}&port=5432", timeout=2)
        try:
            await said_fatal.wait()
            await asyncio.sleep(0.05)
            with pytest.raises(Exception) as info:
                await conn.fetchval("SELECT 1")
            assert database_unavailable(info.value), repr(info.value)
        finally:
            conn.terminate()
            finished.set()  # a server closing waits for its handlers (Python 3.12+)


@pytest.mark.parametrize(
    "exc",
    [
        asyncpg.ConnectionDoesNotExistError("closed in the middle of operation"),
        asyncpg.CannotConnectNowError("the database system is shutting down"),
        asyncpg.TooManyConnectionsError("too many clients"),
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.InterfaceError("connection is closed"),
    ],
)
def test_connection_errors_are_unavailable(exc: Exception) -> None:
    assert database_unavailable(exc)


def test_other_errors_are_not() -> None:
    try:
        open("/no/such/file")
    except OSError as exc:
        assert not database_unavailable(exc)
    assert not database_unavailable(asyncpg.exceptions._base.DataError("invalid input for query argument"))
    assert not database_unavailable(asyncpg.UniqueViolationError("duplicate key"))
    assert not database_unavailable(ValueError("x"))
