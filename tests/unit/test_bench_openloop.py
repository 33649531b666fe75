"""The open-loop schedule of the capture bench (bench/openloop.py): the rate offered, and percentiles."""

from __future__ import annotations

import itertools

import pytest

from bench.openloop import by_second, due_at, interval, percentile, requests_per_client


def test_all_clients_together_offer_the_rate_evenly() -> None:
    clients, rate, seconds = 200, 300.0, 10.0
    counts = requests_per_client(clients, rate, seconds)
    assert sum(counts) == 3000 and set(counts) == {15}
    times = sorted(due_at(c, k, clients, rate) for c in range(clients) for k in range(counts[c]))
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(times)}
    assert gaps == {round(1 / rate, 9)}
    assert times[0] == 0 and times[-1] < seconds


def test_each_client_saves_at_a_fixed_interval() -> None:
    assert interval(200, 300.0) == pytest.approx(2 / 3)
    assert due_at(5, 3, 200, 300.0) - due_at(5, 2, 200, 300.0) == pytest.approx(interval(200, 300.0))
    with pytest.raises(ValueError):
        interval(0, 300.0)


def test_uneven_totals_give_the_first_clients_one_more() -> None:
    counts = requests_per_client(4, 10.0, 0.7)  # 7 requests over 4 clients
    assert counts == [2, 2, 2, 1]


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50 and percentile(values, 99) == 99 and percentile(values, 100) == 100
    assert percentile([3.0, 1.0, 2.0], 99) == 3.0
    assert percentile(list(range(50)), 99) == 49  # with 50 logins, p99 is the slowest one
    assert percentile([], 99) != percentile([], 99)  # NaN


def test_the_tail_is_placed_in_the_second_it_was_due() -> None:
    samples = [(0.1, 900.0), (0.5, 5.0), (1.2, 4.0), (1.9, 6.0), (3.0, 7.0)]
    assert by_second(samples) == [(0, 900.0), (1, 6.0), (3, 7.0)]
    assert by_second(samples, 50) == [(0, 5.0), (1, 4.0), (3, 7.0)]
    assert by_second([]) == []
