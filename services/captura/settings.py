from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class CapturaSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CAPTURA_", extra="ignore", frozen=True)

    service_name: str = "captura"
    port: int = 8102
