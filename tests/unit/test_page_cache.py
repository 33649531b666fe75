"""The gateway's page cache (gateway/page_cache.py): its byte budget, what it refuses to keep, its two bodies."""

from __future__ import annotations

import gzip
from zoneinfo import ZoneInfo

from multidict import CIMultiDict, CIMultiDictProxy

from gateway.page_cache import Entry, PageCache, etag_matches, make_entry, marked_generation
from services.common.shared_cache import GENERATION_HEADER, VISITA_HEADER


def entry(generation: int, size: int) -> Entry:
    return Entry(generation, 'W/"x"', (("Content-Type", "text/html"),), b"a" * size, None, None, None)


def cache_at(generation: int, max_bytes: int, max_entry: int = 10**6) -> PageCache:
    cache = PageCache(max_bytes, max_entry, 0.5)
    cache.set_generation(generation, 0.0)
    return cache


def test_the_byte_budget_holds_and_the_least_recently_used_go_first() -> None:
    cache = cache_at(7, max_bytes=10_000)
    for n in range(3):
        assert cache.put(f"/p{n}", entry(7, 2_000))
    assert cache.get("/p0", 7) is not None  # used: now the most recent
    for n in (3, 4):  # each entry counts 2,000 bytes and 1 KiB of overhead: three fit in 10,000
        cache.put(f"/p{n}", entry(7, 2_000))
    assert cache.bytes <= cache.max_bytes
    assert sum(e.size for e in cache.entries.values()) == cache.bytes
    assert cache.get("/p1", 7) is None and cache.get("/p2", 7) is None, "the oldest unused are evicted"
    assert cache.get("/p0", 7) is not None and cache.get("/p4", 7) is not None


def test_an_answer_larger_than_the_entry_limit_or_the_budget_is_not_kept() -> None:
    cache = cache_at(1, max_bytes=50_000, max_entry=5_000)
    assert not cache.put("/grande", entry(1, 6_000))
    assert cache.entries == {} and cache.bytes == 0
    small = cache_at(1, max_bytes=3_000)
    assert not small.put("/grande", entry(1, 4_000))


def test_a_new_generation_drops_every_entry_and_an_old_one_is_never_kept() -> None:
    cache = cache_at(3, max_bytes=100_000)
    cache.put("/a", entry(3, 100))
    assert not cache.put("/b", entry(2, 100)), "rendered under an older generation"
    cache.set_generation(4, 1.0)
    assert cache.entries == {} and cache.bytes == 0
    assert cache.get("/a", 4) is None


def test_without_a_recent_reading_of_the_generation_nothing_is_trusted() -> None:
    cache = cache_at(3, max_bytes=1_000)
    assert cache.trusted(1.0)
    assert not cache.trusted(60.0)
    cache.set_generation(None, 61.0)
    assert not cache.trusted(61.0)


def headers(**extra: str) -> CIMultiDictProxy[str]:
    base = {"Content-Type": "text/html; charset=utf-8", "ETag": 'W/"9-abc"', "Cache-Control": "public, max-age=50"}
    return CIMultiDictProxy(CIMultiDict({**base, GENERATION_HEADER: "9", **extra}))


def test_only_marked_public_answers_to_an_anonymous_get_are_kept() -> None:
    assert marked_generation("GET", 200, headers(), False) == 9
    assert marked_generation("HEAD", 200, headers(), False) is None
    assert marked_generation("POST", 200, headers(), False) is None
    assert marked_generation("GET", 404, headers(), False) is None
    assert marked_generation("GET", 200, headers(), True) is None, "a request with a session"
    assert marked_generation("GET", 200, headers(**{"Set-Cookie": "a=b"}), False) is None
    for cache_control in ("private, max-age=60", "no-store", "no-cache"):
        assert marked_generation("GET", 200, headers(**{"Cache-Control": cache_control}), False) is None
    unmarked = CIMultiDictProxy(CIMultiDict({"Content-Type": "text/html", "ETag": '"x"'}))
    assert marked_generation("GET", 200, unmarked, False) is None


def test_an_entry_keeps_a_gzip_body_and_no_internal_or_per_answer_header() -> None:
    body = ("<p>candidatura</p>" * 200).encode()
    kept = make_entry(
        9,
        headers(**{VISITA_HEADER: "America/Mexico_City", "X-Request-Id": "r1", "Date": "d", "Server": "s"}),
        body,
    )
    assert kept is not None and kept.gzip_headers is not None
    assert kept.gzip_body is None, "compressed only when a client asks for it"
    cache = cache_at(9, max_bytes=10**6)
    cache.put("/p", kept)
    stored = cache.bytes
    assert gzip.decompress(cache.gzipped("/p", kept)) == body
    assert kept.gzip_body is not None and cache.bytes == stored + len(kept.gzip_body)
    assert cache.gzipped("/p", kept) is kept.gzip_body, "compressed once"
    names = {k.lower() for k, _ in kept.headers} | {k.lower() for k, _ in kept.gzip_headers}
    assert not names & {GENERATION_HEADER.lower(), VISITA_HEADER.lower(), "x-request-id", "date", "server"}
    assert dict(kept.gzip_headers)["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in dict(kept.headers)["Vary"]
    assert kept.zona == ZoneInfo("America/Mexico_City")
    assert kept.size >= len(body) + len(kept.gzip_body)
    small = make_entry(9, headers(), b"{}")
    assert small is not None and small.gzip_headers is None, "too small to be worth compressing"


def test_if_none_match_compares_weakly() -> None:
    assert etag_matches('W/"9-abc"', 'W/"9-abc"')
    assert etag_matches('"9-abc"', 'W/"9-abc"')
    assert etag_matches('"old", W/"9-abc"', 'W/"9-abc"')
    assert etag_matches("*", 'W/"9-abc"')
    assert not etag_matches('W/"8-abc"', 'W/"9-abc"')
    assert not etag_matches("", 'W/"9-abc"')


def test_visits_are_counted_for_pages_only_for_get_and_not_for_robots() -> None:
    cache = cache_at(1, max_bytes=1_000)
    page = Entry(1, '"e"', (), b"x", None, None, ZoneInfo("America/Mexico_City"))
    api = Entry(1, '"e"', (), b"x", None, None, None)
    cache.count_visit(page, "GET", "Mozilla/5.0")
    cache.count_visit(page, "GET", "Mozilla/5.0")
    cache.count_visit(page, "HEAD", "Mozilla/5.0")
    cache.count_visit(page, "GET", "Googlebot/2.1")
    cache.count_visit(api, "GET", "Mozilla/5.0")
    assert sum(cache.visits.values()) == 2
    assert all(k.startswith("publico:visitas:") and k.endswith(":pagina") for k in cache.visits)
