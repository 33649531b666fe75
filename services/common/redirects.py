"""Where a redirect built from user input may go: only a path of this site (never an open redirect). No I/O.

Browsers are lenient with a ``Location``: they drop tabs and newlines anywhere, read ``\\`` as ``/``, and take
``//host`` (or ``/\\host``) as another site. So a value is accepted only if it is plain printable ASCII, starts
with exactly one ``/``, has no scheme, host, backslash or dot segment, and stays so once percent-decoded
(a later hop may decode it). Anything else gives ``None`` and the caller uses its own default.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

MAX_LENGTH = 2048
# Percent-decoding more than this many times to find the real value is itself a sign of an attack.
MAX_DECODINGS = 3


def _printable(text: str) -> bool:
    return all("\x21" <= ch <= "\x7e" and ch != "\\" for ch in text)


def _local_path(path: str) -> bool:
    return (
        path.startswith("/")
        and not path.startswith("//")
        and _printable(path)
        and not any(segment in (".", "..") for segment in path.split("/"))
    )


def safe_next(value: object) -> str | None:
    """``value`` if it is a path of this site to send someone back to, else ``None``."""
    if not isinstance(value, str) or len(value) > MAX_LENGTH or not _printable(value):
        return None
    if not value.startswith("/") or value.startswith("//"):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    # The query and fragment may hold any encoded text (a search); only the path decides where the browser goes.
    path = parts.path
    for _ in range(MAX_DECODINGS + 1):
        if not _local_path(path):
            return None
        decoded = unquote(path)
        if decoded == path:
            return value
        path = decoded
    return None
