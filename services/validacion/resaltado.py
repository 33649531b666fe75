"""The flags of a review as a reviewer reads them: the field's text with each flagged span in ``<mark>``, and
every class and state in words (never the stored key).

Pure (no I/O). A flag's span is in characters of the field's text (validacion.banderas.inicio/fin); spans that
overlap an earlier one are merged into it, so the text is never repeated or cut.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from .revision_automatica import COPIA, ERROR, PLATAFORMA_COMUN, PROPUESTA_COPIADA, REVISION_FALLIDA, sensibles

# Every class the automatic checks write, in words (tests/unit/test_revision_vista.py keeps the two in step).
CLASES = {
    sensibles.CURP: "Posible CURP",
    sensibles.RFC: "Posible RFC",
    sensibles.CLAVE_ELECTOR: "Posible clave de elector",
    sensibles.TELEFONO: "Posible teléfono particular",
    sensibles.CORREO: "Posible correo electrónico personal",
    sensibles.DOMICILIO: "Posible domicilio particular",
    sensibles.SALUD: "Posible dato de salud",
    sensibles.RELIGION: "Posible creencia religiosa",
    sensibles.ORIENTACION_SEXUAL: "Posible dato de orientación sexual",
    sensibles.SINDICAL: "Posible afiliación sindical",
    sensibles.TERCERO: "Posibles datos de otra persona",
    COPIA: "Propuesta igual a la de otra candidatura",
    PLATAFORMA_COMUN: "Plataforma común del mismo postulante",
    ERROR: "La revisión automática no pudo leer este texto",
}
TIPOS = {
    "dato_sensible": "Dato sensible",
    "propuesta_copiada": "Propuesta copiada",
    "revision_fallida": "Revisión automática fallida",
}
ESTADOS = {
    "abierta": "Abierta: la decide la Unidad de Transparencia",
    "descartada": "Descartada",
    "confirmada": "Confirmada",
    "informativa": "Informativa, no es una falta",
}


def clase(clave: str, tipo: str = "") -> str:
    """The Spanish name of a flag's class; an unknown class is named by its type, never by its key."""
    if clave in CLASES:
        return CLASES[clave]
    if tipo == PROPUESTA_COPIADA:
        return CLASES[COPIA]
    if tipo == REVISION_FALLIDA:
        return CLASES[ERROR]
    return "Posible dato sensible"


def estado(clave: str) -> str:
    return ESTADOS.get(clave, "Abierta")


@dataclass(frozen=True)
class Tramo:
    inicio: int
    fin: int
    etiqueta: str
    # "bandera informativa" for what is not a fault (a shared platform): marked, styled apart.
    css: str = "bandera"


def resaltar(texto: str, tramos: Iterable[Tramo]) -> Markup:
    """``texto`` escaped, each span in ``<mark>`` followed by its label in brackets (read by everyone, screen
    readers included). Spans out of range are clipped; empty ones are skipped."""
    ordered = sorted(
        (Tramo(max(0, t.inicio), min(len(texto), t.fin), t.etiqueta, t.css) for t in tramos), key=lambda t: t.inicio
    )
    merged: list[Tramo] = []
    for t in ordered:
        if t.fin <= t.inicio:
            continue
        if merged and t.inicio < merged[-1].fin:
            last = merged[-1]
            etiqueta = last.etiqueta if t.etiqueta in last.etiqueta else f"{last.etiqueta}; {t.etiqueta}"
            merged[-1] = Tramo(
                last.inicio, max(last.fin, t.fin), etiqueta, last.css if t.css == last.css else "bandera"
            )
        else:
            merged.append(t)
    out: list[Markup] = []
    pos = 0
    for t in merged:
        out.append(escape(texto[pos : t.inicio]))
        out.append(
            Markup('<mark class="{}">{}</mark> <span class="bandera-clase">[{}]</span>').format(
                t.css, texto[t.inicio : t.fin], t.etiqueta
            )
        )
        pos = t.fin
    out.append(escape(texto[pos:]))
    return Markup("").join(out)
