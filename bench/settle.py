"""Wait until the outbox is empty: the demo's own jobs (its publications, a burst right after the system starts)
and an earlier scenario's follow-ups must not run inside the next scenario's clock."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

PENDING_SQL = "SELECT count(*) FROM outbox.jobs WHERE done_at IS NULL AND failed_at IS NULL"


async def settle(pool: Any, say: Callable[[str], None], within: float = 600) -> None:
    started = time.monotonic()
    while True:
        pending = await pool.fetchval(PENDING_SQL)
        if not pending or time.monotonic() - started >= within:
            break
        await asyncio.sleep(0.5)
    say(f"outbox settled in {time.monotonic() - started:.1f} s ({pending} job(s) still pending)")
