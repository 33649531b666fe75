"""The release job: a new numbered open-data release once publications settle, never on a citizen's request.

publico's cron runs it every minute; it builds only when the publication generation moved since it last looked
and no publish or withdrawal happened for ``QUIET_SECONDS`` (a burst of 8,000 publications makes one release,
not 8,000). A generation that changed nothing the files show (a consent that hides nothing) builds nothing.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from services.common import contracts, media
from services.common.instituto import Instituto

from . import datos, datos_huellas
from .datos_escritura import EscritorRelease
from .settings import datos_settings

log = logging.getLogger(__name__)

QUIET_SECONDS = 120
FOLDER = "datos"

LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtextextended('publico.datos', 0))"
TRY_LOCK_SQL = "SELECT pg_try_advisory_xact_lock(hashtextextended('publico.datos', 0))"
# An asked-for build waits for the one running (a release of 100,000 takes a minute or more) beyond the pool's
# command timeout.
LOCK_WAIT_S = 900.0
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
LAST_SQL = "SELECT numero FROM publico.datos_publicaciones ORDER BY numero DESC LIMIT 1"
# Releases whose files go: more than ``conservar`` newer ones exist. Marked first, deleted after the commit.
PRUNE_SQL = """
UPDATE publico.datos_publicaciones SET archivos_borrados_at = now()
WHERE archivos_borrados_at IS NULL
  AND numero <= (SELECT max(numero) FROM publico.datos_publicaciones) - $1
RETURNING numero
"""
INSERT_FILE_SQL = "INSERT INTO publico.datos_archivos (numero, nombre, tipo, bytes, sha256) VALUES ($1, $2, $3, $4, $5)"


COUNT_SQL = "SELECT count(*) FROM publico.candidaturas WHERE curricular IS NOT NULL"
# Rows travel from PostgreSQL in chunks of this many (a cursor), so the worker never holds the whole table.
CHUNK_ROWS = 500
# A release is written here and renamed into datos/<numero> when complete (same folder: the rename is atomic).
STAGING_PREFIX = ".construyendo-"


def folder(media_dir: Path, numero: int) -> Path:
    return media_dir / media.PUBLICO / FOLDER / str(numero)


def _staging(media_dir: Path, numero: int) -> Path:
    return media_dir / media.PUBLICO / FOLDER / f"{STAGING_PREFIX}{numero}"


def _clear_staging(media_dir: Path) -> None:
    """What a build killed mid-way left (it never reached its rename, so nothing links to it)."""
    root = media_dir / media.PUBLICO / FOLDER
    if root.is_dir():
        for left in root.glob(f"{STAGING_PREFIX}*"):
            shutil.rmtree(left, ignore_errors=True)


def _move_into_place(staging: Path, target: Path) -> None:
    # A folder under this number exists only if a build renamed it and then failed to commit its row: nobody
    # links to it, and its files may be another build's, so it is replaced, not kept.
    if target.exists():
        shutil.rmtree(target)
    os.replace(staging, target)
    descriptor = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(descriptor)  # the rename itself reaches the disk before the row that lists the files commits
    finally:
        os.close(descriptor)


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
    media_dir: Path = ctx["settings"].media_dir
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        if not await conn.fetchval(TRY_LOCK_SQL):
            if not job.inmediata:
                return None  # a build is running; the cron looks again next minute
            await conn.execute(LOCK_SQL, timeout=LOCK_WAIT_S)
        state = await conn.fetchrow(STATE_SQL, QUIET_SECONDS)
        if state["generacion"] == state["vista"] or not (job.inmediata or state["quieta"]):
            return None
        await asyncio.to_thread(_clear_staging, media_dir)
        previa: int | None = await conn.fetchval(LAST_SQL)
        numero = (previa or 0) + 1
        fecha = datetime.now(UTC)
        staging = _staging(media_dir, numero)
        # The JSON's head says how many rows follow; its writer refuses to finish with another count (a publish
        # committed between this count and the cursor's snapshot: the next run builds again).
        total = await conn.fetchval(COUNT_SQL)
        escritor = await asyncio.to_thread(EscritorRelease, staging, numero, fecha, total, datos.NOMBRES)
        try:
            await datos_huellas.create(conn)
            await _stream_rows(conn, escritor)
            await conn.execute(SEEN_SQL, state["generacion"])
            if previa is not None and await datos_huellas.same(conn, previa):
                # Nothing the files show changed (the files were written while the rows were read, in one pass).
                await asyncio.to_thread(escritor.abort)
                await asyncio.to_thread(_remove, [staging])
                return None
            archivos = await asyncio.to_thread(escritor.close, datos.diccionario_csv())
        except BaseException:
            await asyncio.to_thread(escritor.abort)
            await asyncio.to_thread(_remove, [staging])
            raise
        # The files are in place before the row that lists them commits; a failed commit leaves a folder nobody
        # links to, which the next build under the same number replaces.
        await asyncio.to_thread(_move_into_place, staging, folder(media_dir, numero))
        # The changes against the previous release and the new hashes are computed and stored by PostgreSQL.
        total = await datos_huellas.insert_release(conn, previa, numero, fecha, state["generacion"])
        for name, archivo in archivos.items():
            await conn.execute(INSERT_FILE_SQL, numero, name, datos.ARCHIVOS[name], archivo.bytes, archivo.sha256)
    log.info("publicación de datos abiertos %s: %s candidaturas", numero, total)
    return numero


async def _stream_rows(conn: asyncpg.Connection, escritor: EscritorRelease) -> None:
    """Read the published rows with a cursor, hand each chunk to the files and its rows' content hashes to
    ``datos_huellas`` (a chunk at a time: the worker never holds every row's hash)."""
    cve_entidad = await conn.fetchval(ENTIDAD_SQL)
    entidad = Instituto().entidad
    cursor = await conn.cursor(ROWS_SQL)
    while rows := await cursor.fetch(CHUNK_ROWS):
        filas = [datos.fila(r, entidad, cve_entidad) for r in rows]
        await datos_huellas.add(conn, [(int(f["ID_CANDIDATURA"]), datos.huella(f)) for f in filas])
        await asyncio.to_thread(escritor.add, filas)
