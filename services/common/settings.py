"""Settings shared by every process, read from the environment by pydantic-settings.

Each service subclasses :class:`ServiceSettings` with its own env prefix and default port. Settings are
built in ``create_app``/``main`` only and passed down; nothing reads them from a module global.
"""

from __future__ import annotations

from typing import Literal, TypeVar

from pydantic import AliasChoices, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "test", "staging", "production"]

# Known only to development and test runs; the launcher replaces it with a random one per run anyway.
_DEV_SECRET = "development-only-secret-never-use-in-production"  # noqa: S105 - refused outside development


class MissingSecretError(ValueError):
    """Raised when a process outside development starts without a required secret."""


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    env: Environment = Field("development", validation_alias=AliasChoices("CONOCELES_ENV"))
    database_url: str = Field(
        "postgresql://postgres@127.0.0.1:5432/conoceles", validation_alias=AliasChoices("DATABASE_URL")
    )
    redis_url: str = Field("redis://127.0.0.1:6379/0", validation_alias=AliasChoices("REDIS_URL"))
    # Signs the identity the gateway forwards to services (HMAC-SHA256).
    gateway_secret: str = Field(_DEV_SECRET, validation_alias=AliasChoices("CONOCELES_GATEWAY_SECRET"))
    # Accepted clock difference between gateway and service when checking a signature.
    signature_max_age: int = Field(30, validation_alias=AliasChoices("CONOCELES_SIGNATURE_MAX_AGE"))
    db_pool_min: int = Field(1, validation_alias=AliasChoices("CONOCELES_DB_POOL_MIN"))
    db_pool_max: int = Field(10, validation_alias=AliasChoices("CONOCELES_DB_POOL_MAX"))
    log_level: str = Field("INFO", validation_alias=AliasChoices("CONOCELES_LOG_LEVEL"))

    @property
    def is_development(self) -> bool:
        return self.env in ("development", "test")

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> CommonSettings:
        if not self.is_development and (self.gateway_secret == _DEV_SECRET or len(self.gateway_secret) < 32):
            raise MissingSecretError(
                "CONOCELES_GATEWAY_SECRET es obligatorio fuera de desarrollo (al menos 32 caracteres aleatorios, "
                "p. ej. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )
        return self


class ServiceSettings(CommonSettings):
    """A web service: where it listens and what it calls itself in logs and /health."""

    service_name: str = "service"
    host: str = "127.0.0.1"
    port: int = 8000

    # Cookies get the Secure flag outside development (TLS ends at Apache).
    @property
    def secure_cookies(self) -> bool:
        return not self.is_development


S = TypeVar("S", bound=BaseSettings)


def load_settings(settings_class: type[S]) -> S:
    """The settings from the environment, or exit with a clear message when they are not valid (no traceback)."""
    try:
        return settings_class()
    except ValidationError as exc:
        messages = "; ".join(str(err["msg"]).removeprefix("Value error, ") for err in exc.errors())
        raise SystemExit(f"{settings_class.__name__}: configuración no válida: {messages}") from None
