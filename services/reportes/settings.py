from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings

# The slate rules report 5 checks (data, per state: docs/reportes-omisos-calidad.md).
REGLAS_CALIDAD = Path(__file__).resolve().parents[2] / "data" / "reglas_calidad.toml"


class ReportesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTES_", extra="ignore", frozen=True)

    service_name: str = "reportes"
    port: int = 8106
    reglas_calidad: Path = REGLAS_CALIDAD


def ruta_reglas() -> Path:
    """The rules file, for the page and for the render worker (whose settings are the common ones)."""
    return ReportesSettings().reglas_calidad
