from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class ValidacionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VALIDACION_", extra="ignore", frozen=True)

    service_name: str = "validacion"
    port: int = 8103
