"""The parameters of report 1 as the page's form and query string send them, validated once. No I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.common.boundary import INT4_MAX

from .avance import DESGLOSES

_FECHA = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # what <input type="date"> sends; pydantic alone takes timestamps too
MENSAJES = {
    "fecha": "Escribe la fecha de corte como día, mes y año (por ejemplo 26/04/2024).",
    "postulante": "Elige un partido, coalición o candidatura de la lista.",
    "desglose": "Elige el desglose entre las opciones del formulario.",
    "formato": "Elige el formato del archivo: XLSX, CSV o PDF.",
}


class ParametrosError(ValueError):
    def __init__(self, errores: dict[str, str]) -> None:
        super().__init__("; ".join(errores.values()))
        self.errores = errores


class Parametros(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    fecha: date
    desglose: tuple[Literal["ambito", "sexo"], ...] = ()
    postulante: int | None = Field(None, ge=1, le=INT4_MAX)

    def query(self) -> dict[str, str]:
        """The query string of the page showing this report (the form's own field names)."""
        valores: dict[str, str] = {"fecha": self.fecha.isoformat()}
        valores.update({d: "1" for d in self.desglose})
        if self.postulante is not None:
            valores["postulante"] = str(self.postulante)
        return valores

    def guardados(self) -> dict[str, Any]:
        """As the request row keeps them (``reportes.archivos.parametros``); equal parameters, equal JSON."""
        return {"fecha": self.fecha.isoformat(), "desglose": list(self.desglose), "postulante": self.postulante}


def leer(valores: Mapping[str, str], hoy: date) -> Parametros:
    """The form's fields (``fecha``, ``ambito``, ``sexo``, ``postulante``); an empty date is today."""
    datos: dict[str, Any] = {
        "fecha": (valores.get("fecha") or "").strip() or hoy.isoformat(),
        "desglose": tuple(d for d in DESGLOSES if valores.get(d)),
        "postulante": (valores.get("postulante") or "").strip() or None,
    }
    if not _FECHA.match(datos["fecha"]):
        raise ParametrosError({"fecha": MENSAJES["fecha"]})
    try:
        return Parametros.model_validate(datos)
    except ValidationError as exc:
        campos: Sequence[str] = [str(e["loc"][0]) for e in exc.errors()]
        raise ParametrosError({c: MENSAJES[c] for c in campos}) from None


def formato(valor: str | None) -> Literal["xlsx", "csv", "pdf"]:
    if valor == "xlsx":
        return "xlsx"
    if valor == "csv":
        return "csv"
    if valor == "pdf":
        return "pdf"
    raise ParametrosError({"formato": MENSAJES["formato"]})
