from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class ValidacionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VALIDACION_", extra="ignore", frozen=True)

    service_name: str = "validacion"
    port: int = 8103

    # Registry import caps (docs/importacion.md): rows with data per file, rows counting blank ones, the expanded
    # size of an XLSX, and how many problems a preview keeps and lists.
    importacion_max_filas: int = Field(20_000, ge=1, le=1_000_000)
    importacion_max_renglones: int = Field(40_000, ge=1, le=2_000_000)
    importacion_max_xlsx_mb: int = Field(100, ge=1, le=2_000)
    importacion_max_problemas: int = Field(1_000, ge=1, le=100_000)

    # How long opening a pending review keeps it for that reviewer (validacion.revisiones.reclamada_hasta): others
    # see who holds it and cannot decide on it until then.
    reclamo_minutos: int = Field(30, ge=1, le=480)
