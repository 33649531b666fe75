from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class ReportesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTES_", extra="ignore", frozen=True)

    service_name: str = "reportes"
    port: int = 8106
