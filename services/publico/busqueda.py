"""The columns of a published row that only the public filters read: nickname, search text and public groups.

Refreshed by every job that writes the row (curricular, identidad, a consent change), in the same transaction,
so the list never finds a candidacy by a group its profile would hide, nor misses it by its registered nickname.
"""

from __future__ import annotations

import asyncpg

from services.common.identidad import grupos_publicables

from .text import normalize

ROW_SQL = """
SELECT c.nombre, c.primer_apellido, c.segundo_apellido, nullif(btrim(c.sobrenombre), '') AS sobrenombre,
       p.identidad, p.identidad_publica, p.accion_afirmativa
FROM publico.candidaturas p JOIN registro.candidaturas c ON c.id = p.id
WHERE p.id = $1
"""
UPDATE_SQL = """
UPDATE publico.candidaturas SET sobrenombre = $2, nombre_busqueda = $3, grupos_publicos = $4 WHERE id = $1
"""


def search_text(nombre: str, primer_apellido: str, segundo_apellido: str | None, sobrenombre: str | None) -> str:
    """Name and nickname, accent- and case-free: one text the «Nombre o sobrenombre» box searches."""
    return normalize(" ".join(p for p in (nombre, primer_apellido, segundo_apellido, sobrenombre) if p))


async def refresh(conn: asyncpg.Connection, candidatura_id: int) -> None:
    row = await conn.fetchrow(ROW_SQL, candidatura_id)
    if row is None:
        return
    grupos = grupos_publicables(row["identidad"], row["identidad_publica"], row["accion_afirmativa"])
    texto = search_text(row["nombre"], row["primer_apellido"], row["segundo_apellido"], row["sobrenombre"])
    await conn.execute(UPDATE_SQL, candidatura_id, row["sobrenombre"], texto, grupos)
