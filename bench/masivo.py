"""A national-scale read model, fast: N published candidacies written straight into ``publico.candidaturas`` (COPY).

The real publication path (bench/seed.py, the outbox, ``publico.publish``) is measured on 8,000; what the
100,000-row figures measure is reading, so the rows are made here as the publish job leaves them — catalog names,
the search text, the public groups, realistic questionnaires — without going through the job queue. The rows take
ids far above the registry's (they have no registry row) and the generation is bumped once, as a batch would.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import orjson
from redis.asyncio import Redis

from launcher.demo_publicado import HOMBRES, MUJERES
from services.publico.busqueda import search_text
from services.publico.cache import ADVANCE_GENERATION_LUA, GENERATION_KEY
from services.publico.sql import BUMP_GENERATION_SQL

from .seed import APELLIDOS, NO_BINARIES, curricular

# Far above any registry id, so a seeded row never collides with a candidacy published through the real path.
FIRST_ID = 50_000_000
# Questionnaires are drawn from a pool: their text is realistic, and making 100,000 of them would take longer than
# the COPY itself.
CURRICULARES = 400
# The pool's command timeout is for requests; 100,000 rows and their indexes take longer on a busy machine.
COPY_TIMEOUT_S = 900
GRUPOS = ("Persona indígena", "Persona con discapacidad", "Persona de la diversidad sexual", "Persona migrante")
SOBRENOMBRES = ("La Güera", "El Profe", "Doña Lupita", "Chuy", "El Ingeniero", "La Maestra", "Toño", "Paco")
COLUMNS = (
    "id", "cargo", "cargo_nombre", "cargo_orden", "postulante", "postulante_nombre", "postulante_tipo", "distrito",
    "municipio", "municipio_nombre", "numero", "tipo", "sexo", "edad", "nombre_completo", "primer_apellido",
    "nombre_busqueda", "curricular", "envio_numero", "declarado_at", "revisado_at", "sobrenombre", "grupos_publicos",
    "identidad", "identidad_publica", "accion_afirmativa",
)  # fmt: skip
CARGOS_SQL = "SELECT clave, nombre, orden, ambito FROM registro.cargos ORDER BY orden"
POSTULANTES_SQL = "SELECT siglas, nombre, tipo FROM registro.postulantes ORDER BY id"
DISTRITOS_SQL = "SELECT numero FROM registro.distritos ORDER BY numero"
MUNICIPIOS_SQL = "SELECT clave, nombre FROM registro.municipios WHERE elige_ayuntamiento ORDER BY clave"
NEXT_ID_SQL = "SELECT greatest(coalesce(max(id), 0) + 1, $1) FROM publico.candidaturas"
# Binary COPY has no encoder for the pool's text-based jsonb codec: the questionnaires arrive as JSON text in a
# staging table, and one INSERT … SELECT casts them.
STAGING_SQL = """
CREATE TEMP TABLE masivo (LIKE publico.candidaturas INCLUDING DEFAULTS) ON COMMIT DROP;
ALTER TABLE masivo DROP COLUMN trigramas;
ALTER TABLE masivo ALTER COLUMN curricular TYPE text, ALTER COLUMN identidad TYPE text
"""
STAGING_OLD_SQL = """
CREATE TEMP TABLE masivo (LIKE publico.candidaturas INCLUDING DEFAULTS) ON COMMIT DROP;
ALTER TABLE masivo ALTER COLUMN curricular TYPE text, ALTER COLUMN identidad TYPE text
"""
HAS_TRIGRAMAS_SQL = """
SELECT EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_schema = 'publico' AND table_name = 'candidaturas' AND column_name = 'trigramas')
"""
INSERT_SQL = """
INSERT INTO publico.candidaturas ({columns})
SELECT {casts} FROM masivo
"""


def _ambito(rng: random.Random, ambito: str, distritos: list[int], municipios: list[tuple[int, str]]) -> Any:
    if ambito == "distrito":
        return rng.choice(distritos), None, None
    if ambito == "municipio":
        clave, nombre = rng.choice(municipios)
        return None, clave, nombre
    return None, None, None


async def seed_published(pool: asyncpg.Pool, n: int, redis: Redis | None = None, seed: int = 2025) -> list[int]:
    """Write ``n`` published candidacies with COPY, bump the generation once (and Redis's, if given); their ids."""
    rng = random.Random(seed)
    async with pool.acquire() as conn:
        cargos = await conn.fetch(CARGOS_SQL)
        postulantes = await conn.fetch(POSTULANTES_SQL)
        distritos = [r["numero"] for r in await conn.fetch(DISTRITOS_SQL)]
        municipios = [(r["clave"], r["nombre"]) for r in await conn.fetch(MUNICIPIOS_SQL)]
        first = int(await conn.fetchval(NEXT_ID_SQL, FIRST_ID))
    if not (cargos and postulantes and distritos and municipios):
        raise RuntimeError("the registry's catalogs are empty: the bench needs the demo data (SystemConfig.demo)")
    cuestionarios = [orjson.dumps(curricular(rng, rng.choice(MUJERES))).decode() for _ in range(CURRICULARES)]
    now = datetime.now(UTC)
    records = []
    for i in range(n):
        cargo = rng.choice(cargos)
        siglas, postulante_nombre, postulante_tipo = rng.choice(postulantes)
        distrito, municipio, municipio_nombre = _ambito(rng, cargo["ambito"], distritos, municipios)
        sexo = rng.choices(("mujer", "hombre", "no_binario"), weights=(50, 49, 1))[0]
        nombres = MUJERES if sexo == "mujer" else HOMBRES if sexo == "hombre" else NO_BINARIES
        nombre, primero, segundo = rng.choice(nombres), rng.choice(APELLIDOS), rng.choice(APELLIDOS)
        sobrenombre = rng.choice(SOBRENOMBRES) if rng.random() < 0.05 else None
        grupos = [rng.choice(GRUPOS)] if rng.random() < 0.08 else []
        declarado = now - timedelta(days=rng.randint(2, 20), minutes=rng.randint(0, 1440))
        records.append(
            (
                first + i,
                cargo["clave"],
                cargo["nombre"],
                cargo["orden"],
                siglas,
                postulante_nombre,
                postulante_tipo,
                distrito,
                municipio,
                municipio_nombre,
                rng.randint(1, 12),
                "propietaria" if i % 2 == 0 else "suplente",
                sexo,
                rng.randint(21, 75),
                f"{nombre} {primero} {segundo}",
                primero,
                search_text(nombre, primero, segundo, sobrenombre),
                cuestionarios[i % CURRICULARES],
                1,
                declarado,
                declarado + timedelta(days=1),
                sobrenombre,
                grupos,
                orjson.dumps({"grupos": grupos, "respuestas": {}}).decode() if grupos else None,
                bool(grupos),
                None,
            )
        )
    async with pool.acquire() as conn:
        async with conn.transaction():
            # (Before migration 0051 there is no generated trigramas column to leave out: bench.planes compares.)
            await conn.execute(STAGING_SQL if await conn.fetchval(HAS_TRIGRAMAS_SQL) else STAGING_OLD_SQL)
            await conn.copy_records_to_table("masivo", records=records, columns=COLUMNS, timeout=COPY_TIMEOUT_S)
            casts = ", ".join(f"{c}::jsonb" if c in ("curricular", "identidad") else c for c in COLUMNS)
            await conn.execute(INSERT_SQL.format(columns=", ".join(COLUMNS), casts=casts), timeout=COPY_TIMEOUT_S)
            generation = await conn.fetchval(BUMP_GENERATION_SQL)
        # Fresh statistics, so the planner sees the new table's size before the first uncached page.
        await conn.execute("VACUUM ANALYZE publico.candidaturas", timeout=COPY_TIMEOUT_S)
    if redis is not None:
        await redis.eval(ADVANCE_GENERATION_LUA, 1, GENERATION_KEY, str(generation))  # type: ignore[misc]
    return [first + i for i in range(n)]
