"""A bulk publication in lotes through the real outbox, relay and workers (services/publico/publicar.py): every
candidacy visible once, one cache-generation bump and one follow-up job of each kind per lote, a redelivered lote
harmless, and one bad item does not hold back the rest. The relay does not hand over again a job arq still holds,
and does hand over a job Redis lost."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from redis.asyncio import Redis

from launcher.system import System
from services.common import contracts
from services.common.outbox import arq_job_id
from services.validacion.publication import publish_jobs

from . import factories
from .helpers import Client, eventually

# Follow-up lotes naming one of ``$1`` (candidacy ids) in their items.
FOLLOW_UP_LOTES_SQL = """
SELECT function, args FROM outbox.jobs
WHERE function = ANY($2::text[])
  AND EXISTS (SELECT 1 FROM jsonb_array_elements(args -> 'items') i WHERE (i ->> 'candidatura_id')::int = ANY($1))
"""
# Nothing of publico's still to run: the generation then moves only by what the test sends.
PUBLICO_PENDING_SQL = "SELECT count(*) FROM outbox.jobs WHERE queue = $1 AND done_at IS NULL AND failed_at IS NULL"
GENERATION_SQL = "SELECT generacion FROM publico.publicacion"


def _version(marca: str, i: int, foto: str | None = None) -> contracts.Version:
    return contracts.Version(
        respuestas={"propuestas": {"propuesta_1": f"Agua potable {marca} {i}"}},
        foto=contracts.Foto(sha256=foto) if foto else None,
    )


def _publish(candidatura_id: int, marca: str, i: int, foto: str | None = None) -> contracts.Publish:
    now = datetime.now(UTC)
    return contracts.Publish(
        candidatura_id=candidatura_id,
        cuestionario="curricular",
        numero=1,
        version=_version(marca, i, foto),
        declarado_at=now,
        revisado_at=now,
    )


async def _candidatas(db: asyncpg.Pool, marca: str, n: int) -> list[int]:
    ids = []
    for _ in range(n):
        c = await factories.candidata(db)
        await db.execute(
            "UPDATE registro.candidaturas SET segundo_apellido = $2 WHERE id = $1", c.candidatura_id, marca
        )
        ids.append(c.candidatura_id)
    return ids


async def _send(db: asyncpg.Pool, jobs: list[contracts.Contract]) -> list[int]:
    async with db.acquire() as conn, conn.transaction():
        return [await contracts.send(conn, job) for job in jobs]


async def _done(db: asyncpg.Pool, outbox_ids: list[int]) -> bool:
    pending = await db.fetchval(
        "SELECT count(*) FROM outbox.jobs WHERE id = ANY($1::bigint[]) AND done_at IS NULL", outbox_ids
    )
    return pending == 0


async def _quiet(db: asyncpg.Pool) -> None:
    async def idle() -> bool:
        return await db.fetchval(PUBLICO_PENDING_SQL, contracts.Publish.queue()) == 0

    await eventually(idle, within=60, what="publico's earlier jobs to finish")


async def _listed(client: Client, marca: str) -> list[int]:
    response = await client.get("/api/v1/candidaturas", params={"q": marca, "limite": "100"})
    assert response.status == 200
    body = await response.json()
    return sorted(int(c["id"]) for c in body["resultados"])


async def _follow_ups(db: asyncpg.Pool, ids: list[int]) -> dict[str, list[int]]:
    rows = await db.fetch(FOLLOW_UP_LOTES_SQL, ids, [contracts.SetEstadoLote.name, contracts.RecordStatusLote.name])
    found: dict[str, list[int]] = {contracts.SetEstadoLote.name: [], contracts.RecordStatusLote.name: []}
    for row in rows:
        found[row["function"]] += [item["candidatura_id"] for item in row["args"]["items"]]
    return {name: sorted(items) for name, items in found.items()}


async def test_a_lote_publishes_every_candidacy_once_with_one_bump_and_redelivery_changes_nothing(
    client: Client, db: asyncpg.Pool, system: System
) -> None:
    marca = f"Lote{uuid.uuid4().hex[:8]}"
    ids = await _candidatas(db, marca, 12)
    first, rest = ids[:8], ids[8:]
    publicaciones = [_publish(cid, marca, i) for i, cid in enumerate(ids)]
    [lote] = publish_jobs(publicaciones[:8])
    assert isinstance(lote, contracts.PublishLote)
    await _quiet(db)
    generation = await db.fetchval(GENERATION_SQL)
    sent = await _send(db, [lote])
    await eventually(lambda: _done(db, sent), what="the lote to run")

    # Every candidacy on the public site, once, from one transaction (one published_at) and one bump.
    assert await _listed(client, marca) == sorted(first)
    stamps = await db.fetch("SELECT published_at FROM publico.candidaturas WHERE id = ANY($1)", first)
    assert len(stamps) == len(first) and len({r["published_at"] for r in stamps}) == 1
    assert await db.fetchval(GENERATION_SQL) == generation + 1
    redis = Redis.from_url(system.redis_url)
    try:
        assert int(await redis.get("publico:generacion") or -1) == generation + 1
    finally:
        await redis.aclose()
    # One follow-up job of each kind for the whole lote, naming each candidacy once, and reportes' history once.
    names = (contracts.SetEstadoLote.name, contracts.RecordStatusLote.name)
    follow_ups = await _follow_ups(db, first)
    assert follow_ups == {name: sorted(first) for name in names}

    async def history() -> list[asyncpg.Record]:
        rows = await db.fetch(
            "SELECT job_key FROM reportes.historial_estados WHERE job_key = ANY($1::text[])",
            [f"publicacion:{cid}:1" for cid in first],
        )
        return rows if len(rows) == len(first) else []

    await eventually(history, what="reportes' history of the lote")

    # The same lote delivered again (a worker killed after its commit): nothing changes, nothing is sent again.
    again = await _send(db, [lote])
    await eventually(lambda: _done(db, again), what="the redelivered lote")
    assert await db.fetchval(GENERATION_SQL) == generation + 1
    assert await _follow_ups(db, first) == follow_ups
    assert {r["published_at"] for r in await db.fetch(
        "SELECT published_at FROM publico.candidaturas WHERE id = ANY($1)", first
    )} == {stamps[0]["published_at"]}  # fmt: skip

    # A lote mixing published and new versions: one bump, follow-ups for the new ones only.
    mixed = publish_jobs(publicaciones)
    done = await _send(db, mixed)
    await eventually(lambda: _done(db, done), what="the mixed lote")
    assert await _listed(client, marca) == sorted(ids)
    assert await db.fetchval(GENERATION_SQL) == generation + 2
    assert await _follow_ups(db, rest) == {name: sorted(rest) for name in names}
    assert await _follow_ups(db, first) == follow_ups
    counts = await db.fetch(
        "SELECT job_key, count(*) AS n FROM reportes.historial_estados WHERE job_key = ANY($1::text[]) GROUP BY 1",
        [f"publicacion:{cid}:1" for cid in ids],
    )
    assert len(counts) == len(ids) and {r["n"] for r in counts} == {1}


async def test_one_bad_item_splits_its_lote_so_the_others_go_through(
    client: Client, db: asyncpg.Pool, system: System
) -> None:
    marca = f"Lote{uuid.uuid4().hex[:8]}"
    ids = await _candidatas(db, marca, 4)
    # A photo captura never stored (the media folder not shared, say): publishing it fails.
    sha = uuid.uuid4().hex * 2
    bad = _publish(ids[2], marca, 2, foto=sha)
    lote = contracts.PublishLote(items=[_publish(cid, marca, i) for i, cid in enumerate(ids) if cid != ids[2]] + [bad])
    [lote_id] = await _send(db, [lote])
    await eventually(lambda: _done(db, [lote_id]), what="the lote to be split")

    async def others() -> bool:
        return await _listed(client, marca) == sorted(set(ids) - {ids[2]})

    await eventually(others, what="the other candidacies published")

    async def failing() -> asyncpg.Record | None:
        row: asyncpg.Record | None = await db.fetchrow(
            "SELECT id, last_error FROM outbox.jobs WHERE function = $1 AND id > $2 AND last_error IS NOT NULL"
            " AND (args ->> 'candidatura_id')::int = $3",
            contracts.Publish.name,
            lote_id,
            ids[2],
        )
        return row

    single = await eventually(failing, what="the bad item failing loudly on its own")
    assert "FileNotFoundError" in single["last_error"]
    # Its photo arrives: published then (arq keeps a failed result ten minutes before the relay may hand the job
    # over again, so the test sends the version again), once.
    private = Path(system.config.data_dir) / "media" / "privado"
    for name in (f"{sha}.jpg", f"{sha}-mini.jpg"):
        (private / name).write_bytes(b"\xff\xd8\xff\xd9")
    retried = await _send(db, [bad])
    await eventually(lambda: _done(db, retried), what="the bad item once its photo is there")
    assert await _listed(client, marca) == sorted(ids)
    keys = [f"publicacion:{cid}:1" for cid in ids]

    async def history() -> bool:
        n = await db.fetchval("SELECT count(*) FROM reportes.historial_estados WHERE job_key = ANY($1::text[])", keys)
        return n == len(ids)

    await eventually(history, what="each candidacy in reportes' history once")


async def test_the_relay_hands_over_again_only_a_job_arq_lost(db: asyncpg.Pool, system: System) -> None:
    # On a queue no worker reads: the job stays queued in arq for as long as the test needs.
    queue = f"conoceles:prueba-{uuid.uuid4().hex[:8]}"
    args = {
        "candidatura_id": 2_147_483_000,
        "cuestionario": "curricular",
        "estado": "en_captura",
        "at": datetime.now(UTC).isoformat(),
        "job_key": f"relay-{uuid.uuid4()}",
    }
    job_id = await db.fetchval(
        "INSERT INTO outbox.jobs (queue, function, args) VALUES ($1, $2, $3) RETURNING id",
        queue,
        contracts.RecordStatus.name,
        args,
    )
    redis = Redis.from_url(system.redis_url)
    job_key = f"arq:job:{arq_job_id(job_id)}"
    try:

        async def handed(attempts: int) -> bool:
            row = await db.fetchrow("SELECT attempts FROM outbox.jobs WHERE id = $1", job_id)
            return row["attempts"] == attempts and bool(await redis.exists(job_key))

        await eventually(lambda: handed(1), what="the first hand-over")
        # Still queued in arq long after the redelivery delay (a bulk publication waiting): not handed over again,
        # its delay starts again.
        await db.execute("UPDATE outbox.jobs SET enqueued_at = now() - interval '1 hour' WHERE id = $1", job_id)

        async def seen_again() -> bool:
            row = await db.fetchrow(
                "SELECT attempts, enqueued_at > now() - interval '1 minute' AS fresh FROM outbox.jobs WHERE id = $1",
                job_id,
            )
            return bool(row["fresh"])

        await eventually(seen_again, within=30, what="the relay to look at the queued job again")
        assert await db.fetchval("SELECT attempts FROM outbox.jobs WHERE id = $1", job_id) == 1
        assert await redis.zscore(queue, arq_job_id(job_id)) is not None

        # Redis loses it (restarted without its data): the next round hands it over again.
        await redis.delete(job_key)
        await redis.zrem(queue, arq_job_id(job_id))
        await db.execute("UPDATE outbox.jobs SET enqueued_at = now() - interval '1 hour' WHERE id = $1", job_id)
        await eventually(lambda: handed(2), within=30, what="the lost job handed over again")
        assert await redis.zscore(queue, arq_job_id(job_id)) is not None
    finally:
        await db.execute("DELETE FROM outbox.jobs WHERE id = $1", job_id)
        await redis.delete(job_key, queue)
        await redis.aclose()
