"""What a reviewer may send when returning a version: per observed rubro, a ground and an explanation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator


class Observacion(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    rubro: str
    fundamento: str
    texto: str = Field(min_length=1, max_length=2000)

    @field_validator("fundamento")
    @classmethod
    def _known(cls, value: str, info: ValidationInfo) -> str:
        # The catalog of the questionnaire under review comes in the validation context.
        if value not in (info.context or {}).get("fundamentos", ()):
            raise ValueError("elige un fundamento del catálogo")
        return value


def parse_observaciones(
    form: Mapping[str, str], rubros: Iterable[str], fundamentos: Mapping[str, str]
) -> tuple[list[Observacion], dict[str, str]]:
    """The observations ticked in the form (``observar_<rubro>``), and a Spanish message per faulty rubro; a ground
    must come from ``fundamentos``, the catalog of the questionnaire under review."""
    observaciones: list[Observacion] = []
    errors: dict[str, str] = {}
    for rubro in rubros:
        if form.get(f"observar_{rubro}") != "1":
            continue
        try:
            sent = {
                "rubro": rubro,
                "fundamento": form.get(f"fundamento_{rubro}", ""),
                "texto": form.get(f"texto_{rubro}", ""),
            }
            observaciones.append(Observacion.model_validate(sent, context={"fundamentos": fundamentos}))
        except ValidationError:
            errors[f"texto_{rubro}"] = "Para observar un rubro elige el fundamento y explica qué debe corregirse."
    if not observaciones and not errors:
        errors["_"] = "Marca al menos un rubro con su observación para devolver el cuestionario."
    return observaciones, errors
