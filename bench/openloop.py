"""Open-loop load, the maths: when each client's requests are due, and percentiles of what was measured.

People typing do not wait for the server before they save again, so a fixed rate is *offered*: ``rate``
requests per second spread evenly over ``clients``, each client's k-th request due at a fixed time whatever
happened to the previous ones. Latency is counted from that due time, not from when the request was finally
sent, so a server that falls behind shows its queue in the percentiles instead of slowing the offered load down
(the "coordinated omission" of a closed loop).
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def interval(clients: int, rate: float) -> float:
    """Seconds between two requests of the same client."""
    if clients < 1 or rate <= 0:
        raise ValueError("clients must be ≥ 1 and rate > 0")
    return clients / rate


def due_at(client: int, k: int, clients: int, rate: float) -> float:
    """Seconds after the start when ``client``'s ``k``-th request (both from 0) is due.

    Clients are staggered by 1 / rate, so all of them together offer one request every 1 / rate seconds.
    """
    return (client + k * clients) / rate


def requests_per_client(clients: int, rate: float, seconds: float) -> list[int]:
    """How many requests each client makes so that all are due within ``seconds`` (rate × seconds in all)."""
    total = math.floor(rate * seconds)
    return [len(range(c, total, clients)) for c in range(clients)]


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q`` percentile (0 < q ≤ 100): the smallest value with at least q% of them at or below."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def by_second(samples: Sequence[tuple[float, float]], q: float = 99) -> list[tuple[int, float]]:
    """(second, its ``q`` percentile) for each whole second of due time that has samples, in order: where in the
    run a tail comes from (a transient at the start, a stall in the middle, or everywhere). ``samples`` are
    (seconds after the start the request was due, latency)."""
    seconds: dict[int, list[float]] = {}
    for due, latency in samples:
        seconds.setdefault(math.floor(due), []).append(latency)
    return [(s, percentile(seconds[s], q)) for s in sorted(seconds)]
