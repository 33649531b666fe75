"""Rules of the capture workflow that need no I/O (docs/design.md §4): which states may be edited and why the
others may not. The questionnaires' own capture rules: curricular.py (rubros) and identidad.py (dimensions)."""

from __future__ import annotations

EDITABLE_STATES = frozenset({"pendiente", "en_captura", "con_observaciones", "en_correccion"})


LOCKED_REASONS = {
    "revision_partido": "Tu partido está revisando el cuestionario: no puede modificarse hasta que lo apruebe o te lo "
    "devuelva con comentarios.",
    "enviado": "El cuestionario se envió a validación: no puede modificarse mientras el Instituto lo revisa. Si te "
    "devuelve observaciones, podrás corregirlo.",
    "validado": "El Instituto validó el cuestionario: ya no puede modificarse.",
    "publicado": "El cuestionario está publicado: para cambiarlo, solicita una corrección desde el cuestionario "
    "curricular.",
    "retirado": "La candidatura ya no está registrada: su cuestionario no puede modificarse.",
    "pausado": "El Instituto pausó el cuestionario: no puede modificarse por ahora.",
}
LOCKED_DEFAULT = "Este cuestionario no puede modificarse ahora."
