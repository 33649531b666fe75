"""The settings form, validated with :class:`services.common.proceso.Configuracion` so every reader agrees."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Self
from zoneinfo import ZoneInfo

from multidict import MultiMapping
from pydantic import BaseModel, Field, ValidationError, ValidationInfo, field_validator, model_validator

from services.common import tiempo
from services.common.mensajes import mensaje
from services.common.proceso import Configuracion

EDAD_MIN, EDAD_MAX = 18, 99
FECHAS = ("captura_inicio", "captura_fin", "publicacion_inicio")
NUMEROS = ("limite_texto_largo", "limite_propuesta", "rondas_correccion")
# The deadlines dashboard's limits: a form without them (a page older than the fields) keeps the defaults.
ESPERAS = ("dias_espera_partido", "dias_espera_instituto")
ANIO_MIN, ANIO_MAX = 2000, 2100
ACUERDO = ("acuerdo_publicacion_numero", "acuerdo_publicacion_fecha")
ACUERDO_MAX = 120


class Ajustes(BaseModel):
    captura_inicio: datetime | None
    captura_fin: datetime | None
    publicacion_inicio: datetime | None
    jornada_electoral: date | None
    configuracion: Configuracion
    zona_horaria: str
    # The Consejo General's acuerdo that set the publication, cited on the public home page.
    acuerdo_publicacion_numero: str | None = Field(None, max_length=ACUERDO_MAX)
    acuerdo_publicacion_fecha: date | None = None

    @field_validator(*FECHAS, mode="before")
    @classmethod
    def _local(cls, value: Any, info: ValidationInfo) -> Any:
        # Typed in the zone the form showed them in (the process's zone before this save), stored in UTC.
        if value in (None, ""):
            return None
        if isinstance(value, str):
            year = value.strip()[:4]
            # Year 9999 parses, but its UTC conversion overflows: say what is wrong, not only that it is wrong.
            if year.isdigit() and not ANIO_MIN <= int(year) <= ANIO_MAX:
                raise ValueError(f"Escribe una fecha entre los años {ANIO_MIN} y {ANIO_MAX}.")
            return tiempo.parse_local(value, (info.context or {})["zona"])
        return value

    @field_validator("zona_horaria")
    @classmethod
    def _zona(cls, value: str) -> str:
        tiempo.zona(value.strip())
        return value.strip()

    @field_validator("acuerdo_publicacion_numero", mode="before")
    @classmethod
    def _acuerdo(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = " ".join(value.split())
            if any(not ch.isprintable() for ch in value):
                raise ValueError("El número del acuerdo tiene caracteres no válidos.")
        return value or None

    @field_validator("jornada_electoral", "acuerdo_publicacion_fecha", mode="before")
    @classmethod
    def _jornada(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator(*FECHAS, "jornada_electoral", "acuerdo_publicacion_fecha", mode="after")
    @classmethod
    def _plausible_year(cls, value: date | None) -> date | None:
        # Year 9999 parses, but its UTC conversion overflows; no electoral process is that far away anyway.
        if value is not None and not ANIO_MIN <= value.year <= ANIO_MAX:
            raise ValueError(f"Escribe una fecha entre los años {ANIO_MIN} y {ANIO_MAX}.")
        return value

    @field_validator("acuerdo_publicacion_fecha", mode="after")
    @classmethod
    def _acuerdo_con_numero(cls, value: date | None, info: ValidationInfo) -> date | None:
        # A date alone cites nothing; the number alone is enough to find the acuerdo.
        if value is not None and not info.data.get("acuerdo_publicacion_numero"):
            raise ValueError("Escribe también el número del acuerdo, o deja vacía su fecha.")
        return value

    @model_validator(mode="after")
    def _ventana(self) -> Self:
        if self.captura_inicio and self.captura_fin and self.captura_fin <= self.captura_inicio:
            raise ValueError("El cierre de la captura debe ser posterior a su inicio.")
        return self


def from_form(form: MultiMapping[Any], cargos: list[str], zona: ZoneInfo) -> Ajustes:
    """Builds the model from the posted fields, dates read in ``zona``; a ValidationError carries every field's
    problem."""
    edades: dict[str, Any] = {c: form.get(f"edad_{c}", "") for c in cargos}
    ajustes = Ajustes.model_validate(
        {
            **{f: form.get(f, "") for f in FECHAS},
            "jornada_electoral": form.get("jornada_electoral", ""),
            **{f: form.get(f, "") for f in ACUERDO},
            # A form without the field (an older page) keeps the zone.
            "zona_horaria": form.get("zona_horaria", zona.key),
            "configuracion": {
                **{n: form.get(n, "") for n in NUMEROS},
                **{n: form[n] for n in ESPERAS if n in form},
                # An unchecked checkbox sends nothing.
                "validacion_partido": form.get("validacion_partido") == "1",
                "edades_minimas": edades,
                "avisos_plazo_horas": horas_de_aviso(str(form.get("avisos_plazo_horas", ""))),
            },
        },
        context={"zona": zona},
    )
    return ajustes


def check_acuerdo(form: MultiMapping[Any]) -> dict[str, str]:
    """A publication date is set by an acuerdo of the Consejo General: both its number and its date go with it
    (the public home page cites them). Checked on the raw fields so the message sits on the missing one."""
    if not str(form.get("publicacion_inicio", "")).strip():
        return {}
    errors: dict[str, str] = {}
    if not str(form.get("acuerdo_publicacion_numero", "")).strip():
        errors["acuerdo_publicacion_numero"] = (
            "Con una fecha de publicación, escribe el número del acuerdo del Consejo General que la fijó."
        )
    if not str(form.get("acuerdo_publicacion_fecha", "")).strip():
        errors["acuerdo_publicacion_fecha"] = "Con una fecha de publicación, escribe la fecha del acuerdo que la fijó."
    return errors


def horas_de_aviso(raw: str) -> list[str]:
    """ "48, 24" → ["48", "24"]: the model turns each into an hour count and says which one is wrong."""
    return [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]


def check_edades(form: MultiMapping[Any], cargos: list[str]) -> dict[str, str]:
    """Configuracion accepts any integer; a minimum age outside 18-99 is a typing mistake. Checked on the raw
    fields so these errors show together with the model's."""
    errors: dict[str, str] = {}
    for cargo in cargos:
        raw = str(form.get(f"edad_{cargo}", "")).strip()
        if raw.isdigit() and not EDAD_MIN <= int(raw) <= EDAD_MAX:
            errors[f"edad_{cargo}"] = f"La edad mínima debe estar entre {EDAD_MIN} y {EDAD_MAX} años."
    return errors


def errores(exc: ValidationError) -> dict[str, str]:
    """Field id → Spanish message (pydantic's messages are English)."""
    result: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        if loc[:2] == ["configuracion", "edades_minimas"] and len(loc) > 2:
            field = f"edad_{loc[2]}"
        elif loc[:2] == ["configuracion", "avisos_plazo_horas"]:
            field = "avisos_plazo_horas"
        else:
            field = loc[-1] if loc else "captura_fin"
        ctx = err.get("ctx", {})
        kind = err["type"]
        if kind == "greater_than_equal":
            message = f"Debe ser al menos {ctx['ge']}."
        elif kind == "less_than_equal":
            message = f"Debe ser como máximo {ctx['le']}."
        elif kind.startswith("int_"):
            message = "Escribe un número entero."
        elif kind.startswith(("date_", "datetime_")):
            message = "Escribe una fecha válida."
        elif kind == "too_long":
            message = f"Escribe como máximo {ctx['max_length']} valores."
        elif kind == "missing":
            message = "Este dato es obligatorio."
        else:
            message = mensaje(err)
        result.setdefault(field, message)
    return result
