from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings

from .passwords import DEFAULT_PARAMS, Argon2Params


class AuthSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AUTH_", extra="ignore", frozen=True)

    service_name: str = "auth"
    port: int = 8101
    # The folder where launcher/mailsink.py drops the mail of `make run` and the tests (AUTH_DEV_MAILDIR);
    # /cuenta/correo-dev shows it to an admin, in development only.
    dev_maildir: Path | None = None
    # argon2 hashes (or verifications) computed at once in one process, the auth service's and the auth worker's
    # each (AUTH_HASH_CONCURRENCY): each holds argon2_memory_kib while it runs, so the process's memory is bounded
    # by about this many times that. More logins than this wait their turn, they are not refused. One per core:
    # more would not finish sooner.
    hash_concurrency: int = Field(2, ge=1, le=64)
    # argon2id's cost for new hashes (AUTH_ARGON2_*); a login with a hash made with other parameters stores a new
    # one. See services/auth/passwords.py and docs/seguridad.md.
    argon2_memory_kib: int = Field(DEFAULT_PARAMS.memory_kib, ge=8192)
    argon2_time_cost: int = Field(DEFAULT_PARAMS.time_cost, ge=1)
    argon2_parallelism: int = Field(DEFAULT_PARAMS.parallelism, ge=1)

    @property
    def argon2(self) -> Argon2Params:
        return Argon2Params(self.argon2_memory_kib, self.argon2_time_cost, self.argon2_parallelism)
