"""The identity the gateway forwards to services, signed with HMAC so a service can trust it.

The gateway resolves the session cookie in Redis and sends ``X-Conoceles-Identity`` (base64url JSON),
``X-Conoceles-Timestamp`` and ``X-Conoceles-Signature``. A service that receives no valid signature, an
old timestamp or a tampered payload treats the request as anonymous: it never trusts the client.
"""

from __future__ import annotations

import base64
import functools
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

import orjson

IDENTITY_HEADER = "X-Conoceles-Identity"
TIMESTAMP_HEADER = "X-Conoceles-Timestamp"
SIGNATURE_HEADER = "X-Conoceles-Signature"
REQUEST_ID_HEADER = "X-Request-Id"
# Every header a client could use to impersonate someone; the gateway strips them all.
FORWARDED_IDENTITY_HEADERS = (IDENTITY_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER)
# Beyond the gateway's wait, a signature must survive the clock difference between hosts and the moment a busy
# service takes to read the headers it already received.
SIGNATURE_MARGIN = 10


def timeouts_problem(upstream_timeout: float, signature_max_age: float) -> str | None:
    """Why these two settings cannot work together (in Spanish, for the operator), or None when they can.

    The gateway signs the identity when it forwards a request and waits up to ``upstream_timeout`` for the
    service; a service that reads the request near the end of that wait must still find the signature valid, or
    a slow save answers 401 and the person loses what they typed.
    """
    if signature_max_age < upstream_timeout + SIGNATURE_MARGIN:
        return (
            f"CONOCELES_SIGNATURE_MAX_AGE ({signature_max_age:g} s) debe ser al menos CONOCELES_UPSTREAM_TIMEOUT "
            f"({upstream_timeout:g} s) más {SIGNATURE_MARGIN} s: si no, una solicitud lenta cerraría la sesión."
        )
    return None


@dataclass(frozen=True)
class Identity:
    """Who is asking. ``user_id`` is None for anonymous visitors (who may still hold a session for CSRF)."""

    user_id: int | None = None
    username: str | None = None
    role: str | None = None
    # Scope of candidate-side roles: the postulante of a representative, the candidaturas of a candidate.
    postulante_id: int | None = None
    candidatura_ids: tuple[int, ...] = field(default_factory=tuple)
    # Until a generated password is changed, only the password page and logout are open.
    must_change_password: bool = False
    session_id: str | None = None
    csrf_token: str | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def to_json(self) -> bytes:
        # orjson writes a dataclass's fields in order, as dataclasses.asdict + dumps did, without asdict's deep
        # copy (this runs on every request the gateway forwards).
        return orjson.dumps(self)

    @classmethod
    def from_json(cls, raw: bytes | str) -> Identity:
        data = orjson.loads(raw)
        values = {k: v for k, v in data.items() if k in _FIELDS}
        values["candidatura_ids"] = tuple(values.get("candidatura_ids") or ())
        return cls(**values)


ANONYMOUS = Identity()
_FIELDS = frozenset(f.name for f in fields(Identity))


@functools.lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return secret.encode()


def _mac(secret: str, timestamp: str, payload: str, request_id: str) -> str:
    message = f"{timestamp}\n{request_id}\n{payload}".encode()
    # hmac.digest: OpenSSL's one-shot HMAC, no hmac.HMAC object per request (the same bytes as hmac.new).
    return hmac.digest(_key(secret), message, "sha256").hex()


def sign(identity: Identity, secret: str, request_id: str, now: float | None = None) -> dict[str, str]:
    """Headers that carry ``identity`` to a service, bound to this request id and this moment."""
    timestamp = str(int(now if now is not None else time.time()))
    payload = base64.urlsafe_b64encode(identity.to_json()).decode()
    return {
        IDENTITY_HEADER: payload,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: _mac(secret, timestamp, payload, request_id),
    }


def verify(headers: Mapping[str, str], secret: str, max_age: int, now: float | None = None) -> Identity:
    """The identity in ``headers`` when its signature is valid and fresh; anonymous otherwise."""
    get = headers.get
    payload, timestamp, signature = get(IDENTITY_HEADER), get(TIMESTAMP_HEADER), get(SIGNATURE_HEADER)
    if not (payload and timestamp and signature):
        return ANONYMOUS
    try:
        age = (now if now is not None else time.time()) - int(timestamp)
    except ValueError:
        return ANONYMOUS
    if abs(age) > max_age:
        return ANONYMOUS
    expected = _mac(secret, timestamp, payload, get(REQUEST_ID_HEADER) or "")
    if not hmac.compare_digest(expected, signature):
        return ANONYMOUS
    try:
        return Identity.from_json(base64.urlsafe_b64decode(payload.encode()))
    except (ValueError, TypeError):
        return ANONYMOUS
