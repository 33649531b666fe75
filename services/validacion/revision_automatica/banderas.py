"""Runs the automatic checks of one submitted version and stores their flags (validacion.banderas).

Called by ``validacion.open_review`` in the transaction that created the review, so a redelivered job (which
creates nothing) writes nothing, and a worker killed in the middle leaves neither the review nor its flags.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import asyncpg

from services.common import contracts
from services.common.contracts import Version
from services.common.cuestionarios import Cuestionario
from services.common.marcadores import rubros_con_marcadores

from . import (
    ABIERTA,
    CAMPOS_PROPUESTA,
    CON_PROPUESTAS,
    COPIA,
    INFORMATIVA,
    PLATAFORMA_COMUN,
    PROPUESTA_COPIADA,
    RUBRO_PROPUESTAS,
    Hallazgo,
    copias,
    detectar,
    fallida,
)

log = logging.getLogger(__name__)

POSTULANTE_SQL = "SELECT postulante_id FROM registro.candidaturas WHERE id = $1"
# Copy checks run one at a time (each takes milliseconds): two copies submitted at once would otherwise each miss
# the other, uncommitted one. Held until the review's transaction ends, so the next check sees its fingerprints.
COPIAS_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('validacion.revision_automatica.copias'))"
# Other candidacies' submitted proposals sharing part of the sketch, most shared first.
CANDIDATAS_SQL = """
SELECT h.candidatura_id, h.tejas, c.postulante_id
FROM (SELECT revision_id, campo, count(*) AS comunes
      FROM validacion.huella_valores
      WHERE valor = ANY($1::int[]) AND candidatura_id <> $2
      GROUP BY revision_id, campo
      ORDER BY comunes DESC, revision_id DESC
      LIMIT 50) m
JOIN validacion.huellas_propuestas h USING (revision_id, campo)
JOIN registro.candidaturas c ON c.id = h.candidatura_id
ORDER BY m.comunes DESC, m.revision_id DESC
"""
INSERT_HUELLA_SQL = """
WITH propuesta AS (
    INSERT INTO validacion.huellas_propuestas (revision_id, candidatura_id, campo, tejas)
    VALUES ($1, $2, $3, $5)
    ON CONFLICT DO NOTHING
    RETURNING revision_id, candidatura_id, campo
)
INSERT INTO validacion.huella_valores (valor, revision_id, campo, candidatura_id)
SELECT DISTINCT v, p.revision_id, p.campo, p.candidatura_id FROM propuesta p, unnest($4::int[]) v
"""
# A finding Transparencia already cleared in an earlier version of the same candidacy (same field, same text) is
# written cleared, with that reason: a false positive is decided once, not at every resubmission.
INSERT_BANDERA_SQL = """
INSERT INTO validacion.banderas (revision_id, candidatura_id, tipo, clase, rubro, campo, inicio, fin, fragmento,
                                 otra_candidatura_id, similitud, estado, motivo, resuelto_por, resuelto_at)
SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
       CASE WHEN antes.id IS NULL THEN $12 ELSE 'descartada' END,
       'Descartada por Transparencia en una versión anterior: ' || antes.motivo, antes.resuelto_por,
       CASE WHEN antes.id IS NOT NULL THEN now() END
FROM (SELECT 1) uno
LEFT JOIN LATERAL (
    SELECT b.id, b.motivo, b.resuelto_por FROM validacion.banderas b
    WHERE $12 = 'abierta' AND b.candidatura_id = $2 AND b.revision_id <> $1 AND b.estado = 'descartada'
      AND b.tipo = $3 AND b.clase = $4 AND b.rubro = $5 AND b.campo = $6 AND b.fragmento = $9
      AND b.otra_candidatura_id IS NOT DISTINCT FROM $10
    ORDER BY b.id DESC LIMIT 1
) antes ON true
ON CONFLICT DO NOTHING
RETURNING id, created_at, estado
"""
NOW_SQL = "SELECT now()"
REVISADA_SQL = "UPDATE validacion.revisiones SET revisada_automaticamente_at = now() WHERE id = $1"


async def _copias(
    conn: asyncpg.Connection, revision_id: int, candidatura_id: int, respuestas: Mapping[str, Any]
) -> list[Hallazgo]:
    propuestas = respuestas.get(RUBRO_PROPUESTAS)
    if not isinstance(propuestas, Mapping):
        return []
    await conn.execute(COPIAS_LOCK_SQL)
    postulante_id = await conn.fetchval(POSTULANTE_SQL, candidatura_id)
    found: list[Hallazgo] = []
    for campo in CAMPOS_PROPUESTA:
        texto = propuestas.get(campo)
        if not texto:
            continue
        try:
            tejas = copias.tejas(texto)
        except Exception:  # an odd stored value: a person looks at it instead
            log.warning("copied-proposal check failed on %s/%s", RUBRO_PROPUESTAS, campo, exc_info=True)
            found.append(fallida(RUBRO_PROPUESTAS, campo))
            continue
        if not tejas.comparable:
            continue
        huella = tejas.huella()
        # The best match per clase: a copy of another slate's proposal, and the own slate's shared platform.
        mejores: dict[str, tuple[copias.Similitud, int]] = {}
        for otra in await conn.fetch(CANDIDATAS_SQL, huella, candidatura_id):
            similitud = copias.comparar(tejas, frozenset(otra["tejas"]))
            if not similitud.es_copia:
                continue
            clase = PLATAFORMA_COMUN if otra["postulante_id"] == postulante_id else COPIA
            if clase not in mejores or similitud.valor > mejores[clase][0].valor:
                mejores[clase] = (similitud, otra["candidatura_id"])
        for clase, (similitud, otra_id) in mejores.items():
            found.append(
                Hallazgo(
                    PROPUESTA_COPIADA,
                    clase,
                    RUBRO_PROPUESTAS,
                    campo,
                    similitud.inicio,
                    similitud.fin,
                    texto[similitud.inicio : similitud.fin],
                    otra_candidatura_id=otra_id,
                    similitud=similitud.valor,
                    estado=INFORMATIVA if clase == PLATAFORMA_COMUN else ABIERTA,
                )
            )
        await conn.execute(INSERT_HUELLA_SQL, revision_id, candidatura_id, campo, huella, list(tejas.conjunto))
    return found


async def revisar(
    conn: asyncpg.Connection, revision_id: int, candidatura_id: int, cuestionario: str, version: Version
) -> list[Hallazgo]:
    """Check the version, write one flag per finding and mark the review as checked; returns the findings."""
    found = detectar(version, cuestionario)
    if Cuestionario(cuestionario) in CON_PROPUESTAS:
        found += await _copias(conn, revision_id, candidatura_id, version.respuestas)
    for h in found:
        escrita = await conn.fetchrow(
            INSERT_BANDERA_SQL,
            revision_id,
            candidatura_id,
            h.tipo,
            h.clase,
            h.rubro,
            h.campo,
            h.inicio,
            h.fin,
            h.fragmento,
            h.otra_candidatura_id,
            h.similitud,
            h.estado,
        )
        if escrita is not None:
            # reportes counts flags for the Calidad de datos report; it may not read this schema.
            await contracts.send(
                conn,
                contracts.RecordHecho(
                    candidatura_id=candidatura_id,
                    hecho="bandera",
                    at=escrita["created_at"],
                    job_key=f"bandera:{escrita['id']}",
                    referencia=str(escrita["id"]),
                    detalle={
                        "tipo": h.tipo,
                        "clase": h.clase,
                        "estado": escrita["estado"],  # a finding cleared in an earlier version arrives cleared
                        "cuestionario": cuestionario,
                    },
                ),
            )
    await conn.execute(REVISADA_SQL, revision_id)
    # Every submitted version says which rubros hold placeholders (none too): the latest one is what counts.
    await contracts.send(
        conn,
        contracts.RecordHecho(
            candidatura_id=candidatura_id,
            hecho="marcadores",
            at=await conn.fetchval(NOW_SQL),
            job_key=f"marcadores:{revision_id}",
            referencia=cuestionario,
            detalle={"cuestionario": cuestionario, "rubros": rubros_con_marcadores(version.respuestas)},
        ),
    )
    return found
