"""Report 3's file, built by the ``reportes.render`` job (``jobs.render`` stores it and moves the progress)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg

from services.common import contracts
from services.common.etiquetas import postulante_nombre
from services.common.instituto import Instituto

from . import mensual_datos, mensual_formatos

POSTULANTE_SQL = "SELECT nombre, siglas, tipo FROM registro.postulantes WHERE id = $1"


async def construir(pool: asyncpg.Pool, instituto: Instituto, job: contracts.Render, logo: bytes | None) -> bytes:
    """The file's bytes; :class:`mensual.MesError` when the month cannot be reported (the page checked it first)."""
    informe = await mensual_datos.informe(pool, job.fecha.replace(day=1), datetime.now(UTC), job.postulante_id)
    postulante = None
    if job.postulante_id is not None:
        row = await pool.fetchrow(POSTULANTE_SQL, job.postulante_id)
        postulante = postulante_nombre(row["nombre"], row["siglas"], row["tipo"]) if row else f"#{job.postulante_id}"
    cabeza = mensual_formatos.lineas(instituto.nombre, informe, postulante)
    return await asyncio.to_thread(mensual_formatos.construir, job.formato, cabeza, informe, logo)
