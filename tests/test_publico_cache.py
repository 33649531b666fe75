"""The public cache: one entry per answer, whatever parameters a client makes up."""

from __future__ import annotations

import uuid

from redis.asyncio import Redis

from launcher.system import System

from .helpers import Client


async def test_made_up_parameters_do_not_multiply_cache_entries(system: System, client: Client) -> None:
    redis = Redis.from_url(system.redis_url)
    try:
        for junk in range(5):
            response = await client.get(f"/candidaturas?cargo=DIP_MR&relleno={junk}")
            assert response.status == 200
        keys = [k.decode() async for k in redis.scan_iter("publico:cache:*/candidaturas?*")]
        # Only this page's answers: the HTML list filtered by nothing but the cargo (other tests cache other lists).
        # (keys are "publico:cache:<generation>:<path>?<filters>"; an older generation may hold the same page).
        # (the API's /api/v1/candidaturas has the same ending: compare the whole path)
        same = [k for k in keys if k.split(":", 3)[3] == '/candidaturas?{"limite":24,"cargo":"DIP_MR"}']
        newest = max((int(k.split(":")[2]) for k in same), default=-1)
        variants = [k for k in same if int(k.split(":")[2]) == newest]
        assert len(variants) == 1, keys
        first = await client.get("/candidaturas?cargo=DIP_MR")
        again = await client.get("/candidaturas?relleno=9&cargo=DIP_MR")
        assert first.headers["ETag"] == again.headers["ETag"]
    finally:
        await redis.aclose()


async def test_a_gateway_page_goes_to_redis_on_its_second_render(system: System, client: Client) -> None:
    """The gateway keeps the list in its memory, so publico copies a page to Redis only when it renders it again
    (services/publico/cache.py): a filter set asked once costs no Redis copy; asked again past the gateway (here
    a made-up parameter, which the gateway's key holds and publico's does not), it is stored, then served."""
    redis = Redis.from_url(system.redis_url)
    marca = f"zz{uuid.uuid4().hex[:10]}"  # matches nobody: a filter set no other test asked
    try:

        async def keys() -> list[str]:
            return [k.decode() async for k in redis.scan_iter(f"publico:cache:*/api/v1/candidaturas?*{marca}*")]

        first = await client.get(f"/api/v1/candidaturas?q={marca}&relleno=1")
        assert first.status == 200
        assert await keys() == []
        # The gateway spreads requests over publico's processes: each stores the page on its own second render.
        answers = [first]
        for junk in range(2, 8):
            answers.append(await client.get(f"/api/v1/candidaturas?q={marca}&relleno={junk}"))
            if await keys():
                break
        assert len(await keys()) == 1
        answers.append(await client.get(f"/api/v1/candidaturas?q={marca}&relleno=9"))
        assert len({await a.read() for a in answers}) == 1
        assert len({a.headers["ETag"] for a in answers}) == 1
        # Pages the gateway does not keep (the help page) are stored on their first render, as before.
        await client.get("/ayuda")
        assert [k async for k in redis.scan_iter("publico:cache:*:/ayuda?*")]
    finally:
        await redis.aclose()
