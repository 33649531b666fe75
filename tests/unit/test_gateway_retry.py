"""Which failed requests the gateway sends to another upstream (issue #13, fault 4)."""

from __future__ import annotations

import asyncio
import os

import aiohttp
import pytest
from aiohttp.client_reqrep import ConnectionKey

from gateway.retry import may_retry
from gateway.upstreams import PoolBusyError, UpstreamPool

DROPPED = aiohttp.ServerDisconnectedError()
KEY = ConnectionKey("127.0.0.1", 1, False, True, None, None, None)


@pytest.mark.parametrize("method", ["GET", "HEAD", "get"])
def test_an_idempotent_request_dropped_by_its_upstream_is_retried_once(method: str) -> None:
    assert may_retry(method, False, DROPPED, 0)
    assert may_retry(method, False, aiohttp.ClientOSError(104, "Connection reset by peer"), 0)
    assert not may_retry(method, False, DROPPED, 1)  # once, not in a loop over a dying service


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_request_that_may_change_something_is_never_sent_twice(method: str) -> None:
    assert not may_retry(method, True, DROPPED, 0)
    assert not may_retry(method, False, DROPPED, 0)


def test_timeouts_and_bodies_are_not_retried() -> None:
    assert not may_retry("GET", False, aiohttp.ServerTimeoutError(), 0)
    assert not may_retry("GET", False, TimeoutError(), 0)
    assert not may_retry("GET", True, DROPPED, 0)
    # Refused before anything was sent: the pool's own loop tries the next member, not the retry.
    assert not may_retry("GET", False, aiohttp.ClientConnectorError(KEY, OSError(os.strerror(111))), 0)


async def test_a_full_upstream_holds_its_limit_then_a_bounded_line_then_refuses() -> None:
    pool = UpstreamPool("captura", ["http://127.0.0.1:1"], 5.0, concurrency=2, queue=1)
    first, second = await pool.take(set()), await pool.take(set())
    assert first is not None and second is not None and first.inflight == 2
    waiting = asyncio.ensure_future(pool.take(set()))
    await asyncio.sleep(0)
    assert pool.waiting == 1 and not waiting.done()
    with pytest.raises(PoolBusyError):
        await pool.take(set())
    pool.give_back(first)
    assert await waiting is first
    assert pool.waiting == 0


async def test_a_waiter_whose_client_left_frees_its_place_in_line() -> None:
    pool = UpstreamPool("captura", ["http://127.0.0.1:1"], 5.0, concurrency=1, queue=1)
    assert await pool.take(set()) is not None
    waiting = asyncio.ensure_future(pool.take(set()))
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert pool.waiting == 0


async def test_every_member_tried_means_none_left() -> None:
    pool = UpstreamPool("publico", ["http://127.0.0.1:1", "http://127.0.0.1:2"], 5.0)
    assert await pool.take({"http://127.0.0.1:1", "http://127.0.0.1:2"}) is None
