"""The published identity: the approved cuestionario de identidad and the consents that decide what shows.

publico may not read captura's schema, so the consents arrive in the jobs: with the approved version (the
consents captured at submit, ``Version.consentimientos``) and, on every later change, as
``contracts.IdentidadVisible``. Each
carries ``seq`` (the id of the last consent change it reflects) and the row keeps the newest, so a late message
never undoes a newer revocation. Either job may arrive before the curricular is published: the row is then
created with ``curricular`` NULL, which keeps it off the public site until the curricular arrives.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from services.common import identidad
from services.common.contracts import Consentimientos, Version

from . import busqueda
from .text import normalize

# The registration part of a row that does not exist yet, from registro (reference data every service reads).
_ROW_FROM_REGISTRO = """
INSERT INTO publico.candidaturas AS p (
    id, cargo, cargo_nombre, cargo_orden, postulante, postulante_nombre, distrito, municipio, municipio_nombre,
    numero, tipo, sexo, edad, nombre_completo, primer_apellido, nombre_busqueda, curricular, envio_numero,
    declarado_at, revisado_at, accion_afirmativa, postulante_tipo, {columns})
SELECT c.id, c.cargo, g.nombre, g.orden, s.siglas, s.nombre, c.distrito, c.municipio, m.nombre,
       c.numero, c.tipo, c.sexo, extract(year FROM age(current_date, c.fecha_nacimiento))::int,
       concat_ws(' ', c.nombre, c.primer_apellido, nullif(c.segundo_apellido, '')), c.primer_apellido,
       $2, NULL, 0, now(), now(), c.accion_afirmativa, s.tipo, {values}
FROM registro.candidaturas c
JOIN registro.cargos g ON g.clave = c.cargo
JOIN registro.postulantes s ON s.id = c.postulante_id
LEFT JOIN registro.municipios m ON m.clave = c.municipio
WHERE c.id = $1 AND c.estatus = 'registrada'
"""
# Approved answers: never an older submitted version over a newer one; the consent flags only if newer.
PUBLISH_IDENTIDAD_SQL = (
    _ROW_FROM_REGISTRO.format(
        columns="identidad, identidad_envio, identidad_publica, identidad_estadistica, consentimientos_seq",
        values="$3, $4, $5, $6, $7",
    )
    + """
ON CONFLICT (id) DO UPDATE SET
    identidad = EXCLUDED.identidad, identidad_envio = EXCLUDED.identidad_envio,
    accion_afirmativa = EXCLUDED.accion_afirmativa,
    identidad_publica = CASE WHEN EXCLUDED.consentimientos_seq >= p.consentimientos_seq
                             THEN EXCLUDED.identidad_publica ELSE p.identidad_publica END,
    identidad_estadistica = CASE WHEN EXCLUDED.consentimientos_seq >= p.consentimientos_seq
                                 THEN EXCLUDED.identidad_estadistica ELSE p.identidad_estadistica END,
    consentimientos_seq = greatest(p.consentimientos_seq, EXCLUDED.consentimientos_seq)
-- The same version delivered again changes nothing, so it returns no row: no bump, no follow-up jobs.
WHERE p.identidad_envio < EXCLUDED.identidad_envio
   OR (p.identidad_envio = EXCLUDED.identidad_envio
       AND ((p.identidad, p.accion_afirmativa) IS DISTINCT FROM (EXCLUDED.identidad, EXCLUDED.accion_afirmativa)
            OR (EXCLUDED.consentimientos_seq >= p.consentimientos_seq
                AND (p.identidad_publica, p.identidad_estadistica, p.consentimientos_seq)
                    IS DISTINCT FROM
                    (EXCLUDED.identidad_publica, EXCLUDED.identidad_estadistica, EXCLUDED.consentimientos_seq))))
RETURNING id
"""
)
VISIBLE_SQL = (
    _ROW_FROM_REGISTRO.format(
        columns="identidad_publica, identidad_estadistica, consentimientos_seq", values="$3, $4, $5"
    )
    + """
ON CONFLICT (id) DO UPDATE SET
    identidad_publica = EXCLUDED.identidad_publica, identidad_estadistica = EXCLUDED.identidad_estadistica,
    consentimientos_seq = EXCLUDED.consentimientos_seq, accion_afirmativa = EXCLUDED.accion_afirmativa
WHERE p.consentimientos_seq < EXCLUDED.consentimientos_seq
RETURNING id, curricular IS NOT NULL AS visible
"""
)
PERFIL_SQL = "SELECT identidad, identidad_publica, accion_afirmativa FROM publico.candidaturas WHERE id = $1"
NAME_SQL = "SELECT concat_ws(' ', nombre, primer_apellido, segundo_apellido) FROM registro.candidaturas WHERE id = $1"


async def apply_identidad(
    conn: asyncpg.Connection,
    *,
    candidatura_id: int,
    numero: int,
    version: Version,
    revisado_at: datetime,
) -> bool:
    """Write an approved identity version in the caller's transaction (services/publico/publicar.py bumps and sends
    the follow-ups); False when it changes nothing (the same version delivered again, or an older one)."""
    # Missing in versions submitted before consents travelled with them: nothing granted.
    consentimientos = version.consentimientos or Consentimientos()
    respuestas = version.respuestas
    cuestionario = await identidad.for_candidatura(conn, candidatura_id)
    grupos = identidad.grupos(cuestionario, respuestas) if cuestionario else []
    name = await conn.fetchval(NAME_SQL, candidatura_id) or ""
    published = await conn.fetchval(
        PUBLISH_IDENTIDAD_SQL,
        candidatura_id,
        normalize(name),
        {"grupos": grupos, "respuestas": respuestas, "revisado_at": revisado_at.isoformat()},
        numero,
        consentimientos.publicacion,
        consentimientos.estadistica,
        consentimientos.seq,
    )
    if published is None:
        return False
    await busqueda.refresh(conn, candidatura_id)
    return True


async def set_visible(
    conn: asyncpg.Connection, candidatura_id: int, publicacion: bool, estadistica: bool, seq: int
) -> bool:
    """Apply a consent change; True when it changed a row the public site shows."""
    name = await conn.fetchval(NAME_SQL, candidatura_id) or ""
    row = await conn.fetchrow(VISIBLE_SQL, candidatura_id, normalize(name), publicacion, estadistica, seq)
    return bool(row and row["visible"])


async def grupos_del_perfil(pool: asyncpg.Pool, candidatura_id: int) -> list[str]:
    """The group names a profile may show: self-identified groups with consent 2, the acción afirmativa always."""
    row = await pool.fetchrow(PERFIL_SQL, candidatura_id)
    if row is None:
        return []
    return identidad.grupos_publicables(row["identidad"], row["identidad_publica"], row["accion_afirmativa"])
