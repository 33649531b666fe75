"""What the deadlines screens accept in their query and forms; each wrong value gets a Spanish message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from services.common.estados import STATE_LABELS

from .reglas import (
    CORRECCION_SOLICITADA,
    ESTADOS_EN_ESPERA,
    ETIQUETA_CORRECCION_SOLICITADA,
    GRUPOS_CON_RECORDATORIO,
    Grupo,
)

ETIQUETAS = {**STATE_LABELS, CORRECCION_SOLICITADA: ETIQUETA_CORRECCION_SOLICITADA}

MAX_ID = 2_147_483_647


def _blank_is_none(value: object) -> object:
    return None if isinstance(value, str) and value.strip() == "" else value


class Filtros(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    postulante: int | None = Field(None, ge=1, le=MAX_ID)
    cargo: str | None = Field(None, max_length=20, pattern=r"^[A-Z_]+$")
    grupo: Grupo | None = None
    estado: str | None = None
    atrasados: bool = False

    _blank = field_validator("postulante", "cargo", "grupo", "estado", mode="before")(_blank_is_none)

    @field_validator("estado")
    @classmethod
    def _waiting_state(cls, value: str | None) -> str | None:
        if value is not None and value not in ESTADOS_EN_ESPERA:
            raise ValueError("estado desconocido")
        return value

    @field_validator("atrasados", mode="before")
    @classmethod
    def _checkbox(cls, value: object) -> object:
        return value == "1"

    def query(self) -> dict[str, str]:
        """The filters as a query string keeps them (only those set)."""
        values: dict[str, Any] = {
            "postulante": self.postulante,
            "cargo": self.cargo,
            "grupo": self.grupo.value if self.grupo else None,
            "estado": self.estado,
            "atrasados": "1" if self.atrasados else None,
        }
        return {k: str(v) for k, v in values.items() if v is not None}


FILTER_MESSAGES = {
    "postulante": "Elige un postulante de la lista.",
    "cargo": "Elige un cargo de la lista.",
    "grupo": "Elige de quién se espera: la candidatura, el partido o el Instituto.",
    "estado": "Elige un estado de la lista: " + ", ".join(ETIQUETAS[e] for e in ESTADOS_EN_ESPERA) + ".",
    "atrasados": "Marca o desmarca «Solo atrasados».",
}


def parse(query: Mapping[str, str], fields: tuple[str, ...] = tuple(FILTER_MESSAGES)) -> tuple[Filtros, dict[str, str]]:
    """The valid filters, and a message for each wrong one (the others still apply)."""
    values = {k: query.get(k, "") for k in fields}
    try:
        return Filtros.model_validate(values), {}
    except ValidationError as exc:
        wrong = {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
    errors = {f: FILTER_MESSAGES[f] for f in fields if f in wrong}
    return Filtros.model_validate({k: v for k, v in values.items() if k not in wrong}), errors


class Recordatorio(BaseModel):
    """The reminder button: which group, and the filters of the list the person was looking at."""

    model_config = ConfigDict(extra="ignore")

    grupo: Grupo

    @field_validator("grupo")
    @classmethod
    def _mailable(cls, value: Grupo) -> Grupo:
        if value not in GRUPOS_CON_RECORDATORIO:
            raise ValueError("El Instituto no se envía recordatorios: sus pendientes están en este tablero.")
        return value


RECORDATORIO_MESSAGE = "Elige a quién enviar el recordatorio: a las candidaturas o a los partidos atrasados."
