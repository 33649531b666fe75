"""What the substitution and cancellation forms may submit, validated with the import's own field rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from services.common.mensajes import mensaje
from services.validacion.importacion import campos

MAX_MOTIVO = 1000


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class Baja(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    motivo: str

    @field_validator("motivo")
    @classmethod
    def _motivo(cls, value: str) -> str:
        if not value:
            raise ValueError("Escribe el motivo (por ejemplo, el acuerdo del Consejo General).")
        if len(value) > MAX_MOTIVO:
            raise ValueError(f"El motivo pasa de {MAX_MOTIVO} caracteres.")
        return value


class Sustitucion(Baja):
    nombre: str
    primer_apellido: str
    segundo_apellido: str = ""
    sobrenombre: str | None = None
    sexo: str
    fecha_nacimiento: date
    curp: str
    clave_elector: str | None = None
    rfc: str | None = None
    correo: str | None = None
    telefono: str | None = None
    eleccion_consecutiva: bool = False

    @field_validator("nombre", "primer_apellido", mode="before")
    @classmethod
    def _required(cls, value: Any) -> Any:
        if not _strip(value):
            raise ValueError("Este dato es obligatorio.")
        return campos.text(value)

    @field_validator("segundo_apellido", mode="before")
    @classmethod
    def _segundo(cls, value: Any) -> str:
        return campos.text(value) or ""

    @field_validator("sobrenombre", mode="before")
    @classmethod
    def _optional(cls, value: Any) -> str | None:
        return campos.text(value)

    @field_validator("telefono", mode="before")
    @classmethod
    def _telefono(cls, value: Any) -> str | None:
        return campos.telefono(value)

    # Fields are validated in declaration order: sexo and fecha_nacimiento are in info.data when valid.
    @field_validator("clave_elector", mode="before")
    @classmethod
    def _clave_elector(cls, value: Any, info: ValidationInfo) -> str | None:
        return campos.clave_elector(value, info.data.get("sexo"), info.data.get("fecha_nacimiento"))

    @field_validator("rfc", mode="before")
    @classmethod
    def _rfc(cls, value: Any, info: ValidationInfo) -> str | None:
        return campos.rfc(value, info.data.get("fecha_nacimiento"))

    @field_validator("sexo", mode="before")
    @classmethod
    def _sexo(cls, value: Any) -> str:
        return campos.sexo(value)

    @field_validator("fecha_nacimiento", mode="before")
    @classmethod
    def _fecha(cls, value: Any) -> date:
        return campos.fecha(value)

    @field_validator("curp", mode="before")
    @classmethod
    def _curp(cls, value: Any, info: ValidationInfo) -> str:
        result = campos.curp(value)
        campos.curp_coincide(result, info.data.get("sexo"), info.data.get("fecha_nacimiento"))
        return result

    @field_validator("correo", mode="before")
    @classmethod
    def _correo(cls, value: Any) -> str | None:
        return campos.correo(value)

    @field_validator("eleccion_consecutiva", mode="before")
    @classmethod
    def _consecutiva(cls, value: Any) -> bool:
        return campos.si_no(value)


def errores(exc: ValidationError) -> dict[str, str]:
    """Field → Spanish message, for the error summary; pydantic's own prefix is dropped."""
    result: dict[str, str] = {}
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "formulario"
        message = mensaje(err)
        if err["type"] == "missing":
            message = "Este dato es obligatorio."
        result.setdefault(field, message)
    return result
