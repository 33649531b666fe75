"""The filters of the list and the API, validated once for both."""

from __future__ import annotations

import base64
import binascii

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.common.boundary import parse_int

from .text import normalize


class ListFilters(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    cargo: str | None = Field(None, max_length=20)
    postulante: str | None = Field(None, max_length=60)
    distrito: int | None = Field(None, ge=1, le=99)
    municipio: int | None = Field(None, ge=1, le=99999)
    sexo: str | None = Field(None, pattern="^(mujer|hombre|no_binario)$")
    q: str | None = Field(None, max_length=100)
    cursor: str | None = Field(None, max_length=40)
    limite: int = Field(24, ge=1, le=100)

    @field_validator("cargo", "postulante", "sexo", "q", "cursor", "distrito", "municipio", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def search(self) -> str | None:
        return normalize(self.q) if self.q else None

    @property
    def after_id(self) -> int | None:
        if not self.cursor:
            return None
        try:
            decoded = base64.urlsafe_b64decode(self.cursor.encode() + b"==").decode()
        except (ValueError, binascii.Error):
            return None
        # A made-up cursor past int4 would reach PostgreSQL as an id it cannot hold.
        return parse_int(decoded)


def encode_cursor(candidatura_id: int) -> str:
    return base64.urlsafe_b64encode(str(candidatura_id).encode()).decode().rstrip("=")
