"""The bounded argon2 hasher (services/auth/passwords.py): the limit on hashes at once, the dummy hash that
equalizes unknown users' timing, and the settings that build it."""

from __future__ import annotations

import asyncio
import threading

import pytest
from argon2 import extract_parameters

from services.auth.hashing import hasher_for
from services.auth.passwords import Argon2Params, Hasher, dummy_hash, hash_password
from services.auth.settings import AuthSettings

CHEAP = Argon2Params(memory_kib=8192, time_cost=1, parallelism=1)


async def test_a_hash_verifies_and_a_wrong_password_or_unknown_user_does_not() -> None:
    hasher = Hasher(CHEAP, limit=2)
    try:
        stored = await hasher.hash("correcta-123")
        assert await hasher.verify(stored, "correcta-123")
        assert not await hasher.verify(stored, "otra")
        assert not await hasher.verify(None, "correcta-123")
        assert not await hasher.verify("no es un hash", "correcta-123")
    finally:
        hasher.close()


def test_the_dummy_hash_costs_what_a_real_one_costs() -> None:
    # Same algorithm and parameters as the real hashes, so verifying an unknown user takes as long.
    params = Argon2Params()
    hasher = params.hasher()
    real, dummy = extract_parameters(hasher.hash("x")), extract_parameters(dummy_hash(hasher))
    assert dummy == real
    assert (dummy.memory_cost, dummy.time_cost, dummy.parallelism) == (19456, 2, 1)
    assert dummy_hash(hasher) != dummy_hash(hasher)


async def test_hashes_beyond_the_limit_wait_their_turn_and_all_finish() -> None:
    hasher = Hasher(CHEAP, limit=2)
    gate = threading.Event()
    lock = threading.Lock()
    running = peak = 0

    def slow_hash(password: str) -> str:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        gate.wait(30)
        with lock:
            running -= 1
        return f"hash:{password}"

    class Slow:
        hash = staticmethod(slow_hash)

    hasher._hasher = Slow()  # type: ignore[assignment]
    try:
        tasks = [asyncio.ensure_future(hasher.hash(str(i))) for i in range(6)]
        for _ in range(1000):
            if hasher.waiting == 4 and running == 2:
                break
            await asyncio.sleep(0.01)
        assert (hasher.waiting, running) == (4, 2)
        gate.set()
        assert await asyncio.gather(*tasks) == [f"hash:{i}" for i in range(6)]
        assert peak == 2 and hasher.waiting == 0
    finally:
        gate.set()
        hasher.close()


def test_old_parameters_need_a_new_hash() -> None:
    hasher = Hasher(CHEAP)
    try:
        old = hash_password("x", Argon2Params(memory_kib=9216, time_cost=1, parallelism=1))
        assert hasher.needs_rehash(old)
        assert not hasher.needs_rehash(hash_password("x", CHEAP))
        assert not hasher.needs_rehash("no es un hash")
    finally:
        hasher.close()


def test_settings_build_the_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_HASH_CONCURRENCY", "3")
    monkeypatch.setenv("AUTH_ARGON2_MEMORY_KIB", "65536")
    monkeypatch.setenv("AUTH_ARGON2_TIME_COST", "3")
    monkeypatch.setenv("AUTH_ARGON2_PARALLELISM", "4")
    hasher = hasher_for(AuthSettings())
    try:
        assert hasher.limit == 3 and hasher.params == Argon2Params(65536, 3, 4)
    finally:
        hasher.close()
    monkeypatch.setenv("AUTH_HASH_CONCURRENCY", "0")
    with pytest.raises(ValueError):
        AuthSettings()
