"""A national-scale read model, fast: N published candidacies COPYed straight into ``publico.candidaturas``.

Publishing 100,000 candidacies through ``publico.publish`` takes minutes, and the registry cannot even hold
them (a position has one live registration, and one state's catalogs give a few thousand). The scenarios
that measure what the public site and the open data do *with* many rows (lists, the release) need only the
rows, as publico stores them after a publish: the denormalized registration (cargo, postulante, geography
and their names from registro's catalogs), the questionnaire in its stored shape and of realistic length
(bench/seed.py's rubros; about one rubro in ten empty), the provenance of every rubro, the search columns
``busqueda.refresh`` writes (nickname, accent-free search text, public groups), some published identities
with consent, and one generation bump for the whole batch.

The ids start at ``FIRST_ID`` (or above the highest already there), far above registro's serial, so a later
publication through the real path never collides with them; their LEFT JOIN to registro (the release's
circunscripción) finds nothing, as for a row whose registration the registry no longer lists.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import orjson
from redis.asyncio import Redis

from launcher.demo_publicado import HOMBRES, MUJERES
from services.common.identidad import GRUPOS_ACCION_AFIRMATIVA, grupos_publicables
from services.publico.busqueda import search_text
from services.publico.cache import ADVANCE_GENERATION_LUA, GENERATION_KEY

from .seed import APELLIDOS, NO_BINARIES, curricular

FIRST_ID = 1_000_000_000
BATCH = 5_000
# A batch on a busy 2-core machine can outlast the pool's 30 s command timeout.
COPY_TIMEOUT_S = 600.0
# How many distinct questionnaires are generated; a row takes each rubro from one of them at random and gets
# its own contact data, so a 100,000-row seed costs the generation of a few hundred texts, not of 100,000.
CUESTIONARIOS = 400
SOBRENOMBRES = ("La Güera", "El Profe", "Chava", "Lupita", "Don Beto", "La Maestra", "Pepe", "Tere")
GRUPOS_IDENTIDAD = tuple(GRUPOS_ACCION_AFIRMATIVA.values())

COLUMNS = (
    "id", "cargo", "cargo_nombre", "cargo_orden", "postulante", "postulante_nombre", "distrito", "municipio",
    "municipio_nombre", "numero", "tipo", "sexo", "edad", "nombre_completo", "primer_apellido", "nombre_busqueda",
    "curricular", "envio_numero", "declarado_at", "revisado_at", "published_at", "foto", "accion_afirmativa",
    "postulante_tipo", "identidad", "identidad_envio", "identidad_publica", "identidad_estadistica",
    "consentimientos_seq", "sobrenombre", "grupos_publicos", "procedencia",
)  # fmt: skip
CATALOGS_SQL = {
    "cargos": "SELECT clave, nombre, ambito, orden FROM registro.cargos ORDER BY orden, clave",
    "distritos": "SELECT numero FROM registro.distritos ORDER BY numero",
    "municipios": "SELECT clave, nombre FROM registro.municipios WHERE elige_ayuntamiento ORDER BY clave",
    "postulantes": "SELECT id, siglas, nombre, tipo FROM registro.postulantes ORDER BY id",
}
NEXT_ID_SQL = "SELECT greatest($1::bigint, coalesce(max(id), 0) + 1) FROM publico.candidaturas"
BUMP_SQL = "UPDATE publico.publicacion SET generacion = generacion + 1, updated_at = now() RETURNING generacion"


@dataclass(frozen=True)
class Masivo:
    first_id: int
    last_id: int
    generacion: int  # publico.publicacion.generacion after the seed: the caller sets Redis's copy to it

    @property
    def count(self) -> int:
        return self.last_id - self.first_id + 1


def _posiciones(rng: random.Random, cat: dict[str, list[Any]]) -> Iterator[tuple[Any, int | None, Any, Any]]:
    """Endless (cargo, distrito, municipio, postulante) ballots in the catalogs' proportions: every cargo of
    ámbito distrito in every distrito, estado once, municipio in every municipio, for a sample of postulantes."""
    while True:
        for cargo in cat["cargos"]:
            if cargo["ambito"] == "distrito":
                places: list[tuple[int | None, Any]] = [(d["numero"], None) for d in cat["distritos"]]
            elif cargo["ambito"] == "municipio":
                places = [(None, m) for m in cat["municipios"]]
            else:
                places = [(None, None)]
            for distrito, municipio in places:
                for postulante in rng.sample(cat["postulantes"], min(len(cat["postulantes"]), rng.randint(4, 8))):
                    yield cargo, distrito, municipio, postulante


def _fechas(declarado: datetime, revisado: datetime, rubros: list[str]) -> dict[str, dict[str, str]]:
    whole = {"declarado_at": declarado.isoformat(), "revisado_at": revisado.isoformat()}
    return {rubro: whole for rubro in rubros}


def _rows(rng: random.Random, cat: dict[str, list[Any]], first_id: int, n: int) -> Iterator[tuple[Any, ...]]:
    pool = [curricular(rng, f"persona{i}") for i in range(CUESTIONARIOS)]
    rubros = list(pool[0])
    busqueda = functools.lru_cache(maxsize=None)(search_text)  # names repeat: normalize each once
    posiciones = _posiciones(rng, cat)
    now = datetime.now(UTC)
    numeros: dict[tuple[Any, ...], int] = {}
    candidatura_id = first_id
    while candidatura_id < first_id + n:
        cargo, distrito, municipio, postulante = next(posiciones)
        # Lists and planillas hold several positions; a distrito one fórmula.
        slots = 1 if cargo["ambito"] == "distrito" else rng.randint(1, 6 if cargo["ambito"] == "municipio" else 12)
        for _ in range(slots):
            key = (cargo["clave"], distrito, municipio and municipio["clave"], postulante["id"])
            numero = numeros[key] = numeros.get(key, 0) + 1
            sexo = rng.choices(("mujer", "hombre", "no_binario"), weights=(50, 49, 1))[0]
            names = MUJERES if sexo == "mujer" else HOMBRES if sexo == "hombre" else NO_BINARIES
            for tipo in ("propietaria", "suplente"):
                if candidatura_id >= first_id + n:
                    return
                nombre, primero, segundo = rng.choice(names), rng.choice(APELLIDOS), rng.choice(APELLIDOS)
                sobrenombre = rng.choice(SOBRENOMBRES) if rng.random() < 0.05 else None
                handle = f"{nombre}{primero}{candidatura_id}".lower().replace(" ", "")
                # Each rubro from another questionnaire of the pool (400^5 combinations), shared, not copied: only
                # the contact data is the row's own.
                datos = {rubro: pool[int(rng.random() * len(pool))][rubro] for rubro in rubros}
                datos["contacto"] = dict(datos["contacto"])
                if datos["contacto"]["correo_publico"]:
                    datos["contacto"]["correo_publico"] = f"{handle}@correo.invalid"
                    datos["contacto"]["pagina_web"] = f"https://{handle}.example.org"
                declarado = now - timedelta(days=rng.randint(2, 20), minutes=rng.randint(0, 1440))
                revisado = declarado + timedelta(days=1)
                accion = rng.choice(list(GRUPOS_ACCION_AFIRMATIVA)) if rng.random() < 0.03 else None
                identidad = None
                publica = False
                if rng.random() < 0.3:
                    grupos = [rng.choice(GRUPOS_IDENTIDAD)] if rng.random() < 0.3 else []
                    identidad = {"grupos": grupos, "respuestas": {}, "revisado_at": revisado.isoformat()}
                    publica = rng.random() < 0.5
                yield (
                    candidatura_id,
                    cargo["clave"],
                    cargo["nombre"],
                    cargo["orden"],
                    postulante["siglas"],
                    postulante["nombre"],
                    distrito,
                    municipio and municipio["clave"],
                    municipio and municipio["nombre"],
                    numero,
                    tipo,
                    sexo,
                    rng.randint(21, 78),
                    f"{nombre} {primero} {segundo}",
                    primero,
                    busqueda(nombre, primero, segundo, sobrenombre),
                    datos,
                    1,
                    declarado,
                    revisado,
                    now,
                    None,
                    accion,
                    postulante["tipo"],
                    identidad,
                    1 if identidad else 0,
                    publica,
                    publica and rng.random() < 0.8,
                    0,
                    sobrenombre,
                    grupos_publicables(identidad, publica, accion),
                    _fechas(declarado, revisado, rubros),
                )
                candidatura_id += 1


def _jsonb(value: Any) -> bytes:
    return b"\x01" + orjson.dumps(value)


def _unjsonb(data: bytes) -> Any:
    return orjson.loads(data[1:])


async def seed_published(
    pool: asyncpg.Pool, n: int, seed: int = 2024, first_id: int = FIRST_ID, redis: Redis | None = None
) -> Masivo:
    """COPY ``n`` published candidacies into publico's read model and bump the generation once.

    ``pool`` must decode and encode jsonb as Python objects (``services.common.db.create_pool``). Returns the id
    range and the new generation; the caller sets Redis's ``publico:generacion`` to it (or lets publico find
    it), so no cached page from before the seed is served; with ``redis`` it is set here. The table is analyzed
    afterwards, as autovacuum would soon do, so the planner sees the rows the list runs are measured on.
    """
    rng = random.Random(seed)
    async with pool.acquire() as conn:
        cat = {name: list(await conn.fetch(sql)) for name, sql in CATALOGS_SQL.items()}
        if not (cat["cargos"] and cat["postulantes"]):
            raise RuntimeError("empty catalogs: seed_published needs the registry's reference data (demo data)")
        start = int(await conn.fetchval(NEXT_ID_SQL, first_id))
        rows = _rows(rng, cat, start, n)
        # COPY sends binary, and the pool's jsonb codec is a text one: jsonb's binary form is a version byte (1)
        # and the JSON text. Put back as the pool sets it afterwards, the connection returns to the pool unchanged.
        await conn.set_type_codec("jsonb", encoder=_jsonb, decoder=_unjsonb, schema="pg_catalog", format="binary")
        try:
            async with conn.transaction():
                while batch := [row for _, row in zip(range(BATCH), rows, strict=False)]:
                    await conn.copy_records_to_table(
                        "candidaturas", schema_name="publico", columns=COLUMNS, records=batch, timeout=COPY_TIMEOUT_S
                    )
                generacion = int(await conn.fetchval(BUMP_SQL))
        finally:
            await conn.set_type_codec(
                "jsonb", encoder=lambda v: orjson.dumps(v).decode(), decoder=orjson.loads, schema="pg_catalog"
            )
        await conn.execute("ANALYZE publico.candidaturas")
    if redis is not None:
        await redis.eval(ADVANCE_GENERATION_LUA, 1, GENERATION_KEY, str(generacion))  # type: ignore[misc]
    return Masivo(first_id=start, last_id=start + n - 1, generacion=generacion)
