"""How Transparencia's queue shows a flag: an excerpt of the field's text around the flagged span (the class in
words comes from ``validacion.resaltado``).

Pure: no I/O, so it is unit-tested on odd spans (tests/unit/test_transparencia_resaltado.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resaltado:
    antes: str
    marcado: str
    despues: str
    recortado_antes: bool = False
    recortado_despues: bool = False


def resaltar(texto: str | None, inicio: int, fin: int, fragmento: str = "", contexto: int = 160) -> Resaltado:
    """The span ``[inicio, fin)`` of ``texto`` to put in ``<mark>``, with up to ``contexto`` characters each side.

    The stored span is trusted only when it lies inside the text and agrees with the stored fragment; otherwise the
    fragment is looked for in the text, and if it is not there it is shown alone (the text is never dropped
    silently: Transparencia must see what was flagged).
    """
    texto = texto or ""
    valido = 0 <= inicio <= fin <= len(texto) and (not fragmento or texto[inicio:fin] == fragmento)
    if not valido:
        donde = texto.find(fragmento) if fragmento else -1
        if donde < 0:
            return Resaltado("", fragmento or texto[:contexto], "", False, len(texto) > contexto and not fragmento)
        inicio, fin = donde, donde + len(fragmento)
    desde = max(0, inicio - contexto)
    hasta = min(len(texto), fin + contexto)
    return Resaltado(texto[desde:inicio], texto[inicio:fin], texto[fin:hasta], desde > 0, hasta < len(texto))


def espera(segundos: float) -> str:
    """How long a flag has waited, in the words a person uses: «3 días», «5 horas», «12 minutos»."""
    minutos = int(segundos // 60)
    if minutos < 1:
        return "menos de un minuto"
    if minutos < 60:
        return f"{minutos} minuto{'s' if minutos != 1 else ''}"
    horas = minutos // 60
    if horas < 24:
        return f"{horas} hora{'s' if horas != 1 else ''}"
    dias = horas // 24
    return f"{dias} día{'s' if dias != 1 else ''}"
