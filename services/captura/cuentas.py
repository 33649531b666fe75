"""captura's counts for the staff menu (services/common/menu_cuentas.py): the questionnaires that are late."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from services.common.proceso import active_proceso

from .plazos.datos import esperas

PLAZOS = "/validacion/plazos"


async def contar(pool: asyncpg.Pool) -> dict[str, int]:
    proceso = await active_proceso(pool)
    if proceso is None:
        return {}
    items = await esperas(pool, proceso, datetime.now(UTC))
    return {PLAZOS: sum(1 for i in items if i.atrasado)}
