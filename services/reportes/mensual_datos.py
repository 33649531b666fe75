"""Where report 3 reads its figures: reportes' own history, visit counts and incidents, the audit trail (the saves),
and the registry (reference data) for which candidacies belong to the process and for substitutions. The web views
and the worker both use it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from services.common import tiempo

from . import datos, mensual
from .avance import Evento, Tabla, tabla

# The scope of every count: the candidacies of the active process (of one postulante when $2 is given).
EVENTOS_SQL = """
SELECT candidatura_id, cuestionario, estado, at FROM reportes.historial_estados
WHERE at < $1 AND candidatura_id IN (
    SELECT c.id FROM registro.candidaturas c
    WHERE c.proceso_id IN (SELECT id FROM registro.procesos WHERE activo)
      AND ($2::integer IS NULL OR c.postulante_id = $2))
ORDER BY id
"""
# Saves are counted in the audit trail (every service appends to it): one row per save, written by captura's
# save_answer in the save's transaction (actions guardar_rubro and subir_foto); index eventos_guardados_idx.
GUARDADOS_SQL = """
SELECT count(*) FROM audit.eventos
WHERE service = 'captura' AND action IN ('guardar_rubro', 'subir_foto') AND entity = 'candidatura'
  AND at >= $3 AND at < $1 AND entity_id IN (
    SELECT c.id::text FROM registro.candidaturas c
    WHERE c.proceso_id IN (SELECT id FROM registro.procesos WHERE activo)
      AND ($2::integer IS NULL OR c.postulante_id = $2))
"""
SUSTITUCIONES_SQL = """
SELECT count(*) FROM registro.candidaturas c
WHERE c.proceso_id IN (SELECT id FROM registro.procesos WHERE activo)
  AND c.sustituye_a IS NOT NULL AND c.created_at >= $3 AND c.created_at < $1
  AND ($2::integer IS NULL OR c.postulante_id = $2)
"""
VISITAS_SQL = "SELECT fecha, tipo, total FROM reportes.visitas WHERE fecha >= $1 AND fecha < $2"
INCIDENCIAS_SQL = """
SELECT texto, updated_at FROM reportes.incidencias WHERE mes = $1
"""
GUARDAR_INCIDENCIAS_SQL = """
INSERT INTO reportes.incidencias (mes, texto, updated_by) VALUES ($1, $2, $3)
ON CONFLICT (mes) DO UPDATE SET texto = EXCLUDED.texto, updated_by = EXCLUDED.updated_by, updated_at = now()
"""


@dataclass(frozen=True)
class Informe:
    mes: date
    proceso: str
    desde: datetime
    hasta: datetime  # the month's end, or now in the current month
    en_curso: bool  # the current month: figures up to now
    actividad: mensual.Actividad
    oportunidad: mensual.Oportunidad
    uso: mensual.Uso
    incidencias: str
    incidencias_at: datetime | None
    avance: Tabla  # report 1 at the month's last day (today in the current month), for the chart
    corte: datos.Corte

    @property
    def vacio(self) -> bool:
        return self.actividad.vacia and not self.uso.paginas and not self.uso.descargas and not self.incidencias


async def resolver(conn: asyncpg.Connection | asyncpg.Pool, mes: date, now: datetime) -> tuple[datos.Proceso, date]:
    """The process and today, after checking the month is one the report can cover (:class:`mensual.MesError`)."""
    info = await datos.proceso(conn)
    hoy = tiempo.today(now, info.zona)
    mensual.validar_mes(mes, hoy, info.inicio)
    return info, hoy


async def informe(
    conn: asyncpg.Connection | asyncpg.Pool, mes: date, now: datetime, postulante_id: int | None = None
) -> Informe:
    info, hoy = await resolver(conn, mes, now)
    desde, fin = mensual.limites(mes, info.zona)
    hasta = min(fin, now)
    eventos = [
        (r["candidatura_id"], Evento(r["cuestionario"], r["estado"], r["at"]))
        for r in await conn.fetch(EVENTOS_SQL, hasta, postulante_id)
    ]
    guardados = int(await conn.fetchval(GUARDADOS_SQL, hasta, postulante_id, desde))
    sustituciones = int(await conn.fetchval(SUSTITUCIONES_SQL, hasta, postulante_id, desde))
    conteos = {
        (r["fecha"], r["tipo"]): int(r["total"]) for r in await conn.fetch(VISITAS_SQL, mes, mensual.siguiente(mes))
    }
    incidencia = await conn.fetchrow(INCIDENCIAS_SQL, mes)
    corte = await datos.corte(conn, min(mensual.ultimo_dia(mes), hoy), now)
    return Informe(
        mes=mes,
        proceso=info.nombre,
        desde=desde,
        hasta=hasta,
        en_curso=hasta < fin,
        actividad=mensual.actividad(eventos, guardados, sustituciones, desde, hasta),
        oportunidad=mensual.oportunidad(eventos, desde, hasta),
        uso=mensual.uso(mes, hoy, conteos),
        incidencias=incidencia["texto"] if incidencia else "",
        incidencias_at=incidencia["updated_at"] if incidencia else None,
        avance=tabla(await datos.situaciones(conn, corte, postulante_id), ()),
        corte=corte,
    )


async def guardar_incidencias(conn: asyncpg.Connection, mes: date, texto: str, user_id: int | None) -> None:
    await conn.execute(GUARDAR_INCIDENCIAS_SQL, mes, texto, user_id)
