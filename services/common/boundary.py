"""Hostile input stops at the door: control characters, integers PostgreSQL cannot hold, malformed bodies.

PostgreSQL refuses a NUL byte in text and asyncpg refuses an integer outside int4/int8 before the query runs;
both surfaced as 500s. Every service checks once here, in one middleware and two helpers, instead of in each
handler.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

log = logging.getLogger(__name__)

INT4_MIN, INT4_MAX = -(2**31), 2**31 - 1
INT8_MIN, INT8_MAX = -(2**63), 2**63 - 1
# C0 controls and DEL, except tab, line feed and carriage return (text areas send those).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DIGITS = re.compile(r"[+-]?[0-9]{1,20}")
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CONTROL_MESSAGE = "La solicitud contiene caracteres no permitidos (por ejemplo, un carácter nulo). Revisa el texto."
MALFORMED_MESSAGE = "El formulario no es válido o contiene caracteres no válidos. Vuelve a cargar la página."
# What request.post() raises on a body that is not what its Content-Type says (see tests/unit/test_boundary.py).
MALFORMED_BODY_ERRORS = (ValueError, LookupError, RuntimeError, HttpProcessingError)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def any_control(texts: Iterable[str]) -> bool:
    return any(_CONTROL.search(t) for t in texts)


def parse_int(text: object, *, bits: int = 32) -> int | None:
    """``text`` as an integer PostgreSQL can store in int4 (``bits=32``) or int8 (``bits=64``), else None."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    elif isinstance(text, str) and _DIGITS.fullmatch(text.strip()):
        # str.strip() removes more than int() accepts (U+001D, a decoded made-up cursor): parse what matched.
        value = int(text.strip())
    else:
        return None
    low, high = (INT4_MIN, INT4_MAX) if bits == 32 else (INT8_MIN, INT8_MAX)
    return value if low <= value <= high else None


def path_int(request: web.Request, name: str = "id", *, bits: int = 32) -> int:
    """A path parameter as a database id; anything else (letters, 2147483648) is a page that does not exist."""
    value = parse_int(request.match_info.get(name, ""), bits=bits)
    if value is None:
        raise web.HTTPNotFound()
    return value


def like_contains(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its own ``%``, ``_`` and ``\\`` taken literally.

    Use it with ``LIKE $n ESCAPE '\\'`` (backslash is also PostgreSQL's default escape character).
    """
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@web.middleware
async def boundary_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """400 for control characters in the path, the query or a form, and for a form body that does not parse.

    It runs after the access check (an anonymous caller cannot make a protected route parse a body) and before
    the CSRF check, which reads the form this parse leaves cached on the request.
    """
    if has_control(request.path) or any_control(request.query.keys()) or any_control(request.query.values()):
        raise web.HTTPBadRequest(text=CONTROL_MESSAGE)
    if request.method in BODY_METHODS and request.content_type in FORM_TYPES:
        try:
            form = await request.post()
        except MALFORMED_BODY_ERRORS as exc:
            log.info("malformed form body on %s %s: %s", request.method, request.path, type(exc).__name__)
            raise web.HTTPBadRequest(text=MALFORMED_MESSAGE) from None
        except ConnectionResetError:
            # The client (through the gateway) hung up mid-upload: nobody is left to read an answer.
            log.info("client left while sending %s %s", request.method, request.path)
            raise web.HTTPBadRequest(text=MALFORMED_MESSAGE) from None
        for key, value in form.items():
            texts = [key, value] if isinstance(value, str) else [key, getattr(value, "filename", "") or ""]
            if any_control(texts):
                raise web.HTTPBadRequest(text=CONTROL_MESSAGE)
    return await handler(request)
