from __future__ import annotations

from pydantic import BaseModel, Field


class LoginForm(BaseModel):
    usuario: str = Field(min_length=1, max_length=254)
    contrasena: str = Field(min_length=1, max_length=1024)
    siguiente: str = ""
