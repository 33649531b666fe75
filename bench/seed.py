"""8,000 candidacies in the registry, then published through the real path: ``publico.publish`` via the outbox.

The mix follows a Michoacán local process: diputaciones de mayoría relativa (every distrito, every party),
representación proporcional lists, and ayuntamientos (presidencia, sindicatura, regidurías) in every
municipio that elects them by party ballot, each fórmula a propietaria and a suplente. Questionnaires are
of realistic length, and about one rubro in ten is left empty.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from launcher.demo_publicado import HOMBRES, MUJERES
from services.common import contracts
from services.common import curp as curps_module
from services.common.curricular import ESTATUS_ESTUDIOS, GRADOS
from services.validacion.publication import publish_jobs

NO_BINARIES = ("Alex", "Cruz", "Guadalupe", "Itzae", "René", "Sol")
APELLIDOS = (
    "Hernández", "García", "Martínez", "López", "González", "Rodríguez", "Pérez", "Sánchez", "Ramírez", "Cruz",
    "Flores", "Gómez", "Morales", "Vázquez", "Jiménez", "Reyes", "Díaz", "Torres", "Gutiérrez", "Ruiz",
    "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo", "Romero", "Álvarez", "Méndez", "Chávez", "Rivera",
    "Zavala", "Villaseñor", "Tzintzun", "Cuiriz", "Magaña", "Ochoa", "Gaona", "Tapia", "Medina", "Ayala",
    "Campos", "Soto", "Núñez", "Pátzcuaro", "Huerta", "Equihua", "Bautista", "Cortés", "Guzmán", "Salgado",
)  # fmt: skip
PALABRAS = (
    "comunidad", "municipio", "desarrollo", "educación", "salud", "agua", "seguridad", "transparencia",
    "participación", "ciudadana", "mujeres", "jóvenes", "pueblos", "originarios", "purépecha", "campo",
    "aguacate", "empleo", "cultura", "deporte", "movilidad", "medio", "ambiente", "bosques", "lago", "Pátzcuaro",
    "presupuesto", "rendición", "cuentas", "servicio", "público", "derechos", "humanos", "igualdad", "género",
    "programa", "social", "escuelas", "caminos", "rurales", "migrantes", "familias", "trabajo", "gestión",
    "consejo", "vecinal", "cooperativa", "productores", "universidad", "Michoacana", "licenciatura", "docente",
    "regidora", "síndico", "coordinación", "proyecto", "asociación", "civil", "voluntariado", "años", "de", "la",
    "el", "en", "para", "con", "y", "los", "las", "del", "por", "una", "un", "que", "se", "su", "al",
)  # fmt: skip
CARRERAS = ("Derecho", "Contaduría", "Medicina", "Agronomía", "Administración", "Pedagogía", "Ingeniería civil")

INSERT_SQL = """
INSERT INTO registro.candidaturas (proceso_id, cargo, distrito, municipio, postulante_id, numero, tipo, nombre,
    primer_apellido, segundo_apellido, sexo, fecha_nacimiento, curp, correo)
SELECT $1, * FROM unnest($2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::text[], $8::text[],
    $9::text[], $10::text[], $11::text[], $12::date[], $13::text[], $14::text[])
RETURNING id, curp
"""
PAIR_SQL = """
UPDATE registro.candidaturas c SET pareja_id = v.pareja
FROM unnest($1::int[], $2::int[]) AS v(id, pareja) WHERE c.id = v.id
"""


@dataclass(frozen=True)
class Formula:
    cargo: str
    distrito: int | None
    municipio: int | None
    postulante_id: int
    numero: int


@dataclass
class Seeded:
    ids: list[int]
    municipios: list[int]  # every municipio that elects its ayuntamiento by party ballot
    surnames: list[str]
    postulantes: list[str]
    sample_profile: int


def _text(rng: random.Random, low: int, high: int) -> str:
    target = rng.randint(low, high)
    words: list[str] = []
    size = 0
    while size < target:
        word = rng.choice(PALABRAS)
        words.append(word)
        size += len(word) + 1
    sentence = " ".join(words)
    return sentence[0].upper() + sentence[1:] + "."


def curricular(rng: random.Random, nombre: str) -> dict[str, dict[str, str]]:
    """The five rubros with realistic lengths; about one rubro in ten is left empty."""
    handle = nombre.lower().replace(" ", "")
    datos = {
        "contacto": {
            "direccion_casa_campana": f"Av. Madero {rng.randint(1, 2000)}, Centro",
            "telefono_publico": f"443 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            "correo_publico": f"{handle}@correo.invalid",
            "pagina_web": f"https://{handle}.example.org",
            "facebook": f"https://facebook.com/{handle}",
            "x": f"https://x.com/{handle}" if rng.random() < 0.5 else "",
            "youtube": "",
            "instagram": f"https://instagram.com/{handle}" if rng.random() < 0.4 else "",
            "tiktok": "",
        },
        "formacion": {
            "grado_maximo": rng.choice(GRADOS[3:]),
            "estatus": rng.choice(ESTATUS_ESTUDIOS),
            "cursos": "\n".join(f"Diplomado en {rng.choice(CARRERAS)}" for _ in range(rng.randint(0, 4))),
        },
        "profesional": {"historia_profesional": _text(rng, 300, 1500)},
        "trayectoria": {
            "trayectoria_politica": _text(rng, 200, 1200),
            "motivo_cargo_publico": _text(rng, 150, 800),
        },
        "propuestas": {
            "propuesta_1": _text(rng, 150, 700),
            "propuesta_2": _text(rng, 150, 700),
            "propuesta_genero": _text(rng, 100, 600),
        },
    }
    for rubro in list(datos):
        if rng.random() < 0.1:
            datos[rubro] = {field: "" for field in datos[rubro]}
    return datos


async def _catalogs(conn: asyncpg.Connection) -> dict[str, Any]:
    proceso = await conn.fetchval("SELECT id FROM registro.procesos WHERE activo ORDER BY id LIMIT 1")
    if proceso is None:
        raise RuntimeError("no active proceso: the bench needs the demo data (SystemConfig.demo)")
    return {
        "proceso": proceso,
        "cargos": {r["clave"]: r["ambito"] for r in await conn.fetch("SELECT clave, ambito FROM registro.cargos")},
        "distritos": [r["numero"] for r in await conn.fetch("SELECT numero FROM registro.distritos ORDER BY 1")],
        "municipios": [
            (r["clave"], r["poblacion"] or 0)
            for r in await conn.fetch(
                "SELECT clave, poblacion FROM registro.municipios WHERE elige_ayuntamiento ORDER BY clave"
            )
        ],
        "ocupadas": {
            tuple(r)
            for r in await conn.fetch(
                "SELECT cargo, distrito, municipio, postulante_id, numero FROM registro.candidaturas "
                "WHERE estatus = 'registrada'"
            )
        },
        "partidos": [
            (r["id"], r["siglas"])
            for r in await conn.fetch("SELECT id, siglas FROM registro.postulantes WHERE tipo = 'partido' ORDER BY id")
        ],
    }


def formulas(rng: random.Random, cat: dict[str, Any], count: int) -> list[Formula]:
    """``count`` fórmulas: every diputación first, then a shuffled sample of the ayuntamientos' planillas."""
    partidos = [p for p, _ in cat["partidos"]]
    result = [Formula("DIP_MR", d, None, p, 1) for d in cat["distritos"] for p in partidos]
    result += [Formula("DIP_RP", None, None, p, n) for p in partidos for n in range(1, 13)]
    local: list[Formula] = []
    for municipio, poblacion in cat["municipios"]:
        regidurias = 4 if poblacion < 50_000 else 6 if poblacion < 200_000 else 8
        for p in rng.sample(partidos, rng.randint(4, min(8, len(partidos)))):
            local.append(Formula("PRES_MUN", None, municipio, p, 1))
            local.append(Formula("SIND", None, municipio, p, 1))
            local += [Formula("REG_MR", None, municipio, p, n) for n in range(1, regidurias + 1)]
            local += [Formula("REG_RP", None, municipio, p, n) for n in range(1, 3)]
    rng.shuffle(local)
    result += local
    # The demo data holds some of these positions, and a position has one live registration.
    result = [f for f in result if (f.cargo, f.distrito, f.municipio, f.postulante_id, f.numero) not in cat["ocupadas"]]
    if len(result) < count:
        raise RuntimeError(f"the catalogs give only {len(result)} fórmulas; {count} needed")
    return result[:count]


def _birth(rng: random.Random) -> date:
    return date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 52))


async def seed_registry(conn: asyncpg.Connection, total: int, seed: int = 2024) -> Seeded:
    """Insert ``total`` candidacies (propietaria and suplente of ``total // 2`` fórmulas) in one transaction."""
    rng = random.Random(seed)
    cat = await _catalogs(conn)
    columns: list[list[Any]] = [[] for _ in range(13)]
    pairs: list[tuple[str, str]] = []
    used: set[str] = set()
    for f in formulas(rng, cat, (total + 1) // 2):
        sexo = rng.choices(("mujer", "hombre", "no_binario"), weights=(50, 49, 1))[0]
        curps = []
        for tipo in ("propietaria", "suplente"):
            if len(columns[0]) == total:
                break
            names = MUJERES if sexo == "mujer" else HOMBRES if sexo == "hombre" else NO_BINARIES
            nacimiento = _birth(rng)
            while (curp := curps_module.ficticia(sexo, nacimiento, rng)) in used:
                pass
            used.add(curp)
            row = (
                f.cargo,
                f.distrito,
                f.municipio,
                f.postulante_id,
                f.numero,
                tipo,
                rng.choice(names),
                rng.choice(APELLIDOS),
                rng.choice(APELLIDOS),
                sexo,
                nacimiento,
                curp,
                f"{curp.lower()}@correo.invalid",
            )
            for column, value in zip(columns, row, strict=True):
                column.append(value)
            curps.append(curp)
        if len(curps) == 2:
            pairs.append((curps[0], curps[1]))
    async with conn.transaction():
        rows = await conn.fetch(INSERT_SQL, cat["proceso"], *columns)
        by_curp = {r["curp"]: r["id"] for r in rows}
        left = [by_curp[a] for a, b in pairs] + [by_curp[b] for a, b in pairs]
        right = [by_curp[b] for a, b in pairs] + [by_curp[a] for a, b in pairs]
        await conn.execute(PAIR_SQL, left, right)
    ids = [r["id"] for r in rows]
    return Seeded(
        ids=ids,
        municipios=[m for m, _ in cat["municipios"]],
        surnames=list(APELLIDOS),
        postulantes=[s for _, s in cat["partidos"]],
        sample_profile=ids[len(ids) // 2],
    )


async def enqueue_publications(conn: asyncpg.Connection, ids: list[int], seed: int = 2024) -> int:
    """What validacion sends for a bulk publication of ``ids`` (``publication.publish_jobs``: lotes of
    ``publico.publish_lote``), in one transaction; how many outbox jobs that is."""
    rng = random.Random(seed + 1)
    names = {
        r["id"]: r["nombre"]
        for r in await conn.fetch(
            "SELECT id, concat_ws(' ', nombre, primer_apellido) AS nombre FROM registro.candidaturas "
            "WHERE id = ANY($1::int[])",
            ids,
        )
    }
    now = datetime.now(UTC)
    publicaciones = []
    for candidatura_id in ids:
        declarado = now - timedelta(days=rng.randint(2, 20), minutes=rng.randint(0, 1440))
        publicaciones.append(
            contracts.Publish(
                candidatura_id=candidatura_id,
                cuestionario="curricular",
                numero=1,
                version=contracts.Version.from_stored(curricular(rng, names[candidatura_id])),
                declarado_at=declarado,
                revisado_at=declarado + timedelta(days=1),
            )
        )
    jobs = publish_jobs(publicaciones)
    async with conn.transaction():
        for job in jobs:
            await contracts.send(conn, job)
    return len(jobs)
