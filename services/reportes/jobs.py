"""Jobs reportes runs: the status history and facts every report is built from, the daily snapshot (a cron),
and the report files the pages ask for."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from services.common import audit, contracts, tiempo, worker
from services.common.etiquetas import postulante_nombre
from services.common.instituto import Instituto

from . import datos, datos_inclusion, formatos, formatos_inclusion, inclusion, mensual_jobs
from .avance import tabla
from .avance_publico import send_avance
from .documento import construir as construir_documento
from .mensual import MesError
from .sql import RECORD_HECHO_SQL, RECORD_IDENTIDAD_SQL, RECORD_STATUS_SQL, RECORD_VISITAS_SQL

log = logging.getLogger(__name__)

ARCHIVO_SQL = "SELECT estado FROM reportes.archivos WHERE id = $1 FOR UPDATE"
PROGRESO_SQL = "UPDATE reportes.archivos SET estado = 'en_proceso', progreso = $2 WHERE id = $1 AND estado <> 'listo'"
INSERT_CONTENIDO_SQL = """
INSERT INTO reportes.contenidos (sha256, contenido, bytes) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING
"""
LISTO_SQL = """
UPDATE reportes.archivos SET estado = 'listo', progreso = 100, sha256 = $2, error = NULL, finished_at = now()
WHERE id = $1
"""
ERROR_SQL = "UPDATE reportes.archivos SET estado = 'error', error = $2, finished_at = now() WHERE id = $1"
POSTULANTE_SQL = "SELECT nombre, siglas, tipo FROM registro.postulantes WHERE id = $1"


async def record_status(ctx: dict[str, Any], job: contracts.RecordStatus) -> bool:
    """Append one status change; the job key makes a redelivered change count once."""
    row = await ctx["db_pool"].fetchval(
        RECORD_STATUS_SQL, job.job_key, job.candidatura_id, job.cuestionario, job.estado, job.at
    )
    return row is not None


async def record_status_lote(ctx: dict[str, Any], job: contracts.RecordStatusLote) -> int:
    """A bulk publication's state changes in one transaction; each job key still counts once."""
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        recorded = [
            await conn.fetchval(RECORD_STATUS_SQL, i.job_key, i.candidatura_id, i.cuestionario, i.estado, i.at)
            for i in job.items
        ]
    return sum(r is not None for r in recorded)


async def record_hecho(ctx: dict[str, Any], job: contracts.RecordHecho) -> bool:
    row = await ctx["db_pool"].fetchval(
        RECORD_HECHO_SQL, job.job_key, job.candidatura_id, job.hecho, job.at, job.referencia, job.detalle
    )
    return row is not None


async def record_visitas(ctx: dict[str, Any], job: contracts.RecordVisitas) -> int:
    """Set a day's count of public pages or downloads (publico sends running totals, so this sets, never adds)."""
    total: int = await ctx["db_pool"].fetchval(RECORD_VISITAS_SQL, job.fecha, job.tipo, job.total)
    return total


async def record_identidad(ctx: dict[str, Any], job: contracts.RecordIdentidad) -> bool:
    """Keep what report 4 may use of a candidacy; ``seq`` and the version number make a late message harmless."""
    row = await ctx["db_pool"].fetchval(
        RECORD_IDENTIDAD_SQL, job.candidatura_id, job.grupos, job.numero, job.estadistica, job.seq
    )
    return row is not None


async def snapshot(ctx: dict[str, Any], job: contracts.Snapshot) -> str | None:
    """Freeze a past local day (yesterday by default). A day already frozen is left as it is: its figures were
    what a report with that cut-off date showed, and must stay so."""
    pool: asyncpg.Pool = ctx["db_pool"]
    async with pool.acquire() as conn, conn.transaction():
        info = await datos.proceso(conn)
        hoy = tiempo.today(datetime.now(UTC), info.zona)
        fecha = job.fecha or hoy - timedelta(days=1)
        if fecha >= hoy:
            log.warning("reportes.snapshot: %s no ha terminado; no se congela", fecha)
            return None
        filas = await datos.congelar(conn, fecha, info.zona)
        if filas is not None:
            await audit.record(
                conn,
                None,
                None,
                service="reportes",
                action="congelar_corte",
                entity="corte",
                entity_id=fecha.isoformat(),
                details={"filas": filas, "zona": info.zona.key},
            )
    return fecha.isoformat() if filas is not None else None


def aclaracion(resuelto: datos.Corte) -> str:
    """How the figures were obtained, said on the page and in every file."""
    if resuelto.congelado:
        return "Cifras del corte diario guardado al cierre de ese día."
    if resuelto.parcial:
        return "Cifras de hoy hasta el momento de generarlas: el día aún no termina."
    return "Cifras reconstruidas del historial de estados (ese día no tiene corte diario guardado)."


STATIC = Path(__file__).resolve().parents[1] / "common" / "static"


def logo(ruta: str) -> bytes | None:
    """The configured logo's bytes when it is a PNG or JPEG served from /static/ (an SVG or a remote address
    cannot go into the PDF without fetching or converting it, so the PDF goes without)."""
    if not ruta.startswith("/static/") or not ruta.lower().endswith((".png", ".jpg", ".jpeg")):
        return None
    archivo = (STATIC / ruta.removeprefix("/static/")).resolve()
    if not archivo.is_relative_to(STATIC) or not archivo.is_file():
        return None
    return archivo.read_bytes()


async def encabezado(
    conn: asyncpg.Connection | asyncpg.Pool, instituto: Instituto, resuelto: datos.Corte, postulante_id: int | None
) -> formatos.Encabezado:
    info = await datos.proceso(conn)
    postulante = None
    if postulante_id is not None:
        row = await conn.fetchrow(POSTULANTE_SQL, postulante_id)
        postulante = postulante_nombre(row["nombre"], row["siglas"], row["tipo"]) if row else f"#{postulante_id}"
    return formatos.Encabezado(
        instituto.nombre, info.nombre, resuelto.fecha, aclaracion(resuelto), postulante, logo(instituto.logo)
    )


async def render(ctx: dict[str, Any], job: contracts.Render) -> str | None:
    """Build the file of one request. The bytes and the row's "listo" are written in one transaction, so a
    worker stopped half-way leaves no half file; the retry builds it again from the start."""
    pool: asyncpg.Pool = ctx["db_pool"]
    estado = await pool.fetchval("SELECT estado FROM reportes.archivos WHERE id = $1", job.archivo_id)
    if estado is None or estado == "listo":
        return None
    await pool.execute(PROGRESO_SQL, job.archivo_id, 10)
    if job.informe == "inclusion":
        return await render_inclusion(ctx, job)
    try:
        if job.informe == "mensual":
            instituto = ctx["settings"].instituto
            contenido = await mensual_jobs.construir(pool, instituto, job, logo(instituto.logo))
        elif job.informe != "avance":
            # Reports 2 and 5 (services/reportes/omisos_calidad.py): same progress and storage.
            from .omisos_calidad import documento

            doc = await documento(ctx, job)
            await pool.execute(PROGRESO_SQL, job.archivo_id, 60)
            contenido = await asyncio.to_thread(construir_documento, job.formato, doc)
        else:
            resuelto = await datos.corte(pool, job.fecha, datetime.now(UTC))
            filas = await datos.situaciones(pool, resuelto, job.postulante_id)
            await pool.execute(PROGRESO_SQL, job.archivo_id, 40)
            resultado = tabla(filas, job.desglose)
            cabeza = await encabezado(pool, ctx["settings"].instituto, resuelto, job.postulante_id)
            await pool.execute(PROGRESO_SQL, job.archivo_id, 60)
            contenido = await asyncio.to_thread(formatos.construir, job.formato, cabeza, resultado)
    except (datos.FechaDeCorteError, MesError) as exc:
        await pool.execute(ERROR_SQL, job.archivo_id, str(exc))
        return None
    sha256 = hashlib.sha256(contenido).hexdigest()
    await pool.execute(PROGRESO_SQL, job.archivo_id, 90)
    async with pool.acquire() as conn, conn.transaction():
        if await conn.fetchval(ARCHIVO_SQL, job.archivo_id) == "listo":
            return None
        await conn.execute(INSERT_CONTENIDO_SQL, sha256, contenido, len(contenido))
        await conn.execute(LISTO_SQL, job.archivo_id, sha256)
    return sha256


async def render_inclusion(ctx: dict[str, Any], job: contracts.Render) -> str | None:
    """Report 4's file: the same suppressed cells as the page (``inclusion.reporte``), as the data stand now."""
    pool: asyncpg.Pool = ctx["db_pool"]
    personas = await datos_inclusion.personas(pool)
    await pool.execute(PROGRESO_SQL, job.archivo_id, 40)
    resultado = await asyncio.to_thread(inclusion.reporte, personas, inclusion.Filtros(job.postulante_id, job.cargo))
    info = await datos.proceso(pool)
    instituto = ctx["settings"].instituto
    filtros = []
    if job.postulante_id is not None:
        row = await pool.fetchrow(POSTULANTE_SQL, job.postulante_id)
        filtros.append(postulante_nombre(row["nombre"], row["siglas"], row["tipo"]) if row else f"#{job.postulante_id}")
    if job.cargo:
        nombre = await pool.fetchval("SELECT nombre FROM registro.cargos WHERE clave = $1", job.cargo)
        filtros.append(f"Cargo: {nombre or job.cargo}")
    cabeza = formatos_inclusion.Encabezado(
        instituto.nombre,
        info.nombre,
        f"{datetime.now(UTC).astimezone(info.zona):%d/%m/%Y %H:%M}",
        "; ".join(filtros) or "Todos los partidos, coaliciones y candidaturas; todos los cargos",
        logo(instituto.logo),
    )
    await pool.execute(PROGRESO_SQL, job.archivo_id, 60)
    contenido = await asyncio.to_thread(formatos_inclusion.construir, job.formato, cabeza, resultado)
    sha256 = hashlib.sha256(contenido).hexdigest()
    await pool.execute(PROGRESO_SQL, job.archivo_id, 90)
    async with pool.acquire() as conn, conn.transaction():
        if await conn.fetchval(ARCHIVO_SQL, job.archivo_id) == "listo":
            return None
        await conn.execute(INSERT_CONTENIDO_SQL, sha256, contenido, len(contenido))
        await conn.execute(LISTO_SQL, job.archivo_id, sha256)
    return sha256


class WorkerSettings(worker.WorkerSettings):
    service = "reportes"
    functions = (
        worker.job(contracts.RecordStatus, record_status),
        worker.job(contracts.RecordStatusLote, record_status_lote),
        worker.job(contracts.RecordHecho, record_hecho),
        worker.job(contracts.RecordIdentidad, record_identidad),
        worker.job(contracts.Snapshot, snapshot),
        worker.job(contracts.Render, render),
        worker.job(contracts.RecordVisitas, record_visitas),
        worker.job(contracts.SendAvance, send_avance),
    )
    # Every hour: the day that just ended is frozen within the hour after local midnight, whatever the zone.
    cron_jobs = (
        worker.cron_job(contracts.Snapshot, snapshot, minute=7, second=0, run_at_startup=True),
        # Every five minutes: the progress /estadisticas shows (services/reportes/avance_publico.py).
        worker.cron_job(contracts.SendAvance, send_avance, minute=set(range(0, 60, 5)), second=20, run_at_startup=True),
    )
