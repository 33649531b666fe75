"""The submitted version beside the last validated one: which fields changed, and a word-level diff of each.

Pure (no I/O): the review page builds :class:`Seccion` rows from two versions and renders :func:`diff_palabras`.
Removed words are ``<del>`` and added ones ``<ins>``, each with a hidden text ("se quitó", "se agregó") so a screen
reader says what colour alone would not. Every piece of the person's text is escaped.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

_TOKENS = re.compile(r"\s+|[^\s]+")
VACIO = "Sin información"


@dataclass(frozen=True)
class Campo:
    etiqueta: str
    anterior: str
    actual: str

    @property
    def cambio(self) -> bool:
        return self.anterior != self.actual

    @property
    def diff(self) -> Markup:
        return diff_palabras(self.anterior, self.actual)


@dataclass(frozen=True)
class Seccion:
    """One rubro (or identity dimension) of the comparison."""

    clave: str
    titulo: str
    campos: tuple[Campo, ...]

    @property
    def cambios(self) -> int:
        return sum(1 for c in self.campos if c.cambio)


def _hidden(text: str) -> Markup:
    return Markup('<span class="visualmente-oculto">{}</span>').format(text)


def diff_palabras(anterior: str, actual: str) -> Markup:
    """``actual`` with the words removed from ``anterior`` in ``<del>`` and the added ones in ``<ins>``."""
    old, new = _TOKENS.findall(anterior), _TOKENS.findall(actual)
    out: list[Markup] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(new[j1:j2])))
            continue
        if op in ("delete", "replace"):
            out.append(Markup("<del>{}{}{}</del>").format(_hidden("[se quitó: "), "".join(old[i1:i2]), _hidden("]")))
        if op in ("insert", "replace"):
            out.append(Markup("<ins>{}{}{}</ins>").format(_hidden("[se agregó: "), "".join(new[j1:j2]), _hidden("]")))
    return Markup("").join(out)


def texto(value: object) -> str:
    """A stored answer as the text compared: lists one per line, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def comparar(
    partes: Iterable[tuple[str, str, Sequence[tuple[str, str]]]],
    anterior: Mapping[str, Mapping[str, object]],
    actual: Mapping[str, Mapping[str, object]],
) -> list[Seccion]:
    """Per part ``(clave, titulo, [(campo, etiqueta), …])``, each field's text in both versions."""
    secciones = []
    for clave, titulo, campos in partes:
        old, new = anterior.get(clave) or {}, actual.get(clave) or {}
        secciones.append(
            Seccion(
                clave,
                titulo,
                tuple(Campo(etiqueta, texto(old.get(campo)), texto(new.get(campo))) for campo, etiqueta in campos),
            )
        )
    return secciones


def comparar_descritas(
    anterior: Sequence[Mapping[str, object]], actual: Sequence[Mapping[str, object]]
) -> list[Seccion]:
    """The same for identity dimensions already described as text (``identidad.describe``): rows matched by
    question text, so both versions read with their labels."""
    old_by_clave = {str(d["clave"]): d for d in anterior}
    secciones = []
    for dimension in actual:
        old_rows = {
            str(f["pregunta"]): str(f["respuesta"])
            for f in old_by_clave.get(str(dimension["clave"]), {}).get("filas", [])  # type: ignore[attr-defined]
        }
        campos = tuple(
            Campo(str(f["pregunta"]), old_rows.get(str(f["pregunta"]), ""), str(f["respuesta"]))
            for f in dimension["filas"]  # type: ignore[attr-defined]
        )
        secciones.append(Seccion(str(dimension["clave"]), str(dimension["titulo"]), campos))
    return secciones
