"""Rules of the capture workflow that need no I/O (DESIGN.md §4)."""

from __future__ import annotations

from services.common.curricular import is_captured

EDITABLE_STATES = frozenset({"pendiente", "en_captura", "con_observaciones", "en_correccion"})


def can_submit(saved: dict[str, dict[str, str]]) -> bool:
    """The walking skeleton asks for one captured rubro; the full completeness rule arrives with issue #4."""
    return any(is_captured(values) for values in saved.values())
