"""Per-account lock after repeated failures, in Redis: 5 failures in 15 minutes lock the account 15 minutes."""

from __future__ import annotations

from redis.asyncio import Redis

MAX_FAILURES = 5
WINDOW = 15 * 60
LOCK_SECONDS = 15 * 60


def _failures(user_id: int) -> str:
    return f"auth:fallos:{user_id}"


def _lock(user_id: int) -> str:
    return f"auth:bloqueo:{user_id}"


async def locked_for(redis: Redis, user_id: int) -> int:
    """Seconds the account stays locked (0 when it is not)."""
    ttl = int(await redis.ttl(_lock(user_id)))
    return max(ttl, 0)


async def record_failure(redis: Redis, user_id: int) -> bool:
    """Count a failed attempt; True when this one locks the account."""
    async with redis.pipeline(transaction=True) as pipe:
        # The window starts at the first failure; INCR keeps that expiry (EXPIRE NX needs Redis 7).
        pipe.set(_failures(user_id), 0, ex=WINDOW, nx=True)
        pipe.incr(_failures(user_id))
        _, count = await pipe.execute()
    if int(count) < MAX_FAILURES:
        return False
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(_lock(user_id), 1, ex=LOCK_SECONDS)
        pipe.delete(_failures(user_id))
        await pipe.execute()
    return True


async def clear(redis: Redis, user_id: int) -> None:
    await redis.delete(_failures(user_id), _lock(user_id))
