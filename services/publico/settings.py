from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class PublicoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PUBLICO_", extra="ignore", frozen=True)

    service_name: str = "publico"
    port: int = 8104
    cache_ttl: int = 600
    # The meta description of the public pages that have no more specific one (search engines show it).
    descripcion: str = (
        "Consulta la información curricular, la trayectoria y las propuestas que declararon las candidaturas "
        "registradas en el proceso electoral, revisadas por la autoridad electoral."
    )
