"""Server-rendered charts: accessible SVG, no JavaScript, the same for every reader (so pages stay cacheable).

Generic on purpose (the public statistics page and reportes use it): a chart is a title, a one-sentence text
alternative and its bars; the page puts the data table next to it. Labels go above their bars, not beside them,
so long names fit a 360 px screen without shrinking the text to nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

# viewBox units; the SVG scales to its container's width. Narrow, so text stays readable on a 360 px phone.
ANCHO = 400
ETIQUETA_MAX = 46  # characters that fit on one line; longer labels are cut (the data table has them whole)
FILA = 46
BARRA = 18
MARGEN = 8
ANCHO_VALOR = 150  # room right of the longest bar for its value ("100 % (250 de 250)")


@dataclass(frozen=True)
class Barra:
    etiqueta: str
    valor: int | None  # None: no bar drawn (a suppressed cell), only ``texto``
    texto: str  # what the reader sees as the value: "12", "<5", "Reservado"


def barras_horizontales(
    id_: str, titulo: str, descripcion: str, barras: Sequence[Barra], maximo: int | None = None
) -> Markup:
    """A horizontal bar chart as an SVG fragment with ``role="img"``, ``<title>`` and ``<desc>``.

    ``id_`` must be unique in the page (it names the title and description for aria-labelledby). ``maximo`` is
    the value of a full-width bar (100 for percentages); by default the largest value.
    """
    maximo = maximo or max((b.valor for b in barras if b.valor), default=0)
    util = ANCHO - 2 * MARGEN - ANCHO_VALOR
    alto = MARGEN * 2 + FILA * max(len(barras), 1)
    partes = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="grafica" role="img" viewBox="0 0 {ANCHO} {alto}" '
        f'width="100%" aria-labelledby="{escape(id_)}-t {escape(id_)}-d">',
        f'<title id="{escape(id_)}-t">{escape(titulo)}</title>',
        f'<desc id="{escape(id_)}-d">{escape(descripcion)}</desc>',
    ]
    for n, b in enumerate(barras):
        y = MARGEN + n * FILA
        largo = round(util * b.valor / maximo) if b.valor and maximo else 0
        etiqueta = b.etiqueta if len(b.etiqueta) <= ETIQUETA_MAX else b.etiqueta[: ETIQUETA_MAX - 1] + "…"
        partes.append(f'<text x="{MARGEN}" y="{y + 16}" class="etiqueta">{escape(etiqueta)}</text>')
        if largo:
            partes.append(f'<rect x="{MARGEN}" y="{y + 22}" width="{largo}" height="{BARRA}" class="barra"/>')
        partes.append(f'<text x="{MARGEN + largo + 6}" y="{y + 36}" class="valor">{escape(b.texto)}</text>')
    partes.append("</svg>")
    return Markup("".join(partes))  # noqa: S704 -- every text in it went through escape()
