"""The one field every publication decision carries: its reason."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from services.common.mensajes import mensaje

MAX_MOTIVO = 1000


class Motivo(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    motivo: str = ""

    @field_validator("motivo")
    @classmethod
    def _motivo(cls, value: str) -> str:
        if not value:
            raise ValueError("Escribe el motivo; queda en la auditoría de la candidatura.")
        if len(value) > MAX_MOTIVO:
            raise ValueError(f"El motivo pasa de {MAX_MOTIVO} caracteres.")
        return value


def errores(exc: ValidationError) -> dict[str, str]:
    return {str(err["loc"][-1]) if err["loc"] else "motivo": mensaje(err) for err in exc.errors()}
