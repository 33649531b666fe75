"""The naming rule of docs/architecture.md ("Naming"), where a machine can check it."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.unit.test_writes import _apps

ROOT = Path(__file__).resolve().parents[2]
CODE = [p for d in ("services", "gateway", "launcher") for p in (ROOT / d).rglob("*.py")]
# Spanish verbs (and page words) that named handlers before the rule; handlers say what they do in English.
SPANISH_VERBS = {
    "guardar", "lista", "listar", "detalle", "otorgar", "revocar", "aplicar", "cancelar", "sustituir", "subir",
    "ver", "importar", "pagina", "ajustes", "enviar", "crear", "borrar", "eliminar", "descargar", "mostrar", "perfil",
}  # fmt: skip


def _exception_classes() -> list[tuple[str, str]]:
    found = []
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {
                    b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else ""
                    for b in node.bases
                }
                if any(b.endswith(("Error", "Exception")) for b in bases):
                    found.append((str(path.relative_to(ROOT)), node.name))
    return found


def test_the_check_sees_the_exceptions() -> None:
    assert len(_exception_classes()) >= 10


def test_exceptions_end_in_error() -> None:
    assert [(path, name) for path, name in _exception_classes() if not name.endswith("Error")] == []


def test_handlers_are_named_by_what_they_do_in_english() -> None:
    offenders = [
        f"{route.handler.__module__}.{route.handler.__name__}"
        for app in _apps()
        for route in app.router.routes()
        if hasattr(route.handler, "__name__") and set(route.handler.__name__.split("_")) & SPANISH_VERBS
    ]
    assert offenders == []


def test_the_signed_identity_is_not_named_like_the_cuestionario_de_identidad() -> None:
    common = ROOT / "services" / "common"
    assert (common / "signed_identity.py").is_file() and (common / "identidad.py").is_file()
    assert not (common / "identity.py").exists()
