from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class PublicoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PUBLICO_", extra="ignore", frozen=True)

    service_name: str = "publico"
    port: int = 8104
    cache_ttl: int = 600
