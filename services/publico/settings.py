from __future__ import annotations

from functools import cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.settings import ServiceSettings


class PublicoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PUBLICO_", extra="ignore", frozen=True)

    service_name: str = "publico"
    port: int = 8104
    cache_ttl: int = 600
    # PUBLICO_DATABASE_READ_URL: a streaming replica the public pages read from (services/publico/lectura.py).
    database_read_url: str | None = None
    # The meta description of the public pages that have no more specific one (search engines show it).
    descripcion: str = (
        "Consulta la información curricular, la trayectoria y las propuestas que declararon las candidaturas "
        "registradas en el proceso electoral, revisadas por la autoridad electoral."
    )


class DatosSettings(BaseSettings):
    """What the release job (in publico's worker, which loads only the common settings) and /datos both read."""

    model_config = SettingsConfigDict(env_prefix="PUBLICO_", extra="ignore", frozen=True)

    # How many of the latest open-data releases keep their files; older ones keep their row and checksums only.
    datos_conservar: int = Field(10, ge=1)


@cache
def datos_settings() -> DatosSettings:
    return DatosSettings()
