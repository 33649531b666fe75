"""Everything a profile shows (page 3), shared by the HTML profile and its printable PDF ficha.

The read model row (publico.candidaturas) carries the candidacy; the parties of a coalición or candidatura común
and the propietaria/suplente pair come from registro, reference data every service reads. The pair is shown only
when it is published too: an unpublished partner's name would leak a candidacy the site does not show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from services.common.curricular import RUBROS, Campo, Rubro
from services.common.marcadores import es_marcador

from .identidad import grupos_del_perfil
from .sql import PROFILE_SQL

SIN_INFORMACION = "La candidatura no proporcionó información."

PARTIDOS_SQL = """
SELECT pa.siglas, pa.nombre
FROM registro.postulantes s
JOIN registro.postulante_partidos pp ON pp.postulante_id = s.id
JOIN registro.postulantes pa ON pa.id = pp.partido_id
WHERE s.siglas = $1 AND s.tipo IN ('coalicion', 'candidatura_comun')
ORDER BY pa.siglas
"""
# The pair may be linked one way or both ways in registro: either direction finds it.
PAREJA_SQL = """
SELECT p.id, p.nombre_completo, p.tipo, p.sexo
FROM publico.candidaturas p
WHERE p.curricular IS NOT NULL AND p.id <> $1 AND p.id IN (
    SELECT pareja_id FROM registro.candidaturas WHERE id = $1
    UNION SELECT id FROM registro.candidaturas WHERE pareja_id = $1)
ORDER BY p.id
LIMIT 1
"""
PROCEDENCIA_SQL = "SELECT procedencia FROM publico.candidaturas WHERE id = $1"


@dataclass(frozen=True)
class Dato:
    campo: Campo
    texto: str | None  # None: the candidacy left the field empty


@dataclass(frozen=True)
class RubroPublico:
    rubro: Rubro
    datos: tuple[Dato, ...]
    declarado_at: datetime
    revisado_at: datetime

    @property
    def vacio(self) -> bool:
        return all(d.texto is None for d in self.datos)


def _texto(value: object) -> str | None:
    """The field's text, or None when it is empty or a placeholder («N/A», «.», «sin información»)."""
    text = value.strip() if isinstance(value, str) else ("" if value is None else str(value))
    return None if es_marcador(text) else text


def _objeto(value: object) -> dict[str, Any]:
    # Stored JSON shaped otherwise (hand-made rows, old versions) reads as empty rather than breaking the page.
    return value if isinstance(value, dict) else {}


def _fecha(value: object, default: datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return default
    return default


def rubros_publicos(
    curricular: dict[str, Any], procedencia: dict[str, Any], declarado_at: datetime, revisado_at: datetime
) -> list[RubroPublico]:
    """The five rubros, always, each with every field (None when empty) and its own dates.

    A rubro without stored dates (published before they were kept) has the questionnaire's.
    """
    result = []
    for rubro in RUBROS:
        datos = _objeto(curricular.get(rubro.clave))
        fechas = _objeto(procedencia.get(rubro.clave))
        result.append(
            RubroPublico(
                rubro=rubro,
                datos=tuple(Dato(campo, _texto(datos.get(campo.name))) for campo in rubro.campos),
                declarado_at=_fecha(fechas.get("declarado_at"), declarado_at),
                revisado_at=_fecha(fechas.get("revisado_at"), revisado_at),
            )
        )
    return result


def enumerar(nombres: list[str]) -> str:
    """«A», «A y B», «A, B y C»."""
    return nombres[0] if len(nombres) == 1 else ", ".join(nombres[:-1]) + " y " + nombres[-1] if nombres else ""


@dataclass(frozen=True)
class Perfil:
    c: asyncpg.Record
    rubros: list[RubroPublico]
    partidos: list[asyncpg.Record]
    pareja: asyncpg.Record | None
    grupos: list[str]

    @property
    def integrada_por(self) -> str:
        """The parties of a coalición or candidatura común, as a sentence; empty for a single party."""
        return enumerar([f"{pa['nombre']} ({pa['siglas']})" for pa in self.partidos])


async def load(pool: asyncpg.Pool, candidatura_id: int) -> Perfil | None:
    """The profile of a published candidacy, or None when it is not published."""
    row = await pool.fetchrow(PROFILE_SQL, candidatura_id)
    if row is None:
        return None
    procedencia = await pool.fetchval(PROCEDENCIA_SQL, candidatura_id) or {}
    return Perfil(
        c=row,
        rubros=rubros_publicos(
            _objeto(row["curricular"]), _objeto(procedencia), row["declarado_at"], row["revisado_at"]
        ),
        partidos=await pool.fetch(PARTIDOS_SQL, row["postulante"]),
        pareja=await pool.fetchrow(PAREJA_SQL, candidatura_id),
        grupos=await grupos_del_perfil(pool, candidatura_id),
    )
