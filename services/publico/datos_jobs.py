"""The release job: a new numbered open-data release once publications settle, never on a citizen's request.

publico's cron runs it every minute; it builds only when the publication generation moved since it last looked
and no publish or withdrawal happened for ``QUIET_SECONDS`` (a burst of 8,000 publications makes one release,
not 8,000). A generation that changed nothing the files show (a consent that hides nothing) builds nothing.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from services.common import contracts, media
from services.common.instituto import Instituto

from . import datos
from .settings import datos_settings

log = logging.getLogger(__name__)

QUIET_SECONDS = 120
FOLDER = "datos"

LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtextextended('publico.datos', 0))"
STATE_SQL = """
SELECT p.generacion, p.updated_at <= now() - make_interval(secs => $1) AS quieta, c.generacion AS vista
FROM publico.publicacion p, publico.datos_control c
"""
SEEN_SQL = "UPDATE publico.datos_control SET generacion = $1"
# The circunscripción and the cargo's ámbito come from the registry (reference data), not the read model.
ROWS_SQL = """
SELECT p.id, p.cargo, p.cargo_nombre, p.postulante, p.postulante_nombre, p.postulante_tipo, p.distrito,
       p.municipio, p.municipio_nombre, p.numero, p.tipo, p.sexo, p.edad, p.nombre_completo, p.curricular,
       p.declarado_at, p.revisado_at, p.identidad, p.identidad_publica, p.accion_afirmativa,
       r.circunscripcion, g.ambito AS cargo_ambito
FROM publico.candidaturas p
LEFT JOIN registro.candidaturas r ON r.id = p.id
LEFT JOIN registro.cargos g ON g.clave = p.cargo
WHERE p.curricular IS NOT NULL
ORDER BY p.cargo_orden, coalesce(p.distrito, 0), coalesce(p.municipio, 0), p.numero, p.primer_apellido, p.id
"""
# Every municipio key of a state starts with the state's INEGI key (16053: state 16).
ENTIDAD_SQL = "SELECT lpad((min(clave) / 1000)::text, 2, '0') FROM registro.municipios"
LAST_SQL = "SELECT numero, huellas FROM publico.datos_publicaciones ORDER BY numero DESC LIMIT 1"
INSERT_RELEASE_SQL = """
INSERT INTO publico.datos_publicaciones (numero, created_at, generacion, total, cambios, huellas)
VALUES ($1, $2, $3, $4, $5, $6)
"""
# Releases whose files go: more than ``conservar`` newer ones exist. Marked first, deleted after the commit.
PRUNE_SQL = """
UPDATE publico.datos_publicaciones SET archivos_borrados_at = now()
WHERE archivos_borrados_at IS NULL
  AND numero <= (SELECT max(numero) FROM publico.datos_publicaciones) - $1
RETURNING numero
"""
INSERT_FILE_SQL = "INSERT INTO publico.datos_archivos (numero, nombre, tipo, bytes, sha256) VALUES ($1, $2, $3, $4, $5)"


def folder(media_dir: Path, numero: int) -> Path:
    return media_dir / media.PUBLICO / FOLDER / str(numero)


def _write(target: Path, files: dict[str, bytes]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        media.write_atomic(target / name, data)


def _remove(targets: list[Path]) -> None:
    for target in targets:
        shutil.rmtree(target, ignore_errors=True)


async def prune_releases(ctx: dict[str, Any]) -> list[int]:
    """Delete the files of the releases older than the last ``datos_conservar``; their rows stay listed."""
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        await conn.execute(LOCK_SQL)
        numeros = [r["numero"] for r in await conn.fetch(PRUNE_SQL, datos_settings().datos_conservar)]
    # After the commit: a rolled-back mark never loses files (a failed delete only leaves files nobody links to).
    media_dir = ctx["settings"].media_dir
    await asyncio.to_thread(_remove, [folder(media_dir, n) for n in numeros])
    if numeros:
        log.info("datos abiertos: archivos borrados de las publicaciones %s", numeros)
    return numeros


async def build_release(ctx: dict[str, Any], job: contracts.BuildRelease) -> int | None:
    """The number of the release built, or None when there was nothing new (or publications have not settled)."""
    numero = await _build(ctx, job)
    await prune_releases(ctx)
    return numero


async def _build(ctx: dict[str, Any], job: contracts.BuildRelease) -> int | None:
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
