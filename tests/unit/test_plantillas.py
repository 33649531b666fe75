"""Every template writes its forms and links through the shared helpers (services/common/plantillas.py)."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest

from services.common import plantillas

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "services").glob("*/templates/**/*.html"))
HAND_WRITTEN_CSRF = re.compile(r"""name\s*=\s*["']?csrf_token""", re.IGNORECASE)
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.IGNORECASE | re.DOTALL)
POST = re.compile(r"""method\s*=\s*["']?post""", re.IGNORECASE)
HAND_WRITTEN_PATH = re.compile(r"""(?:href|action|src)\s*=\s*["'](/[^"']*)""")
URL_NAME = re.compile(r"""\burl\(\s*'([^']+)'""")
ROUTE_NAME = re.compile(r'name="([a-z0-9-]+)"')


def _service(path: Path) -> str:
    return path.relative_to(ROOT / "services").parts[0]


def test_the_scan_sees_the_templates() -> None:
    assert len(TEMPLATES) > 40
    assert {_service(p) for p in TEMPLATES} >= {"auth", "captura", "validacion", "publico", "common"}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_hand_written_csrf_field(path: Path) -> None:
    assert not HAND_WRITTEN_CSRF.search(path.read_text(encoding="utf-8")), "use {{ csrf_field() }}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_post_form_carries_the_token(path: Path) -> None:
    for form in FORM.findall(path.read_text(encoding="utf-8")):
        if POST.search(form.split(">", 1)[0]):
            assert "{{ csrf_field() }}" in form, form[:200]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_hand_written_paths(path: Path) -> None:
    """Links and forms go through url('route-name', …) (same service) or ruta('service', …) (another one); only
    the static assets the gateway serves keep a literal path."""
    text = path.read_text(encoding="utf-8")
    hard = [m for m in HAND_WRITTEN_PATH.findall(text) if not m.startswith(("/static/", "/favicon.ico"))]
    assert not hard, f"{path.name}: {hard}"


def _route_names(service: str) -> set[str]:
    names: set[str] = set()
    for module in (ROOT / "services" / service).rglob("*.py"):
        names.update(ROUTE_NAME.findall(module.read_text(encoding="utf-8")))
    return names


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_url_names_a_route_of_the_same_service(path: Path) -> None:
    used = set(URL_NAME.findall(path.read_text(encoding="utf-8")))
    service = _service(path)
    if service == "common":
        # Shared templates are rendered by every service: they cannot name one service's routes.
        assert not used, used
        return
    assert used <= _route_names(service), used - _route_names(service)


def _render(source: str, **context: object) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    plantillas.register(env)
    return env.from_string(source).render(**context)


def test_csrf_field_renders_the_session_token_escaped() -> None:
    html = _render("<form method=post>{{ csrf_field() }}</form>", csrf_token='a"b<c')
    assert '<input type="hidden" name="csrf_token" value="a&#34;b&lt;c">' in html


def test_csrf_field_in_an_included_template_sees_the_token() -> None:
    env = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        loader=jinja2.DictLoader({"a.html": "{% include 'b.html' %}", "b.html": "{{ csrf_field() }}"}),
    )
    plantillas.register(env)
    assert 'value="tok"' in env.get_template("a.html").render(csrf_token="tok")


def test_csrf_field_without_a_session_is_empty() -> None:
    assert 'value=""' in _render("{{ csrf_field() }}")


def test_ruta_builds_paths_of_other_services() -> None:
    assert plantillas.ruta("auth", "contrasena") == "/cuenta/contrasena"
    assert plantillas.ruta("captura") == "/captura/"
    assert plantillas.ruta("captura", "candidaturas", 7, "curricular") == "/captura/candidaturas/7/curricular"
    assert plantillas.ruta("publico", "candidaturas", query={"q": "a b"}) == "/candidaturas?q=a+b"
    assert plantillas.ruta("auth", "lotes", 3, fragmento="avance") == "/cuenta/lotes/3#avance"
    # A value cannot climb out of its segment.
    assert plantillas.ruta("captura", "candidaturas", "../x") == "/captura/candidaturas/..%2Fx"
    with pytest.raises(KeyError):
        plantillas.ruta("otro")


def test_the_entry_paths_are_the_gateways() -> None:
    from gateway.routing import ROUTES

    # A service may also serve a screen under another's prefix (captura's /validacion/plazos): its entry path
    # is its first, shortest prefix.
    mounted: dict[str, str] = {}
    for prefix, service in ROUTES:
        mounted.setdefault(service, prefix.rstrip("/") + "/")
    assert mounted == plantillas.ENTRADAS
