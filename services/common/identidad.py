"""The cuestionario de identidad as data: the question-set model shared by captura, validacion and publico.

A question set lives in ``registro`` (rows per process and version, see migrations/0011_identidad.sql); this
module loads it and holds what several services read: the answers described as text (reviewer, history) and the
public groups an answer set reaches. Capture rules (cleaning one dimension's form, skip rules applied on save,
completeness for submit) are captura's: services/captura/identidad.py.
Answers are stored per dimension as ``{pregunta: "opcion" | ["opcion", …] | "texto"}``, plus
``{pregunta}_otro`` for the free text of an option that asks to specify.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import asyncpg

PREFIERO = "prefiero_no_contestar"
PREFIERO_TEXTO = "Prefiero no contestar"
NO_APLICA = "no_aplica"
NO_APLICA_TEXTO = "No aplica"
IDENTIDAD = "identidad"

CONJUNTO_SQL = """
SELECT id, version FROM registro.identidad_conjuntos WHERE proceso_id = $1 ORDER BY version DESC LIMIT 1
"""
CONJUNTO_DE_CANDIDATURA_SQL = """
SELECT k.id, k.version FROM registro.identidad_conjuntos k
JOIN registro.candidaturas c ON c.proceso_id = k.proceso_id
WHERE c.id = $1 ORDER BY k.version DESC LIMIT 1
"""
DIMENSIONES_SQL = """
SELECT clave, titulo, grupo, pregunta_grupo, opcion_grupo FROM registro.identidad_dimensiones
WHERE conjunto_id = $1 ORDER BY orden
"""
PREGUNTAS_SQL = """
SELECT id, dimension, clave, texto, ayuda, tipo FROM registro.identidad_preguntas
WHERE conjunto_id = $1 ORDER BY orden
"""
OPCIONES_SQL = """
SELECT o.pregunta_id, o.clave, o.texto, o.padre, o.especificar FROM registro.identidad_opciones o
JOIN registro.identidad_preguntas p ON p.id = o.pregunta_id
WHERE p.conjunto_id = $1 ORDER BY o.pregunta_id, o.orden
"""
SALTOS_SQL = """
SELECT s.pregunta_id, d.clave AS depende_de, s.opciones FROM registro.identidad_saltos s
JOIN registro.identidad_preguntas p ON p.id = s.pregunta_id
JOIN registro.identidad_preguntas d ON d.id = s.depende_de
WHERE p.conjunto_id = $1
"""


@dataclass(frozen=True)
class Opcion:
    clave: str
    texto: str
    padre: str | None = None
    especificar: bool = False


@dataclass(frozen=True)
class Condicion:
    """The question applies only if ``pregunta`` was answered with one of ``opciones``."""

    pregunta: str
    opciones: frozenset[str]


@dataclass(frozen=True)
class Pregunta:
    clave: str
    texto: str
    tipo: str  # una, varias, texto
    opciones: tuple[Opcion, ...]
    condiciones: tuple[Condicion, ...] = ()
    ayuda: str = ""

    @property
    def claves(self) -> frozenset[str]:
        return frozenset(o.clave for o in self.opciones)

    def texto_de(self, clave: str) -> str:
        if clave == NO_APLICA:
            return NO_APLICA_TEXTO
        return next((o.texto for o in self.opciones if o.clave == clave), clave)

    @property
    def principales(self) -> tuple[Opcion, ...]:
        return tuple(o for o in self.opciones if o.padre is None)

    def hijas(self, clave: str) -> tuple[Opcion, ...]:
        return tuple(o for o in self.opciones if o.padre == clave)

    @property
    def otro(self) -> str:
        """Form and storage name of the free text of an option that asks to specify."""
        return f"{self.clave}_otro"


@dataclass(frozen=True)
class Dimension:
    clave: str
    titulo: str
    preguntas: tuple[Pregunta, ...]
    grupo: str | None = None
    pregunta_grupo: str | None = None
    opcion_grupo: str | None = None


@dataclass(frozen=True)
class ConjuntoIdentidad:
    id: int
    version: int
    dimensiones: tuple[Dimension, ...]
    por_clave: dict[str, Dimension] = field(default_factory=dict, compare=False)

    def dimension(self, clave: str) -> Dimension | None:
        return self.por_clave.get(clave) or next((d for d in self.dimensiones if d.clave == clave), None)


async def load(conn: asyncpg.Connection | asyncpg.Pool, conjunto_id: int, version: int) -> ConjuntoIdentidad:
    opciones: dict[int, list[Opcion]] = {}
    for r in await conn.fetch(OPCIONES_SQL, conjunto_id):
        opciones.setdefault(r["pregunta_id"], []).append(Opcion(r["clave"], r["texto"], r["padre"], r["especificar"]))
    saltos: dict[int, list[Condicion]] = {}
    for r in await conn.fetch(SALTOS_SQL, conjunto_id):
        saltos.setdefault(r["pregunta_id"], []).append(Condicion(r["depende_de"], frozenset(r["opciones"])))
    preguntas: dict[str, list[Pregunta]] = {}
    for r in await conn.fetch(PREGUNTAS_SQL, conjunto_id):
        pregunta = Pregunta(
            r["clave"],
            r["texto"],
            r["tipo"],
            tuple(opciones.get(r["id"], ())),
            tuple(saltos.get(r["id"], ())),
            r["ayuda"],
        )
        preguntas.setdefault(r["dimension"], []).append(pregunta)
    dimensiones = tuple(
        Dimension(
            r["clave"],
            r["titulo"],
            tuple(preguntas.get(r["clave"], ())),
            r["grupo"],
            r["pregunta_grupo"],
            r["opcion_grupo"],
        )
        for r in await conn.fetch(DIMENSIONES_SQL, conjunto_id)
    )
    return ConjuntoIdentidad(conjunto_id, version, dimensiones, {d.clave: d for d in dimensiones})


async def for_candidatura(conn: asyncpg.Connection | asyncpg.Pool, candidatura_id: int) -> ConjuntoIdentidad | None:
    """The newest question set of the candidacy's process (None until one is configured)."""
    row = await conn.fetchrow(CONJUNTO_DE_CANDIDATURA_SQL, candidatura_id)
    return None if row is None else await load(conn, row["id"], row["version"])


def grupos(cuestionario: ConjuntoIdentidad, saved: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The public names of the groups the person identifies with (never the sub-identity)."""
    found = []
    for d in cuestionario.dimensiones:
        if not (d.grupo and d.pregunta_grupo and d.opcion_grupo):
            continue
        value = (saved.get(d.clave) or {}).get(d.pregunta_grupo)
        chosen = set(value) if isinstance(value, list) else {value}
        if d.opcion_grupo in chosen:
            found.append(d.grupo)
    return found


def describe(cuestionario: ConjuntoIdentidad, saved: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Questions and answers as text, by dimension, for people who read them (the reviewer)."""
    result = []
    for d in cuestionario.dimensiones:
        answers = saved.get(d.clave) or {}
        filas = []
        for p in d.preguntas:
            value = answers.get(p.clave)
            if value is None or value == "":
                text = "Sin respuesta"
            elif p.tipo == "texto":
                text = {NO_APLICA: NO_APLICA_TEXTO, PREFIERO: PREFIERO_TEXTO}.get(value, str(value))
            else:
                values = value if isinstance(value, list) else [value]
                text = ", ".join(p.texto_de(v) for v in values)
                if answers.get(p.otro):
                    text += f": {answers[p.otro]}"
            filas.append({"pregunta": p.texto, "respuesta": text})
        result.append({"clave": d.clave, "titulo": d.titulo, "filas": filas})
    return result


# Acción afirmativa as registered (free text in registro.candidaturas) → the group's public name.
ACCIONES_AFIRMATIVAS = {
    "indigena": "Persona indígena",
    "discapacidad": "Persona con discapacidad",
    "afromexicana": "Persona afromexicana o afrodescendiente",
    "diversidad_sexual": "Persona de la diversidad sexual (LGBTTTIQ+)",
    "lgbtttiq": "Persona de la diversidad sexual (LGBTTTIQ+)",
    "migrante": "Persona migrante",
    "joven": "Persona joven",
    "persona_joven": "Persona joven",
    "persona_mayor": "Persona mayor",
    "mayor": "Persona mayor",
}


# The catalog the registry import accepts for acción afirmativa: the groups of the identity dimensions
# (services/validacion/cuestionario_identidad.py), stored by key. Older rows may still hold free text.
GRUPOS_ACCION_AFIRMATIVA = {
    "indigena": "Persona indígena",
    "discapacidad": "Persona con discapacidad",
    "afromexicana": "Persona afromexicana o afrodescendiente",
    "diversidad_sexual": "Persona de la diversidad sexual (LGBTTTIQ+)",
    "migrante": "Persona migrante",
    "joven": "Persona joven",
    "persona_mayor": "Persona mayor",
}
_ALIAS_ACCION_AFIRMATIVA = {
    "lgbtttiq": "diversidad_sexual",
    "lgbt": "diversidad_sexual",
    "lgbtiq": "diversidad_sexual",
    "afrodescendiente": "afromexicana",
    "afromexicano": "afromexicana",
    "afromexicana_o_afrodescendiente": "afromexicana",
    "persona_de_la_diversidad_sexual": "diversidad_sexual",
    "jovenes": "joven",
    "persona_afromexicana": "afromexicana",
    "persona_joven": "joven",
    "mayor": "persona_mayor",
    "adulta_mayor": "persona_mayor",
    "adulto_mayor": "persona_mayor",
    "persona_indigena": "indigena",
    "persona_migrante": "migrante",
    "persona_con_discapacidad": "discapacidad",
}


def _key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "_".join("".join(ch if ch.isalnum() else " " for ch in plain).split())


def clave_accion_afirmativa(text: str) -> str | None:
    """The catalog key for a group written by its key, its name or a common alias (no case, no accents)."""
    key = _key(text)
    if key in GRUPOS_ACCION_AFIRMATIVA:
        return key
    by_label = {_key(label): clave for clave, label in GRUPOS_ACCION_AFIRMATIVA.items()}
    return by_label.get(key) or _ALIAS_ACCION_AFIRMATIVA.get(key)


def grupo_accion_afirmativa(accion: str | None) -> str | None:
    if not accion or not accion.strip():
        return None
    key = _key(accion)
    for known, label in ACCIONES_AFIRMATIVAS.items():
        if key == known or key.startswith(known) or key.endswith(known):
            return label
    return accion.strip()


def grupos_publicables(identidad: Mapping[str, Any] | None, publica: bool, accion_afirmativa: str | None) -> list[str]:
    """What a profile may show (docs/design.md §4): the self-identified groups only with consent 2; the group of the
    acción afirmativa always (the registration makes it public), never the sub-identity."""
    shown: list[str] = []
    if publica and identidad:
        shown.extend(identidad.get("grupos") or [])
    aa = grupo_accion_afirmativa(accion_afirmativa)
    if aa and aa not in shown:
        shown.append(aa)
    return shown
