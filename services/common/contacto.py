"""The public contact fields of a candidacy, checked and normalized on the server (no I/O), and the one test
that decides whether a stored address may be shown as a link.

Each ``normalize_*`` returns the value as it is stored, or raises ``ValueError`` with the Spanish message for
the person (without the field's label, which the caller adds).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

# A pragmatic address check (RFC 5322 allows far more than people type): one @, no spaces, a domain of
# dot-separated labels ending in letters. The TLD is not looked up: ".invalid" and new TLDs pass.
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_TLD = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
CORREO_INVALIDO = "escribe un correo electrónico válido, por ejemplo nombre@dominio.mx"

# Mexican numbers have 10 digits since 2019; +52 is what callers from abroad add. An extension may follow.
_PHONE_CHARS = re.compile(r"[0-9 ()+.\-]+")
_EXTENSION = re.compile(r"\s*(?:ext\.?|extensi[oó]n)\s*(\d{1,6})\s*$", re.IGNORECASE)
# Mexico City, Guadalajara and Monterrey have two-digit area codes; everywhere else has three.
_AREAS_DE_DOS = ("55", "56", "33", "81")
TELEFONO_INVALIDO = "escribe un teléfono de 10 dígitos, por ejemplo 443 312 0000 (puedes anteponer +52)"

SCHEMES = ("http", "https")
URL_INVALIDA = "escribe una dirección web completa, por ejemplo https://www.ejemplo.mx"
URL_ESQUEMA = "solo se aceptan direcciones web que empiecen con http:// o https://"
URL_CREDENCIALES = "la dirección no puede llevar usuario ni contraseña"


def _has_control_or_space(value: str) -> bool:
    return any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in value)


def _domain(host: str) -> str | None:
    """The host in lower case and in its ASCII (IDNA) form, if it is a domain name with a TLD; else None."""
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = ascii_host.split(".")
    if len(labels) < 2 or len(ascii_host) > 253:
        return None
    if not all(_LABEL.fullmatch(label) for label in labels[:-1]) or not _TLD.fullmatch(labels[-1]):
        return None
    return ascii_host


def normalize_email(value: str) -> str:
    value = value.strip()
    local, at, host = value.rpartition("@")
    if not at or not local or len(value) > 254 or len(local) > 64 or _has_control_or_space(value):
        raise ValueError(CORREO_INVALIDO)
    if not _LOCAL.fullmatch(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        raise ValueError(CORREO_INVALIDO)
    if _domain(host) is None:
        raise ValueError(CORREO_INVALIDO)
    return f"{local}@{host.lower().rstrip('.')}"


def normalize_phone(value: str) -> str:
    """A Mexican phone number as ``443 312 0000`` (``55 1234 5678`` for two-digit area codes)."""
    value = value.strip()
    extension = ""
    if match := _EXTENSION.search(value):
        extension = f" ext. {match.group(1)}"
        value = value[: match.start()]
    if not value or not _PHONE_CHARS.fullmatch(value) or "+" in value.lstrip()[1:]:
        raise ValueError(TELEFONO_INVALIDO)
    digits = re.sub(r"\D", "", value)
    if value.startswith("+"):
        if not digits.startswith("52"):
            raise ValueError(TELEFONO_INVALIDO)
        digits = digits[2:]
        # Before 2020 mobiles were dialled from abroad as +52 1 …: the 1 is gone, people still write it.
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
    if len(digits) != 10:
        raise ValueError(TELEFONO_INVALIDO)
    area = 2 if digits[:2] in _AREAS_DE_DOS else 3
    rest = digits[area:]
    return f"{digits[:area]} {rest[:-4]} {rest[-4:]}{extension}"


def normalize_url(value: str, hosts: tuple[str, ...] = ()) -> str:
    """An http(s) address; with ``hosts``, one on those domains (or their subdomains, like www. or m.)."""
    value = value.strip()
    if _has_control_or_space(value):
        raise ValueError(URL_INVALIDA)
    parts = urlsplit(value)
    if not parts.scheme and not value.startswith("/"):
        # "www.ejemplo.mx" or "facebook.com/mi-pagina": people leave out the scheme; a browser would use https.
        parts = urlsplit("https://" + value)
    elif parts.scheme and parts.netloc == "" and "." in parts.scheme:
        parts = urlsplit("https://" + value)  # "ejemplo.mx:8080/x" reads as scheme "ejemplo.mx"
    if parts.scheme.lower() not in SCHEMES:
        raise ValueError(URL_ESQUEMA)
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise ValueError(URL_INVALIDA) from None
    if parts.username is not None or parts.password is not None:
        raise ValueError(URL_CREDENCIALES)
    domain = _domain(host or "")
    if domain is None:
        raise ValueError(URL_INVALIDA)
    if hosts and not any(domain == h or domain.endswith("." + h) for h in hosts):
        raise ValueError(_other_host(hosts))
    netloc = domain if port is None else f"{domain}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))


def _other_host(hosts: tuple[str, ...]) -> str:
    names = " o ".join(hosts)
    return f"escribe la dirección de tu perfil en {names} (por ejemplo, https://www.{hosts[0]}/tu-perfil)"


def safe_href(value: object) -> str | None:
    """The address to put in a link's href, or None when the value must be shown as plain text: only http(s)
    addresses with a host and nothing a browser would read differently (spaces, control characters)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or _has_control_or_space(value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in SCHEMES or not parts.netloc or "\\" in value:
        return None
    return value
