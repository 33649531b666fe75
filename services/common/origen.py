"""Cross-site requests refused: a state-changing request sent by a browser from another site never runs.

The CSRF token already stops a forged form; this is the second lock OWASP recommends. A browser names the
page that sent a POST in ``Origin`` (or, when it leaves that out, in ``Referer``); either must be the
system's own public address (``CONOCELES_PUBLIC_URL``) or the host the request was sent to, as the gateway
forwards it (``X-Forwarded-Host``), so ``localhost`` and ``127.0.0.1`` both work in development. A request
with neither header (a script, an old client) is left to the token. ``Origin: null`` (a sandboxed frame,
a ``data:`` page) is another site. No I/O.
"""

from __future__ import annotations

from urllib.parse import urlsplit

CROSS_ORIGIN_MESSAGE = (
    "Por seguridad no aceptamos formularios enviados desde otro sitio. "
    "Abre la página en este sitio e inténtalo de nuevo."
)


def host_of(url: str) -> str | None:
    """``host[:port]`` of an absolute http(s) URL, lowercased, with the scheme's default port left out."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = 80 if parts.scheme == "http" else 443
    return parts.hostname.lower() + ("" if port in (None, default) else f":{port}")


def _netloc(host: str) -> str:
    host = host.strip().lower()
    for port in (":80", ":443"):
        if host.endswith(port):
            return host.removesuffix(port)
    return host


def allowed_hosts(public_url: str, forwarded_host: str | None) -> frozenset[str]:
    hosts = {h for h in (host_of(public_url),) if h}
    if forwarded_host:
        hosts.add(_netloc(forwarded_host))
    return frozenset(hosts)


def cross_site(origin: str | None, referer: str | None, allowed: frozenset[str]) -> bool:
    """True when the browser says the request came from a page of another site."""
    if origin is not None:
        return host_of(origin) not in allowed
    if referer:
        return host_of(referer) not in allowed
    return False
