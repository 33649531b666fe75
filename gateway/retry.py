"""When a request that failed on one upstream may be sent to another (issue #13, fault 4).

A publico process killed mid-answer drops the connection of every request it held. A GET or HEAD changes
nothing, so sending it again to another process is safe and the visitor never sees the failure; a POST may have
been applied already, so it is never sent twice.
"""

from __future__ import annotations

import aiohttp

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD"})
# A request is sent to at most this many upstreams after its first one failed mid-way.
MAX_RETRIES = 1


def dropped(exc: BaseException) -> bool:
    """The upstream's connection broke (process killed, restarted, or a stale keep-alive connection)."""
    if isinstance(exc, (aiohttp.ClientConnectorError, TimeoutError)):  # never sent / still being worked on
        return False
    return isinstance(exc, aiohttp.ClientConnectionError)


def may_retry(method: str, has_body: bool, exc: BaseException, retries_done: int) -> bool:
    """Whether a request whose upstream dropped it may go to another upstream.

    A timeout is not retried: the service may still be working on it, and a second wait would double the
    visitor's. Neither is a request with a body (its stream was already consumed).
    """
    return method.upper() in IDEMPOTENT_METHODS and not has_body and retries_done < MAX_RETRIES and dropped(exc)
