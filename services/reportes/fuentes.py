"""Where reports 2 (omisos) and 5 (calidad de datos) read their rows: the registry (reference data) and reportes'
own status history and facts. No aiohttp: the pages and the render worker both use it."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import asyncpg

from services.common.etiquetas import postulante_nombre
from services.common.plazos import Ventana

from . import calidad, omisos
from .avance import Evento
from .datos import HISTORIAL_SQL

# A registration without its distrito or municipio (an import gap) still gets an ámbito: a NULL here broke the
# report's ordering (str against None) and answered 500 for every postulante's report.
_AMBITO = """
CASE k.ambito
    WHEN 'distrito' THEN coalesce('Distrito ' || c.distrito || coalesce(' (' || d.cabecera || ')', ''),
                                  'Distrito sin registrar')
    WHEN 'municipio' THEN coalesce(m.nombre, 'Municipio ' || c.municipio, 'Municipio sin registrar')
    ELSE 'Estatal'
END || coalesce(', circunscripción ' || c.circunscripcion, '')
"""
# Candidacies registered before the cut-off, with the process's close and the latest prórroga granted before the
# cut-off and not revoked by then (for the candidatura or for its postulante): the window as it stood then.
OMISOS_SQL = f"""
SELECT c.id AS candidatura_id, c.postulante_id, p.nombre AS postulante_nombre, p.siglas, p.tipo AS postulante_tipo,
       k.nombre AS cargo_nombre, k.orden AS cargo_orden, {_AMBITO} AS ambito, c.numero, c.tipo,
       concat_ws(' ', c.nombre, c.primer_apellido, nullif(c.segundo_apellido, '')) AS nombre, c.sexo, c.estatus,
       c.created_at, r.captura_inicio, r.captura_fin, r.zona_horaria,
       (SELECT max(g.fin) FROM registro.prorrogas g
         WHERE g.proceso_id = c.proceso_id AND g.created_at < $1 AND (g.revocada_at IS NULL OR g.revocada_at >= $1)
           AND (g.candidatura_id = c.id OR g.postulante_id = c.postulante_id)) AS prorroga_fin
FROM registro.candidaturas c
JOIN registro.procesos r ON r.id = c.proceso_id AND r.activo
JOIN registro.postulantes p ON p.id = c.postulante_id
JOIN registro.cargos k ON k.clave = c.cargo
LEFT JOIN registro.distritos d ON d.numero = c.distrito
LEFT JOIN registro.municipios m ON m.clave = c.municipio
WHERE c.created_at < $1 AND ($2::integer IS NULL OR c.postulante_id = $2)
"""  # noqa: S608
CIERRE_SQL = "SELECT captura_fin FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1"
PERSONAS_SQL = f"""
SELECT c.id AS candidatura_id, c.postulante_id, p.nombre AS postulante_nombre, p.siglas, p.tipo AS postulante_tipo,
       c.cargo, k.nombre AS cargo_nombre, k.orden AS cargo_orden, {_AMBITO} AS demarcacion, c.numero, c.tipo,
       concat_ws(' ', c.nombre, c.primer_apellido, nullif(c.segundo_apellido, '')) AS nombre, c.sexo,
       c.fecha_nacimiento, c.curp
FROM registro.candidaturas c
JOIN registro.postulantes p ON p.id = c.postulante_id
JOIN registro.cargos k ON k.clave = c.cargo
LEFT JOIN registro.distritos d ON d.numero = c.distrito
LEFT JOIN registro.municipios m ON m.clave = c.municipio
WHERE c.proceso_id IN (SELECT id FROM registro.procesos WHERE activo) AND c.estatus = 'registrada'
  AND ($1::integer IS NULL OR c.postulante_id = $1)
"""  # noqa: S608
HECHOS_CALIDAD_SQL = """
SELECT id, candidatura_id, hecho, referencia, detalle FROM reportes.hechos
WHERE hecho IN ('bandera', 'bandera_resuelta', 'marcadores') AND candidatura_id = ANY($1::integer[])
"""


async def cierre_del_proceso(conn: asyncpg.Connection | asyncpg.Pool) -> datetime | None:
    value: datetime | None = await conn.fetchval(CIERRE_SQL)
    return value


async def omisos_al(
    conn: asyncpg.Connection | asyncpg.Pool, corte: datetime, postulante_id: int | None = None
) -> omisos.Resultado:
    """Report 2 at the instant ``corte`` (each candidacy at its own close when that came first)."""
    candidaturas = []
    for r in await conn.fetch(OMISOS_SQL, corte, postulante_id):
        ventana = Ventana(r["captura_inicio"], r["captura_fin"], r["prorroga_fin"], r["zona_horaria"])
        candidaturas.append(
            omisos.Candidatura(
                candidatura_id=r["candidatura_id"],
                postulante_id=r["postulante_id"],
                postulante=postulante_nombre(r["postulante_nombre"], r["siglas"], r["postulante_tipo"]),
                cargo_nombre=r["cargo_nombre"],
                cargo_orden=r["cargo_orden"],
                ambito=r["ambito"],
                numero=r["numero"],
                tipo=r["tipo"],
                nombre=r["nombre"],
                sexo=r["sexo"],
                estatus=r["estatus"],
                created_at=r["created_at"],
                cierre=ventana.cierre,
                con_prorroga=ventana.con_prorroga,
            )
        )
    eventos: dict[int, list[Evento]] = defaultdict(list)
    ids = [c.candidatura_id for c in candidaturas]
    for e in await conn.fetch(HISTORIAL_SQL, corte, ids):
        eventos[e["candidatura_id"]].append(Evento(e["cuestionario"], e["estado"], e["at"]))
    return omisos.omisos(candidaturas, eventos, corte)


async def calidad_actual(
    conn: asyncpg.Connection | asyncpg.Pool, reglas: calidad.Reglas, postulante_id: int | None = None
) -> calidad.Resultado:
    """Report 5 as the registry and the facts stand now."""
    personas = [
        calidad.Persona(
            candidatura_id=r["candidatura_id"],
            postulante_id=r["postulante_id"],
            postulante=postulante_nombre(r["postulante_nombre"], r["siglas"], r["postulante_tipo"]),
            cargo=r["cargo"],
            cargo_nombre=r["cargo_nombre"],
            cargo_orden=r["cargo_orden"],
            demarcacion=r["demarcacion"],
            numero=r["numero"],
            tipo=r["tipo"],
            nombre=r["nombre"],
            sexo=r["sexo"],
            fecha_nacimiento=r["fecha_nacimiento"],
            curp=r["curp"],
        )
        for r in await conn.fetch(PERSONAS_SQL, postulante_id)
    ]
    hechos = [
        calidad.HechoCalidad(h["candidatura_id"], h["hecho"], h["referencia"], h["detalle"] or {}, h["id"])
        for h in await conn.fetch(HECHOS_CALIDAD_SQL, [p.candidatura_id for p in personas])
    ]
    return calidad.resumen(personas, calidad.revisar(personas, reglas), calidad.senales(hechos))
