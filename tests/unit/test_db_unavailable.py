"""What counts as "PostgreSQL is away" (503, retry later) and what stays a bug (500)."""

from __future__ import annotations

import asyncpg
import pytest

from services.common.db import database_unavailable


async def test_a_refused_connection_from_asyncpg_is_unavailable(tmp_path: object) -> None:
    with pytest.raises(OSError) as info:
        await asyncpg.connect(f"postgresql://x@/db?host={tmp_path}&port=1", timeout=2)
    assert database_unavailable(info.value)


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
