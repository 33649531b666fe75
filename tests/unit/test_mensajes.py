"""pydantic's errors in Spanish."""

from __future__ import annotations

from datetime import date
from typing import Literal

import pytest
from pydantic import BaseModel, Field, ValidationError, field_validator

from services.common.mensajes import DEFAULT, detalles


class Modelo(BaseModel):
    nombre: str = Field(max_length=5)
    edad: int = Field(ge=18, le=99)
    fecha: date | None = None
    sexo: Literal["mujer", "hombre"] | None = None
    correo: str | None = None

    @field_validator("correo")
    @classmethod
    def _correo(cls, value: str | None) -> str | None:
        if value is not None and "@" not in value:
            raise ValueError("Escribe un correo electrónico válido.")
        return value


def _messages(data: dict[str, object]) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        Modelo.model_validate(data)
    return {d["campo"]: d["mensaje"] for d in detalles(info.value)}


def test_messages_are_spanish() -> None:
    messages = _messages({"nombre": "demasiado", "edad": "x", "fecha": "9999-99-99", "sexo": "otro", "correo": "no"})
    assert messages == {
        "nombre": "Admite como máximo 5 caracteres.",
        "edad": "Escribe un número entero.",
        "fecha": "Escribe una fecha válida (AAAA-MM-DD).",
        "sexo": "Elige una de las opciones.",
        "correo": "Escribe un correo electrónico válido.",
    }


def test_bounds_and_missing() -> None:
    assert _messages({"nombre": "ana", "edad": 5}) == {"edad": "Debe ser al menos 18."}
    assert _messages({"nombre": "ana", "edad": 120}) == {"edad": "Debe ser como máximo 99."}
    assert _messages({}) == {"nombre": "Este dato es obligatorio.", "edad": "Este dato es obligatorio."}


def test_no_english_leaks() -> None:
    english = ("Input", "should", "valid", "Field required", "Value error")
    for data in ({"nombre": 1, "edad": 2**80}, {"nombre": None, "edad": None, "fecha": 3.5}, {"x": 1}):
        for message in _messages(data).values():
            assert not any(word in message for word in english), message
            assert message == DEFAULT or message.endswith(".")
