"""A second `make run` waits for Redis to replay its append-only file instead of failing to start."""

from __future__ import annotations

import pytest
from redis.exceptions import BusyLoadingError, ConnectionError

from launcher.system import ping_while_loading


def test_a_loading_redis_is_waited_for() -> None:
    answers = [BusyLoadingError("Redis is loading the dataset in memory")] * 3

    def ping() -> bool:
        if answers:
            raise answers.pop()
        return True

    ping_while_loading(ping, timeout=10, pause=0)
    assert not answers


def test_other_redis_errors_are_not_retried() -> None:
    calls = []

    def ping() -> bool:
        calls.append(1)
        raise ConnectionError("refused")

    with pytest.raises(ConnectionError):
        ping_while_loading(ping, timeout=10, pause=0)
    assert len(calls) == 1
