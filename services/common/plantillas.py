"""What every service's templates share to write forms and links (registered by ``web.base_app``).

- ``{{ csrf_field() }}``: the hidden CSRF field every POST form carries (checked by ``web.csrf_middleware``).
  Templates never write that input by hand (tests/unit/test_plantillas.py scans them).
- ``{{ url('route-name', id=…) }}`` (aiohttp_jinja2): a link to a route of the *same* service.
- ``{{ ruta('captura', 'candidaturas', candidatura.id, 'curricular') }}``: a link to *another* service. Each
  service has its own router, so a template cannot resolve the other's route names; the gateway maps these
  entry paths to the service (gateway/), and they are declared once here.
- ``cuestionarios`` and ``Cuestionario``: the facts of each questionnaire (services/common/cuestionarios.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from markupsafe import Markup

from .cuestionarios import FORMAS, Cuestionario

CSRF_FIELD = "csrf_token"

# Where each service is mounted behind the gateway.
ENTRADAS = {
    "publico": "/",
    "auth": "/cuenta/",
    "captura": "/captura/",
    "validacion": "/validacion/",
    "reportes": "/reportes/",
}


@jinja2.pass_context
def csrf_field(context: jinja2.runtime.Context) -> Markup:
    token = context.get("csrf_token") or ""
    # Markup.format escapes the token; the rest is this constant.
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)


def ruta(servicio: str, *partes: Any, query: dict[str, Any] | None = None, fragmento: str = "") -> str:
    """The path of another service: its entry path plus ``partes`` (each one quoted), an optional query and
    fragment. ``ruta('auth', 'contrasena')`` is ``/cuenta/contrasena``; ``ruta('captura')`` is ``/captura/``."""
    path = ENTRADAS[servicio] + "/".join(quote(str(p), safe="") for p in partes)
    if query:
        path += "?" + urlencode(query)
    if fragmento:
        path += "#" + quote(fragmento, safe="")
    return path


def register(env: jinja2.Environment) -> None:
    env.globals["csrf_field"] = csrf_field
    env.globals["ruta"] = ruta
    env.globals["cuestionarios"] = FORMAS
    env.globals["Cuestionario"] = Cuestionario
