"""The active electoral process and its configurable settings (DESIGN.md §4), as every service reads them.

`registro.procesos` is written only by validacion (the coordinación's settings screen); the keys of its
``configuracion`` column, with Michoacán 2024's defaults, are those of :class:`Configuracion`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import asyncpg
from pydantic import BaseModel, ConfigDict, Field

ACTIVE_PROCESO_SQL = """
SELECT id, clave, nombre, captura_inicio, captura_fin, publicacion_inicio, configuracion
FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1
"""


class Configuracion(BaseModel):
    model_config = ConfigDict(extra="ignore")

    # Maximum characters of the long texts (historia, trayectoria, motivo) and of each proposal.
    limite_texto_largo: int = Field(5000, ge=280, le=5000)
    limite_propuesta: int = Field(1600, ge=280, le=1600)
    # How many correction requests a questionnaire may have after publication.
    rondas_correccion: int = Field(1, ge=0, le=10)
    # The representative approves or returns before the institute's review.
    validacion_partido: bool = False
    # Bounded so a made-up age stays a validation error instead of an integer JSON cannot store.
    edades_minimas: dict[str, Annotated[int, Field(ge=0, le=150)]] = Field(
        default_factory=lambda: {"DIP_MR": 21, "DIP_RP": 21, "PRES_MUN": 21, "SIND": 21, "REG_MR": 18, "REG_RP": 18}
    )


class Proceso(BaseModel):
    id: int
    clave: str
    nombre: str
    captura_inicio: datetime | None
    captura_fin: datetime | None
    publicacion_inicio: datetime | None
    configuracion: Configuracion

    def capture_open(self, now: datetime) -> bool:
        return (self.captura_inicio is None or self.captura_inicio <= now) and (
            self.captura_fin is None or now <= self.captura_fin
        )


async def active_proceso(conn: asyncpg.Connection | asyncpg.Pool) -> Proceso | None:
    row = await conn.fetchrow(ACTIVE_PROCESO_SQL)
    if row is None:
        return None
    return Proceso.model_validate({**dict(row), "configuracion": row["configuracion"] or {}})
