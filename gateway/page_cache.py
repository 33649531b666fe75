"""Public pages answered from the gateway's memory: a cached hit crosses one Python process, not two.

publico marks the answers whose content depends only on the publication generation and the address (the list,
a profile, their API twins: ``cached(..., gateway=True)``) with the generation they were rendered under
(services/common/shared_cache.py). The gateway keeps such answers, plain and gzipped, in a least-recently-used
map bounded in bytes (``GATEWAY_PAGE_CACHE_MB``), keyed by path and query, and answers a GET or HEAD for one
itself — no session lookup, no call to publico — as long as the generation it was rendered under is Redis's.

Redis's generation is read by a background task every ``GATEWAY_PAGE_CACHE_CHECK_INTERVAL`` seconds (0.5): a
publication or a withdrawal is answered fresh at most that long (plus one Redis round trip) after its bump. At
0 it is read on every hit instead (no staleness at all; the tests run so). Without a recent reading (Redis away)
no hit is served: every request goes to publico, as before.

Never kept: answers to a request carrying the session cookie, answers with Set-Cookie, ``private`` or
``no-store``, anything but a 200 to a GET, anything publico did not mark. The visits publico would have counted
(services/publico/visitas.py) are counted here, added up in memory and sent to Redis once a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from multidict import CIMultiDict, CIMultiDictProxy
from redis.asyncio import Redis
from redis.exceptions import RedisError

from services.common import tiempo
from services.common.conteo_visitas import ROBOT, TTL, clave
from services.common.shared_cache import GENERATION_HEADER, GENERATION_KEY, VISITA_HEADER

from . import compression

log = logging.getLogger(__name__)

INTERNAL_HEADERS = frozenset(h.lower() for h in (GENERATION_HEADER, VISITA_HEADER))
# Per-answer headers the gateway makes again for each request, never replayed from the stored copy.
NOT_STORED = frozenset(h.lower() for h in ("Date", "Server", "X-Request-Id", "Content-Length", "Transfer-Encoding"))
VISITS_FLUSH_INTERVAL = 1.0
# Without a reading of Redis's generation this recent, the cache serves nothing (Redis away or slow).
MIN_TRUST_S = 2.0


@dataclass
class Entry:
    generation: int
    etag: str
    headers: tuple[tuple[str, str], ...]  # the plain representation's, internal and per-answer ones left out
    body: bytes
    gzip_headers: tuple[tuple[str, str], ...] | None  # None: no gzip representation (not text, or too small)
    gzip_body: bytes | None  # made on the first request that accepts gzip (PageCache.gzipped), then kept
    zona: ZoneInfo | None  # the visit of this page is counted in this zone; None: it is not a visit

    @property
    def size(self) -> int:
        # The bodies dominate; the rest is a rough, fixed share per entry (key, headers, objects).
        return len(self.body) + len(self.gzip_body or b"") + 1024


def marked_generation(method: str, status: int, headers: Mapping[str, str], request_has_session: bool) -> int | None:
    """The generation of an answer the gateway may keep, or None when it must not keep it."""
    if method != "GET" or status != 200 or request_has_session:
        return None
    value = headers.get(GENERATION_HEADER, "")
    if not value.isdigit() or "Set-Cookie" in headers or "Content-Encoding" in headers:
        return None
    cache_control = headers.get("Cache-Control", "").lower()
    if "private" in cache_control or "no-store" in cache_control or "no-cache" in cache_control:
        return None
    return int(value)


def make_entry(generation: int, upstream_headers: CIMultiDictProxy[str], body: bytes) -> Entry | None:
    etag = upstream_headers.get("ETag")
    if not etag:
        return None
    plain: CIMultiDict[str] = CIMultiDict(
        (k, v) for k, v in upstream_headers.items() if k.lower() not in INTERNAL_HEADERS | NOT_STORED
    )
    gzip_headers = None
    sized = plain.copy()
    sized["Content-Length"] = str(len(body))
    if compression.compressible("GET", 200, sized):
        compression.add_vary(plain, "Accept-Encoding")
        zipped: CIMultiDict[str] = plain.copy()
        compression.mark_compressed(zipped)
        gzip_headers = tuple(zipped.items())
    zona = None
    zona_name = upstream_headers.get(VISITA_HEADER)
    if zona_name:
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
            zona = ZoneInfo(zona_name)
    return Entry(generation, etag, tuple(plain.items()), body, gzip_headers, None, zona)


def etag_matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match compares weakly (RFC 9110 §13.1.2): ``W/"x"`` matches ``"x"``; ``*`` matches anything."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


class PageCache:
    """The entries, their byte budget and the generation they are good for."""

    def __init__(self, max_bytes: int, max_entry_bytes: int, check_interval: float) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = min(max_entry_bytes, max_bytes)
        self.check_interval = check_interval
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.bytes = 0
        self.generation: int | None = None
        self.read_at = float("-inf")  # monotonic time of the last successful reading of Redis's generation
        self.visits: Counter[str] = Counter()
        self.hits = 0
        self.stores = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def set_generation(self, generation: int | None, now: float) -> None:
        if generation != self.generation:
            # Every entry of another generation is dead: free their memory at once rather than one by one.
            self.entries.clear()
            self.bytes = 0
        self.generation = generation
        self.read_at = now if generation is not None else float("-inf")

    def trusted(self, now: float) -> bool:
        return self.generation is not None and now - self.read_at <= max(MIN_TRUST_S, 4 * self.check_interval)

    async def current_generation(self, redis: Redis) -> int | None:
        """The generation a hit must match now: the last reading, or (interval 0) a reading made now."""
        now = time.monotonic()
        if self.check_interval <= 0:
            await self.read_generation(redis)
        return self.generation if self.trusted(now) else None

    async def read_generation(self, redis: Redis) -> None:
        try:
            value = await redis.get(GENERATION_KEY)
        except (RedisError, OSError) as exc:
            log.info("page cache: generation unreadable (%s); hits suspended", type(exc).__name__)
            self.set_generation(None, time.monotonic())
            return
        self.set_generation(int(value) if value is not None else None, time.monotonic())

    def get(self, key: str, generation: int) -> Entry | None:
        entry = self.entries.get(key)
        if entry is None or entry.generation != generation:
            return None
        self.entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: str, entry: Entry) -> bool:
        """Keep ``entry`` if it is of the current generation and fits; the least recently used go first."""
        if entry.generation != self.generation or entry.size > self.max_entry_bytes:
            return False
        old = self.entries.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        self.entries[key] = entry
        self.bytes += entry.size
        self._evict()
        self.stores += 1
        return True

    def gzipped(self, key: str, entry: Entry) -> bytes:
        """The gzip body of ``entry``, compressed once, when a client first accepts it: a page nobody asks gzipped
        (the uncached lists of the bench, a load tester) costs no compression."""
        if entry.gzip_body is None:
            compressor = compression.gzip_compressor()
            entry.gzip_body = compressor.compress(entry.body) + compressor.flush()
            if self.entries.get(key) is entry:
                self.bytes += len(entry.gzip_body)
                self._evict()
        return entry.gzip_body

    def _evict(self) -> None:
        while self.bytes > self.max_bytes and self.entries:
            _, evicted = self.entries.popitem(last=False)
            self.bytes -= evicted.size

    def count_visit(self, entry: Entry, method: str, user_agent: str) -> None:
        """What services/publico/visitas.py counts for a page it answers (GET, not a robot), counted here."""
        if entry.zona is None or method != "GET" or ROBOT.search(user_agent):
            return
        self.visits[clave(tiempo.today(datetime.now(UTC), entry.zona), "pagina")] += 1

    async def flush_visits(self, redis: Redis) -> None:
        if not self.visits:
            return
        pending, self.visits = self.visits, Counter()
        try:
            async with asyncio.timeout(1.0), redis.pipeline(transaction=False) as pipe:
                for key, n in pending.items():
                    pipe.incrby(key, n)
                    pipe.expire(key, TTL)
                await pipe.execute()
        except (RedisError, OSError, TimeoutError) as exc:
            # Like publico's own count: a Redis away costs the counts of that moment, never a request.
            log.info("%d visits not counted (%s)", sum(pending.values()), type(exc).__name__)


async def background(cache: PageCache, redis: Redis) -> AsyncIterator[None]:
    """The generation reader (unless read on every hit) and the visit flusher, for the app's lifetime."""

    async def generation_loop() -> None:
        while True:
            await cache.read_generation(redis)
            await asyncio.sleep(cache.check_interval)

    async def visits_loop() -> None:
        while True:
            await asyncio.sleep(VISITS_FLUSH_INTERVAL)
            await cache.flush_visits(redis)

    tasks = [asyncio.create_task(visits_loop())]
    if cache.enabled and cache.check_interval > 0:
        tasks.append(asyncio.create_task(generation_loop()))
    yield
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await cache.flush_visits(redis)
