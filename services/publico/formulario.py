"""The list form's <option>s as HTML, escaped once per publication generation (.catalogos), not on every miss.

The municipios alone are over a hundred options: rendered by Jinja they were most of the time an uncached list
page spends in its template (one escape per value and label, one comparison per option). The choices only change
with a publication, so each <select>'s options are kept as ready strings and a page joins them, marking the
chosen one. The bytes are the ones the template wrote before: ``<option value="…" >…</option>``, or ``selected``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from .filters import Opcion

LIBRE = Markup('<option value="{}" >{}</option>')
MARCADA = Markup('<option value="{}" selected>{}</option>')


@dataclass(frozen=True)
class OpcionesHtml:
    """One <select>'s options: each as HTML unmarked and marked, and where each value is."""

    libres: tuple[Markup, ...]
    marcadas: tuple[Markup, ...]
    indice: Mapping[object, int]
    todas: Markup  # every option unmarked, joined: the page whose filter is not in use

    @classmethod
    def of(cls, opciones: Sequence[Opcion]) -> OpcionesHtml:
        libres: list[Markup] = []
        marcadas: list[Markup] = []
        indice: dict[object, int] = {}
        for i, (value, label) in enumerate(opciones):
            libres.append(LIBRE.format(value, label))  # Markup.format escapes what it puts in
            marcadas.append(MARCADA.format(value, label))
            indice.setdefault(value, i)  # the first equal value is the one marked, as the template's loop did
        return cls(tuple(libres), tuple(marcadas), indice, Markup("").join(libres))

    def html(self, elegido: object) -> Markup:
        """The options with ``elegido`` (the filter's validated value, None when unused) marked ``selected``."""
        i = self.indice.get(elegido) if elegido is not None else None
        if i is None:
            return self.todas
        return Markup("").join((*self.libres[:i], self.marcadas[i], *self.libres[i + 1 :]))


def formulario(opciones: Mapping[str, Sequence[Opcion]]) -> dict[str, OpcionesHtml]:
    """Every <select> of the form, by filter name."""
    return {nombre: OpcionesHtml.of(lista) for nombre, lista in opciones.items()}
