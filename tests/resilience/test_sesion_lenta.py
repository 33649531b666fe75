"""A request that waits longer than the old 30 s signature age still answers as its user (issue #13, finding 2).

With the default settings (the session's system): the gateway waits up to CONOCELES_UPSTREAM_TIMEOUT (60 s) and
the signature lives CONOCELES_SIGNATURE_MAX_AGE (90 s). Before, it lived 30 s while the gateway waited 120 s, so
this request came back as a redirect to the login page. The test freezes the session's captura and SIGCONTs it in
``finally``; the slow answer itself shows captura serving again before the test ends.
"""

from __future__ import annotations

import asyncio
import os
import signal

import aiohttp
import asyncpg
import pytest

from launcher.system import System
from services.common.settings import CommonSettings

from .. import factories
from ..helpers import Client, eventually

OLD_SIGNATURE_AGE = 30


@pytest.mark.timeout(180)
async def test_a_request_stalled_past_the_old_signature_age_keeps_its_user(
    system: System, db: asyncpg.Pool, make_client: type[Client]
) -> None:
    settings = CommonSettings()
    assert settings.upstream_timeout > OLD_SIGNATURE_AGE + 2, "the defaults let this stall end in an answer"
    candidata = await factories.candidata(db)
    client = make_client()
    await client.login(candidata.username)
    assert (await client.get("/captura/")).status == 200
    captura = system.process("captura").process.pid
    os.killpg(captura, signal.SIGSTOP)
    try:
        slow = asyncio.create_task(client.get("/captura/", timeout=aiohttp.ClientTimeout(total=150)))
        await asyncio.sleep(OLD_SIGNATURE_AGE + 2)
    finally:
        os.killpg(captura, signal.SIGCONT)
    response = await slow
    # Not a 303 to the login page: the signature made before the stall was still valid when captura read it.
    assert response.status == 200, response.headers.get("Location")

    async def served() -> bool:
        return (await client.get("/captura/")).status == 200

    await eventually(served, within=30, what="captura serving again")
