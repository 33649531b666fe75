"""Where report 1 reads its rows: the frozen close of a day (``reportes.corte_candidaturas``) when there is one,
else the registry (reference data) and reportes' own history up to the cut-off instant. Also the snapshot job's
writes. No aiohttp: the web views and the worker both use it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import astuple, dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import asyncpg

from services.common import tiempo
from services.common.etiquetas import postulante_nombre

from .avance import SITUACION_CAMPOS, Evento, Hecho, Registro, Situacion, situacion

PROCESO_SQL = """
SELECT p.zona_horaria, p.nombre,
       least(p.captura_inicio,
             (SELECT min(c.created_at) FROM registro.candidaturas c
              WHERE c.proceso_id IN (SELECT id FROM registro.procesos WHERE activo))) AS inicio
FROM registro.procesos p WHERE p.activo ORDER BY p.id DESC LIMIT 1
"""

# Every candidacy of the active process registered before the instant, with the labels a report groups by.
REGISTRO_SQL = """
SELECT c.id AS candidatura_id, c.postulante_id, p.nombre AS postulante_nombre, p.siglas, p.tipo AS postulante_tipo,
       c.cargo, k.nombre AS cargo_nombre, k.orden AS cargo_orden,
       CASE k.ambito
           WHEN 'distrito' THEN 'Distrito ' || c.distrito || coalesce(' (' || d.cabecera || ')', '')
           WHEN 'municipio' THEN coalesce(m.nombre, 'Municipio ' || c.municipio)
           ELSE 'Estatal'
       END AS ambito,
       c.sexo, c.estatus, c.created_at
FROM registro.candidaturas c
JOIN registro.postulantes p ON p.id = c.postulante_id
JOIN registro.cargos k ON k.clave = c.cargo
LEFT JOIN registro.distritos d ON d.numero = c.distrito
LEFT JOIN registro.municipios m ON m.clave = c.municipio
WHERE c.proceso_id IN (SELECT id FROM registro.procesos WHERE activo)
  AND c.created_at < $1
  AND ($2::integer IS NULL OR c.postulante_id = $2)
"""
HISTORIAL_SQL = """
SELECT candidatura_id, cuestionario, estado, at FROM reportes.historial_estados
WHERE at < $1 AND candidatura_id = ANY($2::integer[])
ORDER BY id
"""
HECHOS_SQL = """
SELECT candidatura_id, hecho, at FROM reportes.hechos
WHERE at < $1 AND candidatura_id = ANY($2::integer[])
"""
CORTE_SQL = "SELECT fecha, zona, hasta, tomado_at, filas FROM reportes.cortes WHERE fecha = $1"
# The columns of avance.Situacion (tests/unit/test_reportes_avance.py checks they match).
CORTE_FILAS_SQL = """
SELECT candidatura_id, postulante_id, postulante, cargo, cargo_nombre, cargo_orden, ambito, sexo, estatus, cuenta,
       curricular_enviado, identidad_enviado, consentimiento, con_observaciones, validado, publicado
FROM reportes.corte_candidaturas
WHERE fecha = $1 AND ($2::integer IS NULL OR postulante_id = $2)
"""
INSERT_CORTE_SQL = """
INSERT INTO reportes.cortes (fecha, zona, hasta, filas) VALUES ($1, $2, $3, $4)
ON CONFLICT (fecha) DO NOTHING
RETURNING fecha
"""
POSTULANTES_SQL = "SELECT id, nombre, siglas, tipo FROM registro.postulantes ORDER BY nombre, id"


class FechaDeCorteError(ValueError):
    """A cut-off date the report cannot be produced for; the message is for the person who asked."""


@dataclass(frozen=True)
class Proceso:
    zona: ZoneInfo
    nombre: str
    inicio: date | None  # the first local day anything of the process happened


@dataclass(frozen=True)
class Corte:
    """A resolved cut-off: the local day, the instant before which events count, and where its rows come from."""

    fecha: date
    hasta: datetime
    parcial: bool  # today: the day has not ended
    congelado: bool  # read from the day's snapshot
    tomado_at: datetime | None = None


async def proceso(conn: asyncpg.Connection | asyncpg.Pool) -> Proceso:
    row = await conn.fetchrow(PROCESO_SQL)
    tz = tiempo.zona(row["zona_horaria"] if row else tiempo.DEFAULT_ZONA)
    inicio = tiempo.today(row["inicio"], tz) if row and row["inicio"] else None
    return Proceso(tz, row["nombre"] if row else "", inicio)


def fin_del_dia(fecha: date, tz: ZoneInfo) -> datetime:
    """The first instant of the next local day: events before it happened on or before ``fecha``."""
    return datetime.combine(fecha + timedelta(days=1), time(0), tzinfo=tz)


def validar_fecha(fecha: date, hoy: date, inicio: date | None) -> None:
    if fecha > hoy:
        raise FechaDeCorteError(
            f"La fecha de corte no puede ser posterior a hoy ({hoy:%d/%m/%Y}): el sistema solo informa lo ocurrido."
        )
    if inicio is not None and fecha < inicio:
        raise FechaDeCorteError(
            f"La fecha de corte es anterior al inicio del proceso ({inicio:%d/%m/%Y}): no hay nada que contar."
        )


async def corte(conn: asyncpg.Connection | asyncpg.Pool, fecha: date, now: datetime) -> Corte:
    """Resolve a cut-off date, or raise :class:`FechaDeCorteError` with a message for the page."""
    info = await proceso(conn)
    hoy = tiempo.today(now, info.zona)
    validar_fecha(fecha, hoy, info.inicio)
    congelado = await conn.fetchrow(CORTE_SQL, fecha)
    if congelado is not None:
        return Corte(fecha, congelado["hasta"], parcial=False, congelado=True, tomado_at=congelado["tomado_at"])
    return Corte(fecha, fin_del_dia(fecha, info.zona), parcial=fecha == hoy, congelado=False)


async def situaciones_del_historial(
    conn: asyncpg.Connection | asyncpg.Pool, hasta: datetime, postulante_id: int | None = None
) -> list[Situacion]:
    """Every candidacy's situation at ``hasta`` from the registry as it is now and the history before ``hasta``."""
    registros = [
        Registro(
            candidatura_id=r["candidatura_id"],
            postulante_id=r["postulante_id"],
            postulante=postulante_nombre(r["postulante_nombre"], r["siglas"], r["postulante_tipo"]),
            cargo=r["cargo"],
            cargo_nombre=r["cargo_nombre"],
            cargo_orden=r["cargo_orden"],
            ambito=r["ambito"],
            sexo=r["sexo"],
            estatus=r["estatus"],
            created_at=r["created_at"],
        )
        for r in await conn.fetch(REGISTRO_SQL, hasta, postulante_id)
    ]
    ids = [r.candidatura_id for r in registros]
    eventos: dict[int, list[Evento]] = defaultdict(list)
    for e in await conn.fetch(HISTORIAL_SQL, hasta, ids):
        eventos[e["candidatura_id"]].append(Evento(e["cuestionario"], e["estado"], e["at"]))
    hechos: dict[int, list[Hecho]] = defaultdict(list)
    for h in await conn.fetch(HECHOS_SQL, hasta, ids):
        hechos[h["candidatura_id"]].append(Hecho(h["hecho"], h["at"]))
    resultado = []
    for registro in registros:
        s = situacion(registro, eventos[registro.candidatura_id], hechos[registro.candidatura_id], hasta)
        if s is not None:
            resultado.append(s)
    return resultado


async def situaciones(
    conn: asyncpg.Connection | asyncpg.Pool, resuelto: Corte, postulante_id: int | None = None
) -> list[Situacion]:
    if resuelto.congelado:
        rows = await conn.fetch(CORTE_FILAS_SQL, resuelto.fecha, postulante_id)
        return [Situacion(**dict(r)) for r in rows]
    return await situaciones_del_historial(conn, resuelto.hasta, postulante_id)


async def congelar(conn: asyncpg.Connection, fecha: date, tz: ZoneInfo) -> int | None:
    """Write the snapshot of ``fecha`` once (in the caller's transaction): its rows, or None if it existed."""
    hasta = fin_del_dia(fecha, tz)
    filas = await situaciones_del_historial(conn, hasta)
    if await conn.fetchval(INSERT_CORTE_SQL, fecha, tz.key, hasta, len(filas)) is None:
        return None
    await conn.copy_records_to_table(
        "corte_candidaturas",
        schema_name="reportes",
        columns=["fecha", *SITUACION_CAMPOS],
        records=[(fecha, *astuple(s)) for s in filas],
    )
    return len(filas)


async def postulantes(conn: asyncpg.Connection | asyncpg.Pool) -> list[tuple[int, str]]:
    rows = await conn.fetch(POSTULANTES_SQL)
    return [(r["id"], postulante_nombre(r["nombre"], r["siglas"], r["tipo"])) for r in rows]
