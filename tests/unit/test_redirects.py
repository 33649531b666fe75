"""Open redirects (issue 7, item 10): only paths of this site survive ``safe_next``."""

from __future__ import annotations

import pytest

from services.common.redirects import safe_next

HOSTILE = [
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "/\n/evil.example",
    "/%0a/evil.example",
    "/%0d%0a/evil.example",
    "/\r/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5cevil.example",
    "/%5C%5Cevil.example",
    "/%252F/evil.example",
    "/%25252F%25252Fevil.example",
    "/%2525252F/evil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "captura/",
    " /captura/",
    "/captura/ ",
    "\x00/captura/",
    "/captura/\x00",
    "/\x7f/evil.example",
    "/\u3000/evil.example",
    "/\uff0f/evil.example",
    "/../evil.example",
    "/..//evil.example",
    "/./",
    "/captura/%2e%2e/%2e%2e//evil.example",
    "",
    "/" + "a" * 3000,
    None,
    42,
    ["/captura/"],
]

SAFE = [
    "/",
    "/captura/",
    "/captura/candidaturas/12/curricular/contacto",
    "/validacion/?q=P%C3%A9rez&pagina=2",
    "/captura/?q=hola%20mundo",
    "/captura/?q=%2F%2Fevil.example",
    "/reportes/#avance",
    "/cuenta/usuarios?aviso=creada",
]


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_hostile_values_are_refused(value: object) -> None:
    assert safe_next(value) is None


@pytest.mark.parametrize("value", SAFE)
def test_paths_of_this_site_are_kept_as_they_are(value: str) -> None:
    assert safe_next(value) == value
