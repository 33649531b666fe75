"""The active electoral process and its configurable settings (docs/design.md §4), as every service reads them.

`registro.procesos` is written only by validacion (the coordinación's settings screen); the keys of its
``configuracion`` column, with the first deployment's defaults, are those of :class:`Configuracion`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import asyncpg
from pydantic import BaseModel, ConfigDict, Field, field_validator

from . import tiempo
from .plazos import Ventana

ACTIVE_PROCESO_SQL = """
SELECT id, clave, nombre, captura_inicio, captura_fin, publicacion_inicio, configuracion, zona_horaria
FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1
"""

AVISOS_PLAZO_MAX = 5
AVISOS_PLAZO_HORAS_MAX = 30 * 24


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
    # Hours before the close of the capture at which a candidacy that has not submitted is reminded by mail
    # (services/captura/avisos.py); empty: no reminders.
    avisos_plazo_horas: list[int] = Field(default_factory=lambda: [48, 24], max_length=AVISOS_PLAZO_MAX)
    # Days a submitted questionnaire may wait on the party's or the institute's review before the deadlines
    # dashboard counts it as late (services/captura/plazos/reglas.py).
    dias_espera_partido: int = Field(3, ge=1, le=90)
    dias_espera_instituto: int = Field(5, ge=1, le=90)

    @field_validator("avisos_plazo_horas")
    @classmethod
    def _horas(cls, value: list[int]) -> list[int]:
        if any(not 1 <= h <= AVISOS_PLAZO_HORAS_MAX for h in value):
            raise ValueError(f"Cada aviso debe ser de 1 a {AVISOS_PLAZO_HORAS_MAX} horas antes del cierre.")
        return sorted(set(value), reverse=True)


class Proceso(BaseModel):
    id: int
    clave: str
    nombre: str
    captura_inicio: datetime | None
    captura_fin: datetime | None
    publicacion_inicio: datetime | None
    configuracion: Configuracion
    # IANA name; dates are stored in UTC and shown and read in this zone (services.common.tiempo).
    zona_horaria: str = tiempo.DEFAULT_ZONA

    @property
    def zona(self) -> ZoneInfo:
        return tiempo.zona(self.zona_horaria)

    def capture_open(self, now: datetime) -> bool:
        """The process's own window; a candidacy's may be longer (its prórrogas: see plazos.ventana_de)."""
        return Ventana(self.captura_inicio, self.captura_fin).abierta(now)


async def active_proceso(conn: asyncpg.Connection | asyncpg.Pool) -> Proceso | None:
    row = await conn.fetchrow(ACTIVE_PROCESO_SQL)
    if row is None:
        return None
    return Proceso.model_validate({**dict(row), "configuracion": row["configuracion"] or {}})
