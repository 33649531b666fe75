from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from services.common.settings import CommonSettings

DEFAULT_UPSTREAMS = {
    "auth": ["http://127.0.0.1:8101"],
    "captura": ["http://127.0.0.1:8102"],
    "validacion": ["http://127.0.0.1:8103"],
    "publico": ["http://127.0.0.1:8104", "http://127.0.0.1:8105"],
    "reportes": ["http://127.0.0.1:8106"],
}


class GatewaySettings(CommonSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", frozen=True)

    host: str = "127.0.0.1"
    port: int = 8080
    # JSON: {"service": ["http://host:port", ...]}; a host name is expanded to all its addresses (compose replicas).
    upstreams: dict[str, list[str]] = Field(default_factory=lambda: dict(DEFAULT_UPSTREAMS))
    health_interval: float = 2.0
    # A failed upstream is skipped for this long before it is tried again.
    down_for: float = 5.0
    # Requests one upstream process holds at once, and requests that may wait for a free place per service:
    # a frozen service takes no more than these, the rest answer 503 at once (flat memory, other services fast).
    upstream_concurrency: int = Field(100, ge=1)
    upstream_queue: int = Field(100, ge=0)
    login_attempts_per_minute: int = 20
    api_requests_per_minute: int = 600
    # max_body_size comes from CONOCELES_MAX_UPLOAD_MB (CommonSettings), shared with every service.
    # The operators' port (detailed /health and every process's /metrics), on a local address only; 0: none.
    operator_host: str = "127.0.0.1"
    operator_port: int = 0
    # The public pages the gateway answers from its own memory (gateway/page_cache.py): its size in MiB per
    # gateway process (0: off), the largest answer it keeps, and how often it reads Redis's publication generation
    # (the longest a publication or withdrawal may wait to show through the gateway; 0: read on every hit).
    page_cache_mb: float = Field(32, ge=0)
    page_cache_entry_kb: int = Field(1024, ge=1)
    page_cache_check_interval: float = Field(0.5, ge=0, le=10)
    # Proxies in front of the gateway (Apache) whose X-Forwarded-For is believed: addresses or networks.
    trusted_proxies: list[IPv4Network | IPv6Network] = Field(default_factory=list)

    @field_validator("upstreams")
    @classmethod
    def _every_service_routed(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        missing = set(DEFAULT_UPSTREAMS) - set(value)
        if missing or any(not urls for urls in value.values()):
            raise ValueError(f"GATEWAY_UPSTREAMS necesita al menos una dirección para: {sorted(missing) or 'todos'}")
        return value

    @property
    def secure_cookies(self) -> bool:
        return not self.is_development
