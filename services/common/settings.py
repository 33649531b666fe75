"""Settings shared by every process, read from the environment by pydantic-settings.

Each service subclasses :class:`ServiceSettings` with its own env prefix and default port. Settings are
built in ``create_app``/``main`` only and passed down; nothing reads them from a module global.
"""

from __future__ import annotations

from email.utils import parseaddr
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .instituto import Instituto
from .limites import MULTIPART_ENVELOPE
from .signed_identity import timeouts_problem

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
    # How long a signed identity stays valid. It must outlast the gateway's wait for a service
    # (upstream_timeout) plus clock skew, or a request that waited logs its user out (issue #13, finding 2).
    signature_max_age: int = Field(90, ge=1, validation_alias=AliasChoices("CONOCELES_SIGNATURE_MAX_AGE"))
    # How long the gateway waits for a service's answer to start before it answers 504 itself. Shared by every
    # process so each one checks at startup that the signature outlives it.
    upstream_timeout: float = Field(60, gt=0, validation_alias=AliasChoices("CONOCELES_UPSTREAM_TIMEOUT"))
    db_pool_min: int = Field(1, validation_alias=AliasChoices("CONOCELES_DB_POOL_MIN"))
    db_pool_max: int = Field(10, validation_alias=AliasChoices("CONOCELES_DB_POOL_MAX"))
    # How long a request may wait on PostgreSQL before it becomes a 503 (seconds): opening a connection, getting
    # one from a busy pool, one statement. An outage is a quick "try again", never a hang.
    db_connect_timeout: float = Field(5, gt=0, validation_alias=AliasChoices("CONOCELES_DB_CONNECT_TIMEOUT"))
    db_acquire_timeout: float = Field(10, gt=0, validation_alias=AliasChoices("CONOCELES_DB_ACQUIRE_TIMEOUT"))
    db_command_timeout: float = Field(30, gt=0, validation_alias=AliasChoices("CONOCELES_DB_COMMAND_TIMEOUT"))
    # The same for Redis (sessions, rate limits, arq): connecting and each command.
    redis_timeout: float = Field(2, gt=0, validation_alias=AliasChoices("CONOCELES_REDIS_TIMEOUT"))
    # The outbox relay (services/common/outbox.py): NOTIFY wakes it at once; it also polls this often, and hands a
    # job over again when it is still not done this long after (a Redis that lost it).
    outbox_poll_interval: float = Field(1, gt=0, validation_alias=AliasChoices("CONOCELES_OUTBOX_POLL_INTERVAL"))
    outbox_redeliver_after: float = Field(30, gt=0, validation_alias=AliasChoices("CONOCELES_OUTBOX_REDELIVER_AFTER"))
    log_level: str = Field("INFO", validation_alias=AliasChoices("CONOCELES_LOG_LEVEL"))
    # "json": one JSON object per line with the request id (compose); "texto": readable lines (make run).
    log_format: Literal["texto", "json"] = Field("texto", validation_alias=AliasChoices("CONOCELES_LOG_FORMAT"))
    # Where people reach the system: links in mail (password recovery) are built on it.
    public_url: str = Field("http://127.0.0.1:8080", validation_alias=AliasChoices("CONOCELES_PUBLIC_URL"))
    # Outgoing mail (the auth worker sends it). `make run` and the tests point it at launcher/mailsink.py.
    smtp_host: str = Field("127.0.0.1", min_length=1, validation_alias=AliasChoices("CONOCELES_SMTP_HOST"))
    smtp_port: int = Field(25, ge=1, le=65535, validation_alias=AliasChoices("CONOCELES_SMTP_PORT"))
    smtp_from: str = Field(
        "Conóceles <no-responder@localhost>", min_length=3, validation_alias=AliasChoices("CONOCELES_SMTP_FROM")
    )
    smtp_username: str | None = Field(None, validation_alias=AliasChoices("CONOCELES_SMTP_USERNAME"))
    smtp_password: SecretStr | None = Field(None, validation_alias=AliasChoices("CONOCELES_SMTP_PASSWORD"))
    # True: upgrade with STARTTLS and refuse to send if the server does not offer it; False: plain SMTP.
    smtp_starttls: bool = Field(False, validation_alias=AliasChoices("CONOCELES_SMTP_STARTTLS"))
    # Uploaded files: `privado/` (photos and signed consent forms, served only through captura's scope checks)
    # and `publico/` (copies of published photos, served by publico or Apache at /media/). The launcher points it
    # at `<data dir>/media`; compose at the `media` volume.
    media_dir: Path = Field(Path(".data/media"), validation_alias=AliasChoices("CONOCELES_MEDIA_DIR"))
    # The largest file anyone may upload (a registry file, a signed form, a photo); see services/common/limites.py.
    max_upload_mb: int = Field(12, ge=1, le=1024, validation_alias=AliasChoices("CONOCELES_MAX_UPLOAD_MB"))
    # The institute running this deployment (CONOCELES_INSTITUTO_*): services/common/instituto.py.
    instituto: Instituto = Field(default_factory=Instituto, validation_alias=AliasChoices("CONOCELES_INSTITUTO"))

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024**2

    @property
    def max_body_size(self) -> int:
        """The largest request body the gateway forwards and a service parses: one file and its form."""
        return self.max_upload_bytes + MULTIPART_ENVELOPE

    @property
    def is_development(self) -> bool:
        return self.env in ("development", "test")

    @field_validator("public_url")
    @classmethod
    def _public_url_is_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("CONOCELES_PUBLIC_URL debe empezar con http:// o https://")
        return value.rstrip("/")

    @field_validator("smtp_username", "smtp_password", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        # An env file with `CONOCELES_SMTP_USERNAME=` means "no login", not a login with an empty name.
        return None if value == "" else value

    @field_validator("smtp_from")
    @classmethod
    def _smtp_from_has_an_address(cls, value: str) -> str:
        if "@" not in parseaddr(value)[1]:
            raise ValueError("CONOCELES_SMTP_FROM debe ser una dirección, p. ej. 'Conóceles <no-responder@iem.org.mx>'")
        return value

    @model_validator(mode="after")
    def _smtp_credentials_in_pairs(self) -> CommonSettings:
        if (self.smtp_username is None) != (self.smtp_password is None):
            raise ValueError("CONOCELES_SMTP_USERNAME y CONOCELES_SMTP_PASSWORD se configuran juntas.")
        return self

    @model_validator(mode="after")
    def _signature_outlives_the_wait(self) -> CommonSettings:
        problem = timeouts_problem(self.upstream_timeout, self.signature_max_age)
        if problem:
            raise ValueError(problem)
        return self

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
