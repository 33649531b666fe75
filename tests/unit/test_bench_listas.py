"""The uncached-list bench's own rules (bench/listas.py): a run that hit the cache is never a pass."""

from __future__ import annotations

from bench.listas import EDAD_SQL, Contadores, check
from services.publico.filters import EDADES


def test_a_run_without_hits_and_a_miss_per_request_is_uncached() -> None:
    result = check(Contadores(hits=10, misses=100), Contadores(hits=10, misses=1300), requests=1150)
    assert result.ok and result.hits == 0 and result.misses == 1200
    assert result.text() == "0 cache hits, 1,200 misses for 1,150 requests"


def test_a_single_hit_fails_the_run() -> None:
    assert not check(Contadores(0, 0), Contadores(1, 2000), requests=1500).ok


def test_fewer_misses_than_requests_fails_the_run() -> None:
    # Something in front of publico (a gateway or Apache cache) answered some requests: not an uncached figure.
    assert not check(Contadores(0, 0), Contadores(0, 900), requests=1500).ok


def test_the_age_buckets_are_the_filters_ranges() -> None:
    for rango in EDADES:
        assert f"THEN '{rango}'" in EDAD_SQL
    assert "WHEN edad >= 60 THEN '60+'" in EDAD_SQL and "WHEN edad >= 18 AND edad < 25 THEN '18-24'" in EDAD_SQL
