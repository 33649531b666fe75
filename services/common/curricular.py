"""The cuestionario curricular as data (its five rubros and their fields), shared by every service that shows it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from . import contacto
from .mensajes import mensaje

GRADOS = (
    "Sin estudios",
    "Primaria",
    "Secundaria",
    "Preparatoria",
    "Técnica",
    "Licenciatura",
    "Especialidad",
    "Maestría",
    "Doctorado",
    "Postdoctorado",
)
ESTATUS_ESTUDIOS = (
    "Reconocimiento",
    "Carta pasante",
    "Constancia",
    "Certificado",
    "Título",
    "Cédula",
    "Cursando",
    "Trunco",
)


@dataclass(frozen=True)
class Campo:
    name: str
    label: str
    kind: str = "text"  # text, textarea, select, email, tel, url
    max_length: int = 300
    options: tuple[str, ...] = ()
    hint: str = ""
    # A url field that must point to one of these sites (a social network), or to any site when empty.
    hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rubro:
    clave: str
    titulo: str
    campos: tuple[Campo, ...]


LONG = 5000
PROPOSAL = 1600
RUBROS: tuple[Rubro, ...] = (
    Rubro(
        "contacto",
        "Datos generales y contacto público",
        (
            Campo("direccion_casa_campana", "Dirección de la casa de campaña"),
            Campo("telefono_publico", "Teléfono público", kind="tel", max_length=30),
            Campo("correo_publico", "Correo electrónico público", kind="email", max_length=254),
            Campo("pagina_web", "Página web", kind="url", max_length=500),
            Campo("facebook", "Facebook", kind="url", max_length=500, hosts=("facebook.com",)),
            Campo("x", "X (Twitter)", kind="url", max_length=500, hosts=("x.com", "twitter.com")),
            Campo("youtube", "YouTube", kind="url", max_length=500, hosts=("youtube.com",)),
            Campo("instagram", "Instagram", kind="url", max_length=500, hosts=("instagram.com",)),
            Campo("tiktok", "TikTok", kind="url", max_length=500, hosts=("tiktok.com",)),
            Campo("otra_red", "Otra red social", kind="url", max_length=500),
        ),
    ),
    Rubro(
        "formacion",
        "Formación académica",
        (
            Campo("grado_maximo", "Grado máximo de estudios", kind="select", options=GRADOS),
            Campo("estatus", "Estatus del grado máximo", kind="select", options=ESTATUS_ESTUDIOS),
            Campo("cursos", "Otros cursos (uno por línea)", kind="textarea", max_length=LONG),
        ),
    ),
    Rubro(
        "profesional",
        "Historia profesional y/o laboral",
        (Campo("historia_profesional", "Historia profesional y/o laboral", kind="textarea", max_length=LONG),),
    ),
    Rubro(
        "trayectoria",
        "Trayectoria política y/o participación social",
        (
            Campo(
                "trayectoria_politica",
                "Trayectoria política y/o participación social",
                kind="textarea",
                max_length=LONG,
            ),
            Campo("motivo_cargo_publico", "¿Por qué quiero ocupar un cargo público?", kind="textarea", max_length=LONG),
        ),
    ),
    Rubro(
        "propuestas",
        "Propuestas",
        (
            Campo("propuesta_1", "Propuesta 1", kind="textarea", max_length=PROPOSAL),
            Campo("propuesta_2", "Propuesta 2", kind="textarea", max_length=PROPOSAL),
            Campo(
                "propuesta_genero",
                "Propuesta en materia de género o del grupo en situación de discriminación",
                kind="textarea",
                max_length=PROPOSAL,
            ),
        ),
    ),
)
RUBROS_BY_KEY = {r.clave: r for r in RUBROS}


class _RubroBase(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


_CONTACT_CHECKS: dict[str, Callable[..., str]] = {
    "email": contacto.normalize_email,
    "tel": contacto.normalize_phone,
    "url": contacto.normalize_url,
}


def _contact_check(normalize: Callable[..., str], hosts: tuple[str, ...]) -> Any:
    def check(cls: type, value: str) -> str:
        if not value:
            return value
        return normalize(value, hosts) if hosts else normalize(value)

    return check


def _model_for(rubro: Rubro) -> type[BaseModel]:
    fields: dict[str, Any] = {c.name: (str, Field("", max_length=c.max_length)) for c in rubro.campos}
    validators: dict[str, Any] = {}
    for campo in rubro.campos:
        if campo.options:
            options = campo.options

            def check(cls: type, value: str, _options: tuple[str, ...] = options) -> str:
                if value and value not in _options:
                    raise ValueError("elige una de las opciones de la lista")
                return value

            validators[f"check_{campo.name}"] = field_validator(campo.name)(check)
        elif (normalize := _CONTACT_CHECKS.get(campo.kind)) is not None:
            validators[f"check_{campo.name}"] = field_validator(campo.name)(_contact_check(normalize, campo.hosts))
    return create_model(f"Rubro_{rubro.clave}", __base__=_RubroBase, __validators__=validators, **fields)


RUBRO_MODELS = {r.clave: _model_for(r) for r in RUBROS}


def limits_for(rubro: Rubro, limite_texto_largo: int, limite_propuesta: int) -> dict[str, int]:
    """Each field's maximum length under the process's configured limits (docs/design.md §4: configurable)."""
    limits = {}
    for campo in rubro.campos:
        if campo.kind == "textarea":
            limit = limite_propuesta if campo.name.startswith("propuesta") else limite_texto_largo
            limits[campo.name] = min(campo.max_length, limit)
        else:
            limits[campo.name] = campo.max_length
    return limits


def clean_rubro(
    rubro: Rubro, data: dict[str, Any], limits: dict[str, int] | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """The rubro's values as saved, and a Spanish message per invalid field (empty when valid)."""
    values, errors = _validate(rubro, data)
    for campo in rubro.campos:
        limit = (limits or {}).get(campo.name, campo.max_length)
        if campo.name not in errors and len(values.get(campo.name, "")) > limit:
            errors[campo.name] = f"{campo.label}: admite como máximo {limit} caracteres."
    return values, errors


def _validate(rubro: Rubro, data: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    try:
        model = RUBRO_MODELS[rubro.clave].model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        labels = {c.name: c for c in rubro.campos}
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            campo = labels.get(name)
            if campo is None:
                continue
            if err["type"] == "string_too_long":
                errors[name] = f"{campo.label}: admite como máximo {campo.max_length} caracteres."
            elif err["type"] == "string_type":
                errors[name] = f"{campo.label}: el valor no es válido."
            else:
                errors[name] = f"{campo.label}: {mensaje(err).removesuffix('.')}."
        return {k: str(v) if isinstance(v, str) else "" for k, v in data.items() if k in labels}, errors
    return model.model_dump(), {}


def is_captured(values: dict[str, str] | None) -> bool:
    return bool(values) and any(v for v in values.values())  # type: ignore[union-attr]


# What makes each rubro complete: every field of a group of "all", or one field of a group of "any".
_COMPLETE_WHEN: dict[str, tuple[str, tuple[str, ...]]] = {
    "contacto": ("any", ("direccion_casa_campana", "telefono_publico", "correo_publico", "pagina_web")),
    "formacion": ("all", ("grado_maximo", "estatus")),
    "profesional": ("all", ("historia_profesional",)),
    "trayectoria": ("all", ("trayectoria_politica", "motivo_cargo_publico")),
    "propuestas": ("all", ("propuesta_1", "propuesta_2", "propuesta_genero")),
}


def rubro_complete(clave: str, values: dict[str, str] | None) -> bool:
    mode, names = _COMPLETE_WHEN[clave]
    filled = [bool((values or {}).get(name)) for name in names]
    return any(filled) if mode == "any" else all(filled)


def missing_rubros(saved: dict[str, dict[str, str]]) -> list[Rubro]:
    """The rubros still incomplete, in questionnaire order."""
    return [r for r in RUBROS if not rubro_complete(r.clave, saved.get(r.clave))]
