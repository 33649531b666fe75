"""What a person typed into a form that arrived without a live session (it expired, or Redis lost it).

That form cannot be saved (nobody can say whose it is), but its text is the person's work: the page that asks them
to log in again shows it back so they can copy it. This picks the fields worth showing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Plumbing fields of the forms: tokens, versions and return paths, never something a person wrote.
PLUMBING = frozenset({"csrf_token", "version", "siguiente", "accion"})
# Enough for every text limit of the questionnaires (services/common/proceso.py) with room to spare.
MAX_CHARS = 20_000
MAX_FIELDS = 60


@dataclass(frozen=True)
class TextoEnviado:
    campo: str
    texto: str


def textos_enviados(form: Iterable[tuple[str, object]]) -> list[TextoEnviado]:
    """The non-empty text fields of a submitted form, in order, without plumbing and without files."""
    kept: list[TextoEnviado] = []
    for name, value in form:
        if not isinstance(value, str) or name in PLUMBING or not value.strip():
            continue
        kept.append(TextoEnviado(campo=name[:100], texto=value[:MAX_CHARS]))
        if len(kept) == MAX_FIELDS:
            break
    return kept
