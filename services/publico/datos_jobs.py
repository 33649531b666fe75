"""The release job: a new numbered open-data release once publications settle, never on a citizen's request.

publico's cron runs it every minute; it builds only when the publication generation moved since it last looked
and no publish or withdrawal happened for ``QUIET_SECONDS`` (a burst of 8,000 publications makes one release,
not 8,000). A generation that changed nothing the files show (a consent that hides nothing) builds nothing.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from services.common import contracts, media
from services.common.instituto import Instituto

from . import datos

log = logging.getLogger(__name__)

QUIET_SECONDS = 120
FOLDER = "datos"

LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtextextended('publico.datos', 0))"
STATE_SQL = """
SELECT p.generacion, p.updated_at <= now() - make_interval(secs => $1) AS quieta, c.generacion AS vista
FROM publico.publicacion p, publico.datos_control c
"""
SEEN_SQL = "UPDATE publico.datos_control SET generacion = $1"
ROWS_SQL = """
SELECT id, cargo, cargo_nombre, postulante, postulante_nombre, postulante_tipo, distrito, municipio,
       municipio_nombre, numero, tipo, sexo, edad, nombre_completo, curricular, declarado_at, revisado_at,
       identidad, identidad_publica, accion_afirmativa
FROM publico.candidaturas
WHERE curricular IS NOT NULL
ORDER BY cargo_orden, coalesce(distrito, 0), coalesce(municipio, 0), numero, primer_apellido, id
"""
# Every municipio key of a state starts with the state's INEGI key (16053: state 16).
ENTIDAD_SQL = "SELECT lpad((min(clave) / 1000)::text, 2, '0') FROM registro.municipios"
LAST_SQL = "SELECT numero, huellas FROM publico.datos_publicaciones ORDER BY numero DESC LIMIT 1"
INSERT_RELEASE_SQL = """
INSERT INTO publico.datos_publicaciones (numero, created_at, generacion, total, cambios, huellas)
VALUES ($1, $2, $3, $4, $5, $6)
"""
INSERT_FILE_SQL = "INSERT INTO publico.datos_archivos (numero, nombre, tipo, bytes, sha256) VALUES ($1, $2, $3, $4, $5)"


def folder(media_dir: Path, numero: int) -> Path:
    return media_dir / media.PUBLICO / FOLDER / str(numero)


def _write(target: Path, files: dict[str, bytes]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        media.write_atomic(target / name, data)


async def build_release(ctx: dict[str, Any], job: contracts.BuildRelease) -> int | None:
    """The number of the release built, or None when there was nothing new (or publications have not settled)."""
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        await conn.execute(LOCK_SQL)
        state = await conn.fetchrow(STATE_SQL, QUIET_SECONDS)
        if state["generacion"] == state["vista"] or not (job.inmediata or state["quieta"]):
            return None
        rows = await conn.fetch(ROWS_SQL)
        cve_entidad = await conn.fetchval(ENTIDAD_SQL)
        entidad = Instituto().entidad
        filas = [datos.fila(r, entidad, cve_entidad) for r in rows]
        huellas = {str(f["ID_CANDIDATURA"]): datos.huella(f) for f in filas}
        last = await conn.fetchrow(LAST_SQL)
        previous = last["huellas"] if last else {}
        await conn.execute(SEEN_SQL, state["generacion"])
        if last is not None and previous == huellas:
            return None
        numero = (last["numero"] if last else 0) + 1
        fecha = datetime.now(UTC)
        files = datos.archivos(filas, numero, fecha)
        # The files exist before the row that lists them commits; a failed commit leaves files the next attempt
        # under the same number overwrites.
        await asyncio.to_thread(_write, folder(ctx["settings"].media_dir, numero), files)
        changes = datos.cambios(previous, huellas)
        await conn.execute(INSERT_RELEASE_SQL, numero, fecha, state["generacion"], len(filas), changes, huellas)
        for name, data in files.items():
            await conn.execute(INSERT_FILE_SQL, numero, name, datos.ARCHIVOS[name], len(data), datos.sha256(data))
    log.info("publicación de datos abiertos %s: %s candidaturas", numero, len(filas))
    return numero
