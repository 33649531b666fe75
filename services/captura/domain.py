"""Rules of the capture workflow that need no I/O (docs/design.md §4)."""

from __future__ import annotations

from typing import Any

from services.common.curricular import missing_rubros

EDITABLE_STATES = frozenset({"pendiente", "en_captura", "con_observaciones", "en_correccion"})


def curricular_missing(saved: dict[str, Any]) -> list[str]:
    """Titles of the rubros still incomplete: the cuestionario curricular is submitted whole."""
    return [r.titulo for r in missing_rubros(saved)]
