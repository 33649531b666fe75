"""Upstream processes of each service: round-robin over the healthy ones, health-checked in the background."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import socket
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp

log = logging.getLogger(__name__)


class PoolBusyError(Exception):
    """Every process of a service holds its maximum of requests and the waiting line is full."""


@dataclass
class Upstream:
    url: str
    down_until: float = 0.0
    last_status: str = "unknown"
    # Requests sent to it whose answer has not ended yet.
    inflight: int = 0

    @property
    def available(self) -> bool:
        return time.monotonic() >= self.down_until


@dataclass
class UpstreamPool:
    service: str
    configured: list[str]
    down_for: float
    # Requests one member holds at once, and how many more may wait for a place (GatewaySettings).
    concurrency: int = 100
    queue: int = 100
    members: list[Upstream] = field(default_factory=list)
    _counter: itertools.count[int] = field(default_factory=itertools.count)
    _waiters: deque[asyncio.Future[None]] = field(default_factory=deque)

    def __post_init__(self) -> None:
        self.members = [Upstream(url.rstrip("/")) for url in self.configured]

    def candidates(self) -> list[Upstream]:
        """Every member, starting from the next in turn; those marked down go last (tried only if all are down)."""
        if not self.members:
            return []
        start = next(self._counter) % len(self.members)
        rotated = self.members[start:] + self.members[:start]
        return [u for u in rotated if u.available] + [u for u in rotated if not u.available]

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    async def take(self, exclude: set[str]) -> Upstream | None:
        """A member with a free place (healthy ones first), waiting for one while every member is full.

        None when every member was already tried. A frozen process thus holds at most ``concurrency`` requests,
        ``queue`` more wait (and leave, untouched, if their client hangs up), and the rest are refused at once:
        the gateway's memory and connections stay bounded whatever one service does.
        """
        while True:
            left = [u for u in self.candidates() if u.url not in exclude]
            if not left:
                return None
            for upstream in left:
                if upstream.inflight < self.concurrency:
                    upstream.inflight += 1
                    return upstream
            if len(self._waiters) >= self.queue:
                raise PoolBusyError(self.service)
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)

    def give_back(self, upstream: Upstream) -> None:
        upstream.inflight -= 1
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def mark_down(self, upstream: Upstream, reason: str) -> None:
        if upstream.available:
            log.warning("%s upstream %s down: %s", self.service, upstream.url, reason)
        upstream.down_until = time.monotonic() + self.down_for
        upstream.last_status = f"down: {reason}"

    def mark_up(self, upstream: Upstream) -> None:
        upstream.down_until = 0.0
        upstream.last_status = "ok"

    async def expand(self) -> None:
        """Replace host names by all their addresses, so each compose replica becomes its own upstream."""
        loop = asyncio.get_running_loop()
        urls: list[str] = []
        for configured in self.configured:
            parts = urlsplit(configured)
            host, port = parts.hostname or "127.0.0.1", parts.port or 80
            try:
                infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except OSError:
                urls.append(configured.rstrip("/"))
                continue
            addresses = sorted({str(info[4][0]) for info in infos if info[0] == socket.AF_INET}) or [host]
            urls.extend(f"{parts.scheme}://{addr}:{port}" for addr in addresses)
        known = {u.url: u for u in self.members}
        self.members = [known.get(url) or Upstream(url) for url in urls]


async def check(session: aiohttp.ClientSession, pool: UpstreamPool, upstream: Upstream) -> dict[str, object]:
    try:
        async with session.get(f"{upstream.url}/health", timeout=aiohttp.ClientTimeout(total=2)) as resp:
            body = await resp.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        pool.mark_down(upstream, type(exc).__name__)
        return {"url": upstream.url, "status": "down", "error": type(exc).__name__}
    # A process that answers is routable even if its database is away (publico serves its cache then).
    pool.mark_up(upstream)
    return {"url": upstream.url, **body}


async def health_loop(session: aiohttp.ClientSession, pools: dict[str, UpstreamPool], interval: float) -> None:
    while True:
        for pool in pools.values():
            await pool.expand()
        await asyncio.gather(*(check(session, p, u) for p in pools.values() for u in p.members))
        await asyncio.sleep(interval)
