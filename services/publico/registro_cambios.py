"""``publico.refresh_registro``: a registry change the public pages show without a new publication.

The published row copies the registry's columns when it is published (services/publico/sql.py PUBLISH_SQL), and
the filter forms read the registry's catalogs (postulantes, cargos, municipios). Both are cached by generation, so
a registry change they show sends this job in its transaction: the rows named are copied again and the generation
moves, so the next request shows the change. Other registry changes are covered already: a cancellation or
substitution sends ``publico.withdraw`` (which bumps when the record was published; an unpublished one shows
nowhere, and a partner's profile links only a published pair), and the home page keys its cache by the process
row itself (services/publico/views.py ``_proceso_variant``).
"""

from __future__ import annotations

from typing import Any

from services.common import contracts

from . import busqueda
from .cache import GENERATION_KEY
from .sql import BUMP_GENERATION_SQL

# The registry's columns of PUBLISH_SQL; a withdrawn or no longer registered candidacy is left to publico.withdraw.
REFRESH_SQL = """
UPDATE publico.candidaturas p SET
    cargo = c.cargo, cargo_nombre = g.nombre, cargo_orden = g.orden, postulante = s.siglas,
    postulante_nombre = s.nombre, postulante_tipo = s.tipo, distrito = c.distrito, municipio = c.municipio,
    municipio_nombre = m.nombre, numero = c.numero, tipo = c.tipo, sexo = c.sexo,
    edad = extract(year FROM age(current_date, c.fecha_nacimiento))::int,
    nombre_completo = concat_ws(' ', c.nombre, c.primer_apellido, nullif(c.segundo_apellido, '')),
    primer_apellido = c.primer_apellido, accion_afirmativa = c.accion_afirmativa
FROM registro.candidaturas c
JOIN registro.cargos g ON g.clave = c.cargo
JOIN registro.postulantes s ON s.id = c.postulante_id
LEFT JOIN registro.municipios m ON m.clave = c.municipio
WHERE p.id = c.id AND c.id = ANY($1::integer[]) AND c.estatus = 'registrada'
RETURNING p.id
"""


async def refresh_registro(ctx: dict[str, Any], job: contracts.RefreshRegistro) -> int:
    """The new generation (always bumped: a page may show the change even when no published row names it)."""
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        for row in await conn.fetch(REFRESH_SQL, sorted(set(job.candidatura_ids))):
            await busqueda.refresh(conn, row["id"])
        generation: int = await conn.fetchval(BUMP_GENERATION_SQL)
    await ctx["redis"].set(GENERATION_KEY, generation)
    return generation
