"""Seeds the default question set of the cuestionario de identidad (docs/design.md §4) for every process without one.

Idempotent, run at every start after the catalogs and the demo data (launcher/system.py). A seeded version is
never changed here: candidacies may have answered it; a new wording is a new version row.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from services.common.identidad import PREFIERO, PREFIERO_TEXTO


@dataclass(frozen=True)
class P:
    """One question of the seed: options as (clave, texto[, padre[, especificar]])."""

    clave: str
    texto: str
    tipo: str
    opciones: tuple[tuple[str, ...], ...] = ()
    si: tuple[str, tuple[str, ...]] | None = None  # skip rule: applies only if question answered with options
    ayuda: str = ""


SI_NO = (("si", "Sí"), ("no", "No"))
SI = ("si",)

# (clave, título, grupo público, pregunta que marca el grupo, preguntas)
DIMENSIONES: tuple[tuple[str, str, str | None, str | None, tuple[P, ...]], ...] = (
    (
        "indigena",
        "Persona indígena",
        "Persona indígena",
        "indigena",
        (
            P(
                "indigena",
                "¿Se identifica como una persona indígena o como parte de algún pueblo o comunidad indígena?",
                "una",
                SI_NO,
            ),
            P(
                "indigena_pueblo",
                "¿A qué pueblo o comunidad indígena pertenece?",
                "una",
                (
                    ("purepecha", "P'urhépecha"),
                    ("nahua", "Nahua"),
                    ("mazahua", "Mazahua (Jñatjo)"),
                    ("otomi", "Otomí (Hñähñu)"),
                    ("matlatzinca", "Matlatzinca (Pirinda)"),
                    ("otro", "Otro", "", "especificar"),
                ),
                si=("indigena", SI),
            ),
            P("indigena_lengua_habla", "¿Habla y/o entiende alguna lengua indígena nacional?", "una", SI_NO),
            P(
                "indigena_lengua",
                "¿Qué lengua o lenguas indígenas habla y/o entiende?",
                "varias",
                (
                    ("purepecha", "P'urhépecha"),
                    ("nahuatl", "Náhuatl"),
                    ("mazahua", "Mazahua"),
                    ("otomi", "Otomí"),
                    ("matlatzinca", "Matlatzinca"),
                    ("otra", "Otra", "", "especificar"),
                ),
                si=("indigena_lengua_habla", SI),
                ayuda="Puedes marcar varias.",
            ),
        ),
    ),
    (
        "discapacidad",
        "Persona con discapacidad",
        "Persona con discapacidad",
        "discapacidad",
        (
            P("discapacidad", "¿Tiene alguna discapacidad?", "una", SI_NO),
            P(
                "discapacidad_temporalidad",
                "Su discapacidad es",
                "una",
                (("permanente", "Permanente"), ("temporal", "Temporal")),
                si=("discapacidad", SI),
            ),
            P(
                "discapacidad_tipo",
                "El tipo de discapacidad con el que vive es",
                "varias",
                (
                    ("fisica", "Física"),
                    ("sensorial", "Sensorial"),
                    ("visual", "Visual", "sensorial"),
                    ("auditiva", "Auditiva", "sensorial"),
                    ("habla", "Del habla o la comunicación", "sensorial"),
                    ("mental", "Mental"),
                    ("intelectual", "Intelectual"),
                    ("otra", "Otra", "", "especificar"),
                ),
                si=("discapacidad", SI),
                ayuda="Puedes marcar varias.",
            ),
            P(
                "discapacidad_limitacion",
                "Su discapacidad le dificulta o impide",
                "varias",
                (
                    ("caminar", "Caminar, subir y bajar escaleras con sus piernas"),
                    ("brazos", "Mover o usar brazos y/o manos"),
                    ("ver", "Ver (aunque use lentes)"),
                    ("hablar", "Hablar o comunicarse"),
                    ("aprender", "Aprender, recordar y/o concentrarse"),
                    ("interactuar", "Interactuar emocional y/o intelectualmente en un entorno social"),
                    ("otra", "Otra", "", "especificar"),
                ),
                si=("discapacidad", SI),
                ayuda="Puedes marcar varias.",
            ),
        ),
    ),
    (
        "afromexicana",
        "Persona afromexicana",
        "Persona afromexicana o afrodescendiente",
        "afromexicana",
        (
            P(
                "afromexicana",
                "¿Se considera una persona afromexicana o que forma parte de alguna comunidad afrodescendiente?",
                "una",
                SI_NO,
            ),
        ),
    ),
    (
        "diversidad_sexual",
        "Diversidad sexual",
        "Persona de la diversidad sexual (LGBTTTIQ+)",
        "diversidad_sexual",
        (
            P(
                "diversidad_sexual",
                "¿Es usted una persona de la población LGBTTTIQ+ (lesbiana, gay, bisexual, transgénero, travesti, "
                "transexual, intersexual, queer u otra)?",
                "una",
                SI_NO,
            ),
            P(
                "diversidad_identidad",
                "Usted se identifica como",
                "una",
                (
                    ("gay", "Hombre gay"),
                    ("lesbiana", "Mujer lesbiana"),
                    ("bisexual", "Persona bisexual"),
                    ("mujer_trans", "Mujer trans"),
                    ("hombre_trans", "Hombre trans"),
                    ("intersexual", "Persona intersexual"),
                    ("queer", "Persona queer o de género no binario"),
                    ("otra", "Otra", "", "especificar"),
                ),
                si=("diversidad_sexual", SI),
            ),
        ),
    ),
    (
        "migrante",
        "Persona migrante",
        "Persona migrante",
        "migrante",
        (
            P("migrante", "¿Es usted una persona migrante?", "una", SI_NO),
            P("migrante_pais", "¿En qué país reside?", "texto", si=("migrante", SI)),
            P(
                "migrante_tiempo",
                "¿Cuánto tiempo ha vivido en el extranjero?",
                "una",
                (("0_5", "De 0 a 5 años"), ("6_15", "De 6 a 15 años"), ("mas_15", "Más de 15 años")),
                si=("migrante", SI),
            ),
            P(
                "migrante_motivo",
                "¿Cuál fue el motivo de la residencia en el extranjero?",
                "una",
                (("familiar", "Familiar"), ("estudio", "Estudio"), ("trabajo", "Trabajo"), ("otro", "Otro", "", "e")),
                si=("migrante", SI),
            ),
        ),
    ),
    (
        "joven",
        "Persona joven",
        "Persona joven",
        "joven",
        (P("joven", "¿Se considera una persona joven (de 18 a 29 años)?", "una", SI_NO),),
    ),
    (
        "persona_mayor",
        "Persona mayor",
        "Persona mayor",
        "persona_mayor",
        (P("persona_mayor", "¿Se considera una persona mayor (de 60 años o más)?", "una", SI_NO),),
    ),
    (
        "ingreso",
        "Ingreso mensual",
        None,
        None,
        (
            P(
                "ingreso_mensual",
                "¿En qué rango está su ingreso mensual?",
                "una",
                (
                    ("hasta_11000", "Menos de $11,000"),
                    ("11001_25000", "De $11,001 a $25,000"),
                    ("25001_50000", "De $25,001 a $50,000"),
                    ("50001_75000", "De $50,001 a $75,000"),
                    ("75001_112000", "De $75,001 a $112,000"),
                    ("mas_112000", "Más de $112,000"),
                ),
            ),
        ),
    ),
)

PROCESOS_SIN_CONJUNTO_SQL = """
SELECT p.id FROM registro.procesos p
WHERE NOT EXISTS (SELECT 1 FROM registro.identidad_conjuntos k WHERE k.proceso_id = p.id)
ORDER BY p.id
"""
INSERT_CONJUNTO_SQL = "INSERT INTO registro.identidad_conjuntos (proceso_id, version) VALUES ($1, 1) RETURNING id"
INSERT_DIMENSION_SQL = """
INSERT INTO registro.identidad_dimensiones (conjunto_id, clave, titulo, grupo, pregunta_grupo, opcion_grupo, orden)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""
INSERT_PREGUNTA_SQL = """
INSERT INTO registro.identidad_preguntas (conjunto_id, dimension, clave, texto, ayuda, tipo, orden)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
"""
INSERT_OPCION_SQL = """
INSERT INTO registro.identidad_opciones (pregunta_id, clave, texto, orden, padre, especificar)
VALUES ($1, $2, $3, $4, $5, $6)
"""
INSERT_SALTO_SQL = "INSERT INTO registro.identidad_saltos (pregunta_id, depende_de, opciones) VALUES ($1, $2, $3)"


async def _seed(conn: asyncpg.Connection, proceso_id: int) -> None:
    conjunto = await conn.fetchval(INSERT_CONJUNTO_SQL, proceso_id)
    ids: dict[str, int] = {}
    orden = 0
    for d_orden, (clave, titulo, grupo, pregunta_grupo, preguntas) in enumerate(DIMENSIONES, 1):
        await conn.execute(
            INSERT_DIMENSION_SQL, conjunto, clave, titulo, grupo, pregunta_grupo, "si" if grupo else None, d_orden
        )
        for p in preguntas:
            orden += 1
            ids[p.clave] = await conn.fetchval(
                INSERT_PREGUNTA_SQL, conjunto, clave, p.clave, p.texto, p.ayuda, p.tipo, orden
            )
            # Every question of a choice allows "Prefiero no contestar" (docs/design.md §4); a text question offers it
            # as a checkbox next to the text.
            opciones = (*p.opciones, (PREFIERO, PREFIERO_TEXTO))
            await conn.executemany(
                INSERT_OPCION_SQL,
                [
                    (ids[p.clave], o[0], o[1], n, (o[2] if len(o) > 2 else "") or None, len(o) > 3)
                    for n, o in enumerate(opciones, 1)
                ],
            )
            if p.si is not None:
                await conn.execute(INSERT_SALTO_SQL, ids[p.clave], ids[p.si[0]], list(p.si[1]))


async def seed_question_sets(conn: asyncpg.Connection) -> int:
    """Give every process without a question set version 1 of the default one; return how many were seeded."""
    seeded = 0
    async with conn.transaction():
        for row in await conn.fetch(PROCESOS_SIN_CONJUNTO_SQL):
            await _seed(conn, row["id"])
            seeded += 1
    return seeded
