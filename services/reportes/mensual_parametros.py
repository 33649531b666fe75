"""The parameters of report 3 as its forms and query string send them, validated once (pydantic). No I/O."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from services.common.boundary import INT4_MAX

from . import mensual
from .parametros import ParametrosError

MENSAJES = {
    "postulante": "Elige un partido, coalición o candidatura de la lista.",
    "incidencias": f"Las incidencias caben en {mensual.INCIDENCIAS_MAX} caracteres.",
}


class ParametrosMensual(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    mes: date  # the month's first day
    postulante: int | None = Field(None, ge=1, le=INT4_MAX)


class Incidencias(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    texto: str

    @field_validator("texto")
    @classmethod
    def _limpio(cls, valor: str) -> str:
        return mensual.validar_incidencias(valor)


def leer(valores: Mapping[str, str], hoy: date) -> ParametrosMensual:
    """``mes`` (``YYYY-MM``; empty: the current month) and ``postulante`` (empty: all)."""
    texto = (valores.get("mes") or "").strip()
    try:
        mes = mensual.leer_mes(texto) if texto else hoy.replace(day=1)
    except mensual.MesError as exc:
        raise ParametrosError({"mes": str(exc)}) from None
    try:
        return ParametrosMensual.model_validate(
            {"mes": mes, "postulante": (valores.get("postulante") or "").strip() or None}
        )
    except ValidationError:
        raise ParametrosError({"postulante": MENSAJES["postulante"]}) from None


def incidencias(texto: str) -> str:
    """The incidents as stored, or :class:`ParametrosError` with the message for the field."""
    try:
        return Incidencias(texto=texto).texto
    except ValidationError as exc:
        causa = exc.errors()[0].get("ctx", {}).get("error")
        raise ParametrosError({"incidencias": str(causa) if causa else MENSAJES["incidencias"]}) from None
