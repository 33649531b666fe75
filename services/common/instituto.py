"""Who runs this deployment: the electoral institute (OPL) and its state, by configuration, never in code.

The defaults are those of the first deployment (Michoacán), whose catalogs ship in ``data/``; another OPL sets
the ``CONOCELES_INSTITUTO_*`` variables and points ``CONOCELES_CATALOGOS`` at its own manifest (README.md,
docs/deploy.md). The process (its name, dates and time zone) is data: ``registro.procesos``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class Instituto(BaseSettings):
    model_config = SettingsConfigDict(
        # An empty variable (compose passes every one, set or not) means the default.
        env_prefix="CONOCELES_INSTITUTO_",
        extra="ignore",
        frozen=True,
        env_ignore_empty=True,
    )

    nombre: str = Field("Instituto Electoral de Michoacán", min_length=3, max_length=200)
    siglas: str = Field("IEM", min_length=1, max_length=20)
    # The state as people write it: import messages say «El municipio «X» no existe en <entidad>».
    entidad: str = Field("Michoacán", min_length=2, max_length=80)
    url: str = Field("https://www.iem.org.mx", max_length=300)
    # Address of the logo image shown in the page footer (e.g. /static/logo.svg or https://…); empty: none.
    logo: str = Field("", max_length=300)
    # The manifest of the state's catalogs (municipios, distritos, partidos, cargos): data/catalogos.toml.
    catalogos: Path = Field(
        DATA_DIR / "catalogos.toml", validation_alias=AliasChoices("CONOCELES_CATALOGOS", "catalogos")
    )

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("CONOCELES_INSTITUTO_URL debe empezar con http:// o https://")
        return value

    @field_validator("logo")
    @classmethod
    def _logo_is_a_path_or_https(cls, value: str) -> str:
        if value and not (value.startswith("https://") or (value.startswith("/") and not value.startswith("//"))):
            raise ValueError(
                "CONOCELES_INSTITUTO_LOGO debe ser una ruta del sitio (/static/…) o una dirección https://"
            )
        return value
