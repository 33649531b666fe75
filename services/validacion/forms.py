"""What a reviewer may send when returning a version: per observed rubro, a ground and an explanation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from services.common.observaciones import FUNDAMENTOS


class Observacion(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    rubro: str
    fundamento: str
    texto: str = Field(min_length=1, max_length=2000)

    @field_validator("fundamento")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in FUNDAMENTOS:
            raise ValueError("elige un fundamento del catálogo")
        return value


def parse_observaciones(form: Mapping[str, str], rubros: Iterable[str]) -> tuple[list[Observacion], dict[str, str]]:
    """The observations ticked in the form (``observar_<rubro>``), and a Spanish message per faulty rubro."""
    observaciones: list[Observacion] = []
    errors: dict[str, str] = {}
    for rubro in rubros:
        if form.get(f"observar_{rubro}") != "1":
            continue
        try:
            observaciones.append(
                Observacion(
                    rubro=rubro, fundamento=form.get(f"fundamento_{rubro}", ""), texto=form.get(f"texto_{rubro}", "")
                )
            )
        except ValidationError:
            errors[f"texto_{rubro}"] = "Para observar un rubro elige el fundamento y explica qué debe corregirse."
    if not observaciones and not errors:
        errors["_"] = "Marca al menos un rubro con su observación para devolver el cuestionario."
    return observaciones, errors
