from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.common.access import ROLES

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,39}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class LoginForm(BaseModel):
    usuario: str = Field(min_length=1, max_length=254)
    contrasena: str = Field(min_length=1, max_length=1024)
    siguiente: str = ""


class CuentaForm(BaseModel):
    """What staff may set on an account; the scope fields matter only for candidate-side roles."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    nombre: str = Field(min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254, pattern=EMAIL_PATTERN)
    role: str
    postulante: str | None = Field(None, max_length=60)
    candidatura_id: int | None = Field(None, ge=1)

    @field_validator("email", "postulante", "candidatura_id", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str) -> str:
        if value not in ROLES:
            raise ValueError("elige un rol de la lista")
        return value


class NuevaCuentaForm(CuentaForm):
    username: str = Field(pattern=USERNAME_PATTERN)

    @field_validator("username", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


FIELD_MESSAGES = {
    "username": "Usuario: de 3 a 40 caracteres, minúsculas, números, punto, guion o guion bajo.",
    "nombre": "Nombre: escribe el nombre de la persona (hasta 200 caracteres).",
    "email": "Correo electrónico: escribe una dirección válida o déjalo vacío.",
    "role": "Rol: elige un rol de la lista.",
    "postulante": "Partido o candidatura: elige uno de la lista.",
    "candidatura_id": "Candidatura: escribe el número de una candidatura registrada.",
}
