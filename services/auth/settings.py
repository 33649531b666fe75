from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class AuthSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AUTH_", extra="ignore", frozen=True)

    service_name: str = "auth"
    port: int = 8101
    # The folder where launcher/mailsink.py drops the mail of `make run` and the tests (AUTH_DEV_MAILDIR);
    # /cuenta/correo-dev shows it to an admin, in development only.
    dev_maildir: Path | None = None
