"""validacion's counts for the staff menu (services/common/menu_cuentas.py), by menu path, in one query."""

from __future__ import annotations

import asyncpg

# The queue: reviews waiting for a decision; corrections: requests waiting for one; transparencia: open flags.
CUENTAS_SQL = """
SELECT '/validacion/' AS ruta, count(*)::int AS n FROM validacion.revisiones WHERE estado = 'pendiente'
UNION ALL
SELECT '/validacion/correcciones', count(*)::int FROM validacion.solicitudes_correccion WHERE estado = 'pendiente'
UNION ALL
SELECT '/validacion/transparencia/', count(*)::int FROM validacion.banderas WHERE estado = 'abierta'
"""


async def contar(pool: asyncpg.Pool) -> dict[str, int]:
    return {r["ruta"]: r["n"] for r in await pool.fetch(CUENTAS_SQL)}
