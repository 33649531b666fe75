"""The public cache: one entry per answer, whatever parameters a client makes up."""

from __future__ import annotations

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
