"""Where report 4 reads its rows: the registry (reference data) and what captura sent reportes
(``reportes.identidades``). Never the answers themselves: only the derived groups and consent 3."""

from __future__ import annotations

import asyncpg

from services.common.etiquetas import postulante_nombre
from services.common.identidad import grupo_accion_afirmativa

from .inclusion import Persona

# Registered candidacies of the active process; the identity groups only while consent 3 is in force.
PERSONAS_SQL = """
SELECT c.postulante_id, p.nombre AS postulante_nombre, p.siglas, p.tipo AS postulante_tipo,
       c.cargo, k.nombre AS cargo_nombre, k.orden AS cargo_orden, c.sexo, c.accion_afirmativa,
       CASE WHEN i.estadistica AND i.grupos IS NOT NULL THEN i.grupos END AS grupos
FROM registro.candidaturas c
JOIN registro.postulantes p ON p.id = c.postulante_id
JOIN registro.cargos k ON k.clave = c.cargo
LEFT JOIN reportes.identidades i ON i.candidatura_id = c.id
WHERE c.proceso_id IN (SELECT id FROM registro.procesos WHERE activo) AND c.estatus = 'registrada'
"""
CARGOS_SQL = "SELECT clave, nombre FROM registro.cargos ORDER BY orden, clave"


async def personas(conn: asyncpg.Connection | asyncpg.Pool) -> list[Persona]:
    return [
        Persona(
            postulante_id=r["postulante_id"],
            postulante=postulante_nombre(r["postulante_nombre"], r["siglas"], r["postulante_tipo"]),
            cargo=r["cargo"],
            cargo_nombre=r["cargo_nombre"],
            cargo_orden=r["cargo_orden"],
            sexo=r["sexo"],
            autoidentificacion=frozenset(r["grupos"]) if r["grupos"] is not None else None,
            accion_afirmativa=grupo_accion_afirmativa(r["accion_afirmativa"]),
        )
        for r in await conn.fetch(PERSONAS_SQL)
    ]


async def cargos(conn: asyncpg.Connection | asyncpg.Pool) -> list[tuple[str, str]]:
    return [(r["clave"], r["nombre"]) for r in await conn.fetch(CARGOS_SQL)]
