"""argon2id hashing, at most a few hashes at once, off the event loop.

Each argon2 hash holds its whole memory cost while it runs, so memory grows with the hashes in flight: fifty
logins at the same moment would be fifty times that. :class:`Hasher` runs them in a thread pool of ``limit``
threads (argon2-cffi releases the GIL), so at most ``limit`` are computed at once and the event loop stays free;
the rest wait their turn on a semaphore, queued, never refused. One :class:`Hasher` per process (the auth
service's app, the auth worker's job context): the limit holds for the whole process.

Unknown users are verified against a dummy hash with the same parameters, so the answer takes as long as for a
real account. The dummy is built, not computed: verifying costs the same whatever hash it is checked against, so
the import costs no argon2 run (and no 64 MiB).
"""

from __future__ import annotations

import asyncio
import base64
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

T = TypeVar("T")


@dataclass(frozen=True)
class Argon2Params:
    """argon2id's cost. The default is OWASP's first recommendation (19 MiB, 2 passes, 1 lane), about
    30 ms of one core here; argon2-cffi's own default (64 MiB, 3 passes, 4 lanes, RFC 9106's low-memory
    option) costs about 0.24 s of CPU, so 50 logins at once would need 6 s of a 2-core machine."""

    memory_kib: int = 19456
    time_cost: int = 2
    parallelism: int = 1

    def hasher(self) -> PasswordHasher:
        return PasswordHasher(time_cost=self.time_cost, memory_cost=self.memory_kib, parallelism=self.parallelism)


DEFAULT_PARAMS = Argon2Params()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def dummy_hash(hasher: PasswordHasher) -> str:
    """An encoded argon2id hash with the hasher's parameters that no password matches (random salt and digest)."""
    salt, digest = secrets.token_bytes(hasher.salt_len), secrets.token_bytes(hasher.hash_len)
    return (
        f"$argon2id$v=19$m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}${_b64(salt)}${_b64(digest)}"
    )


def _verify(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class Hasher:
    """argon2id for one process: at most ``limit`` hashes or verifications at once, each in a thread."""

    def __init__(self, params: Argon2Params = DEFAULT_PARAMS, limit: int = 2) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.params = params
        self.limit = limit
        self._hasher = params.hasher()
        self._dummy = dummy_hash(self._hasher)
        # The pool's threads are the hard bound on memory. The semaphore keeps the waiting ones in the event loop,
        # where a client that hangs up (a cancelled handler) leaves the line without a hash computed for nobody.
        self._executor = ThreadPoolExecutor(limit, thread_name_prefix="argon2")
        self._slots = asyncio.Semaphore(limit)
        self.waiting = 0

    async def _run(self, fn: Callable[..., T], *args: object) -> T:
        self.waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self.waiting -= 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        finally:
            self._slots.release()

    async def hash(self, password: str) -> str:
        return await self._run(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """True when ``password`` matches; an unknown user (``None``) costs the same time and is always False."""
        if password_hash is None:
            await self._run(_verify, self._hasher, self._dummy, password)
            return False
        return await self._run(_verify, self._hasher, password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters (an older default): login stores a new one."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return False

    def close(self) -> None:
        # Not waiting: a stopping process must not block its loop on hashes nobody will read.
        self._executor.shutdown(wait=False, cancel_futures=True)


def hash_password(password: str, params: Argon2Params = DEFAULT_PARAMS) -> str:
    """One hash, here and now, for scripts and fixtures (demo data, tests, the bench); services use a Hasher."""
    return params.hasher().hash(password)


# Unambiguous characters only: people copy these from a printed sheet.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"


def generate_password(length: int = 16) -> str:
    """A random password for a new or reset account; the person must change it at first login."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))
