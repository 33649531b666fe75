"""Capture rules of the cuestionario curricular that need no I/O: cleaning one rubro's form (options, contact
data, lengths under the process's limits) and what makes a rubro, and the questionnaire, complete for submit.

The rubros and their fields are data shared with the services that show them (services/common/curricular.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from services.common import contacto
from services.common.curricular import RUBROS, Rubro
from services.common.marcadores import es_marcador
from services.common.mensajes import mensaje


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
    # A placeholder («N/A», «.», «sin información») is not an answer: the public profile shows it as missing.
    filled = [not es_marcador((values or {}).get(name) or None) for name in names]
    return any(filled) if mode == "any" else all(filled)


def missing_rubros(saved: dict[str, dict[str, str]]) -> list[Rubro]:
    """The rubros still incomplete, in questionnaire order."""
    return [r for r in RUBROS if not rubro_complete(r.clave, saved.get(r.clave))]


def curricular_missing(saved: dict[str, Any]) -> list[str]:
    """Titles of the rubros still incomplete: the cuestionario curricular is submitted whole."""
    return [r.titulo for r in missing_rubros(saved)]
