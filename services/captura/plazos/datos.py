"""The rows of the deadlines screens, read once and decided by :mod:`.reglas`. No aiohttp: the staff menu's
counter (``services/captura/cuentas.py``) reads them too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg

from services.common.cuestionarios import Cuestionario
from services.common.plazos import Ventana
from services.common.proceso import Proceso

from .reglas import ESTADOS_EN_ESPERA, Espera, Grupo, atrasado, grupo_de, tiempo_de_espera
from .sql import ESPERAS_SQL

CUESTIONARIOS = [c.value for c in Cuestionario]


@dataclass(frozen=True)
class Item:
    """One questionnaire of one candidacy that waits on someone."""

    candidatura_id: int
    cuestionario: str
    estado: str
    grupo: Grupo
    desde: datetime
    espera: str
    atrasado: bool
    cierre: datetime | None
    recordado_hoy: bool  # a reminder for this item's group already went out today
    nombre: str
    tipo: str
    cargo: str
    cargo_nombre: str
    ambito: str
    postulante_id: int
    siglas: str


def nombre_completo(row: asyncpg.Record | dict[str, Any]) -> str:
    return " ".join(p for p in (row["nombre"], row["primer_apellido"], row["segundo_apellido"]) if p)


def ambito(row: asyncpg.Record | dict[str, Any]) -> str:
    if row["distrito"]:
        return f"Distrito {row['distrito']}"
    return str(row["municipio_nombre"] or "Estatal")


def espera_de(proceso: Proceso) -> Espera:
    c = proceso.configuracion
    return Espera(dias_partido=c.dias_espera_partido, dias_instituto=c.dias_espera_instituto)


def hoy(proceso: Proceso, now: datetime) -> date:
    """Today in the process's zone: the day a reminder is counted in."""
    return now.astimezone(proceso.zona).date()


async def esperas(
    conn: asyncpg.Connection | asyncpg.Pool,
    proceso: Proceso,
    now: datetime,
    *,
    postulante_id: int | None = None,
    cargo: str | None = None,
) -> list[Item]:
    rows = await conn.fetch(
        ESPERAS_SQL, proceso.id, CUESTIONARIOS, list(ESTADOS_EN_ESPERA), postulante_id, cargo, hoy(proceso, now)
    )
    espera = espera_de(proceso)
    items = []
    for row in rows:
        grupo = grupo_de(row["estado"])
        if grupo is None:  # the SQL asks only for states that wait on someone
            continue
        ventana = Ventana(proceso.captura_inicio, proceso.captura_fin, row["prorroga_fin"], proceso.zona_horaria)
        items.append(
            Item(
                candidatura_id=row["candidatura_id"],
                cuestionario=row["cuestionario"],
                estado=row["estado"],
                grupo=grupo,
                desde=row["desde"],
                espera=tiempo_de_espera(row["desde"], now),
                atrasado=atrasado(grupo, row["desde"], ventana, now, espera),
                cierre=ventana.cierre,
                recordado_hoy=grupo.value in row["recordados_hoy"],
                nombre=nombre_completo(row),
                tipo=row["tipo"],
                cargo=row["cargo"],
                cargo_nombre=row["cargo_nombre"],
                ambito=ambito(row),
                postulante_id=row["postulante_id"],
                siglas=row["siglas"],
            )
        )
    return items


@dataclass(frozen=True)
class Conteo:
    total: int
    atrasados: int
    # Candidacies (not questionnaires) late in this group and not reminded today: what the button would mail.
    por_recordar: int


def conteos(items: list[Item]) -> dict[Grupo, Conteo]:
    result = {}
    for grupo in Grupo:
        mine = [i for i in items if i.grupo is grupo]
        late = [i for i in mine if i.atrasado]
        result[grupo] = Conteo(
            total=len(mine),
            atrasados=len(late),
            por_recordar=len({i.candidatura_id for i in late if not i.recordado_hoy}),
        )
    return result
