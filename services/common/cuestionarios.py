"""The two questionnaires a candidacy answers, declared once: what each is called, what its parts are and on
which grounds a reviewer may observe it.

Every service that has to tell the cuestionario curricular from the cuestionario de identidad looks the fact up
here (``FORMAS[cuestionario]``) instead of branching on the name. Capture-only facts (its submit requirements)
live in captura (``services/captura/envios.py``), keyed by the same :class:`Cuestionario`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import asyncpg

from . import identidad
from .curricular import RUBROS
from .observaciones import FUNDAMENTOS, FUNDAMENTOS_IDENTIDAD


class Cuestionario(StrEnum):
    """The stored name of a questionnaire (``captura.cuestionarios.cuestionario`` and every job payload)."""

    CURRICULAR = "curricular"
    IDENTIDAD = "identidad"


@dataclass(frozen=True)
class Forma:
    """The facts of one questionnaire that differ between the two."""

    cuestionario: Cuestionario
    titulo: str  # as a heading: "Cuestionario curricular"
    nombre: str  # inside a sentence: "cuestionario curricular"
    adjetivo: str  # after "cuestionario": "curricular", "de identidad"
    partes: str  # what its parts are called: "rubros" or "dimensiones"
    # Grounds a reviewer may choose (services/common/observaciones.py).
    fundamentos: Mapping[str, str]
    # (clave, título) of its parts when they are fixed in code; None when they come from the process's question
    # set in registro (see :func:`partes`).
    partes_fijas: tuple[tuple[str, str], ...] | None


FORMAS: dict[Cuestionario, Forma] = {
    Cuestionario.CURRICULAR: Forma(
        Cuestionario.CURRICULAR,
        titulo="Cuestionario curricular",
        nombre="cuestionario curricular",
        adjetivo="curricular",
        partes="rubros",
        fundamentos=FUNDAMENTOS,
        partes_fijas=tuple((r.clave, r.titulo) for r in RUBROS),
    ),
    Cuestionario.IDENTIDAD: Forma(
        Cuestionario.IDENTIDAD,
        titulo="Cuestionario de identidad",
        nombre="cuestionario de identidad",
        adjetivo="de identidad",
        partes="dimensiones",
        fundamentos=FUNDAMENTOS_IDENTIDAD,
        partes_fijas=None,
    ),
}


def forma(cuestionario: str) -> Forma:
    """The facts of a questionnaire by its stored name; ValueError for any other name."""
    return FORMAS[Cuestionario(cuestionario)]


def es_cuestionario(value: str) -> bool:
    return value in FORMAS


async def partes(
    conn: asyncpg.Connection | asyncpg.Pool, candidatura_id: int, cuestionario: str
) -> list[tuple[str, str]]:
    """(clave, título) of every part, in questionnaire order: the five rubros, or the dimensions of the question
    set of the candidacy's process (none until one is configured)."""
    fijas = forma(cuestionario).partes_fijas
    if fijas is not None:
        return list(fijas)
    conjunto = await identidad.for_candidatura(conn, candidatura_id)
    return [(d.clave, d.titulo) for d in conjunto.dimensiones] if conjunto else []
