"""Several provisioning runs at once on the auth worker's pool: as many lotes as the pool has connections all
finish. Each run used to hold two connections (its lote's lock and the work), so four runs on the four
connections waited for each other until the pool's acquire timeout failed them all."""

from __future__ import annotations

import asyncio

import asyncpg

from launcher.system import System
from services.auth import provision
from services.auth.passwords import Hasher
from services.common.contracts import Provision
from services.common.db import create_pool
from services.common.worker import JOB_POOL_SIZE

from . import factories

LOTE_SQL = """
INSERT INTO auth.lotes_cuentas (requested_by) SELECT id FROM auth.users WHERE username = 'demo-admin' RETURNING id
"""


async def test_as_many_concurrent_provisions_as_pool_connections_all_finish(system: System, db: asyncpg.Pool) -> None:
    runs = max(JOB_POOL_SIZE, 4)
    mine: list[int] = []
    for _ in range(runs):
        postulante_id, _siglas = await factories.postulante(db)
        formula = await factories.formula_sin_cuentas(db, postulante_id)
        mine += [formula.propietaria, formula.suplente]
    lotes = [await db.fetchval(LOTE_SQL) for _ in range(runs)]
    # The worker's own pool size and one hasher for all runs, as services/common/worker.py and auth/jobs.py make.
    pool = await create_pool(system.settings(), min_size=1, max_size=JOB_POOL_SIZE)
    hasher = Hasher()
    try:
        ctx = {"db_pool": pool, "settings": system.settings(), provision.HASHER_KEY: hasher}
        results = await asyncio.gather(*(provision.provision(ctx, Provision(lote_id=lote)) for lote in lotes))
    finally:
        hasher.close()
        await pool.close()
    assert all("total" in r for r in results), results
    estados = await db.fetch("SELECT estado, error FROM auth.lotes_cuentas WHERE id = ANY($1)", lotes)
    assert [(r["estado"], r["error"]) for r in estados] == [("terminado", None)] * runs
    with_account = await db.fetchval("SELECT count(*) FROM auth.users WHERE candidatura_id = ANY($1)", mine)
    assert with_account == len(mine)
