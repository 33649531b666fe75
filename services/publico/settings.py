from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class PublicoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PUBLICO_", extra="ignore", frozen=True)

    service_name: str = "publico"
    port: int = 8104
    cache_ttl: int = 600
    # How many of the latest open-data releases keep their files; older ones keep their row and checksums only.
    datos_conservar: int = Field(10, ge=1)
    # The meta description of the public pages that have no more specific one (search engines show it).
    descripcion: str = (
        "Consulta la información curricular, la trayectoria y las propuestas que declararon las candidaturas "
        "registradas en el proceso electoral, revisadas por la autoridad electoral."
    )
