"""What the prórroga form may submit. The date is read in the process's time zone, like the process settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from services.common import tiempo

ACUERDO_MAX = 200
MOTIVO_MIN, MOTIVO_MAX = 10, 1000
INT_MAX = 2**31 - 1
FALTA_CANDIDATURA = "Escribe el número de registro de la candidatura."
FALTA_POSTULANTE = "Elige el partido, coalición o candidatura independiente."


class Prorroga(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    destino: Literal["candidatura", "postulante"]
    candidatura_id: int | None = Field(None, ge=1, le=INT_MAX)
    postulante_id: int | None = Field(None, ge=1, le=INT_MAX)
    fin: datetime
    acuerdo: str = Field(min_length=1, max_length=ACUERDO_MAX)
    motivo: str = Field(min_length=MOTIVO_MIN, max_length=MOTIVO_MAX)

    @field_validator("candidatura_id", "postulante_id", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("acuerdo", "motivo")
    @classmethod
    def _printable(cls, value: str) -> str:
        # PostgreSQL text cannot hold NUL, and no acuerdo needs control characters.
        if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
            raise ValueError("El texto tiene caracteres no válidos.")
        return value

    @field_validator("fin", mode="before")
    @classmethod
    def _local(cls, value: Any, info: ValidationInfo) -> Any:
        # Validated with context={"zona": the process's ZoneInfo}: typed in that zone, stored in UTC.
        if isinstance(value, str):
            return tiempo.parse_local(value, (info.context or {})["zona"])
        return value

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if self.destino == "candidatura":
            if self.candidatura_id is None:
                raise ValueError(FALTA_CANDIDATURA)
            self.postulante_id = None
        else:
            if self.postulante_id is None:
                raise ValueError(FALTA_POSTULANTE)
            self.candidatura_id = None
        return self


MENSAJES = {
    "destino": "Elige si la prórroga es para una candidatura o para un postulante.",
    "candidatura_id": FALTA_CANDIDATURA,
    "postulante_id": FALTA_POSTULANTE,
    "fin": "Escribe una fecha y hora válidas.",
    "acuerdo": f"Escribe el número o el texto del acuerdo (hasta {ACUERDO_MAX} caracteres).",
    "motivo": f"Explica el motivo en {MOTIVO_MIN} a {MOTIVO_MAX:,} caracteres.",
}


def errores(exc: ValidationError) -> dict[str, str]:
    """Field → Spanish message (pydantic's are English); a rule across fields names the field it is about."""
    result: dict[str, str] = {}
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else ""
        own = str(err.get("ctx", {}).get("error", "")) if err["type"] == "value_error" else ""
        if not field:
            result.setdefault("candidatura_id" if own == FALTA_CANDIDATURA else "postulante_id", own)
        else:
            result.setdefault(field, own or MENSAJES.get(field, "Revisa este dato."))
    return result
