"""The printable ficha of a profile (/candidaturas/{id}.pdf), drawn with reportlab like the project's other PDFs.

No I/O here: the view hands over the profile already worded (dates formatted in the process's zone), so this
module only lays it out. It receives the public profile only, so it cannot print a private field.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from services.common import pdf

_STYLES = getSampleStyleSheet()
_BODY = ParagraphStyle("cuerpo", parent=_STYLES["BodyText"], fontName="Helvetica", fontSize=10, leading=13)
_TITLE = ParagraphStyle("titulo", parent=_STYLES["Heading1"], fontName="Helvetica-Bold", fontSize=16, leading=20)
_HEADING = ParagraphStyle("rubro", parent=_STYLES["Heading2"], fontName="Helvetica-Bold", fontSize=12, leading=15)
_INSTITUTE = ParagraphStyle(
    "instituto", parent=_BODY, fontName="Helvetica-Bold", fontSize=11, textColor=colors.HexColor("#4a1c5c")
)
_SMALL = ParagraphStyle("pie", parent=_BODY, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444"))


@dataclass(frozen=True)
class RubroFicha:
    titulo: str
    datos: tuple[tuple[str, str], ...]  # (label, text); empty: the rubro has no information
    procedencia: str


@dataclass(frozen=True)
class Ficha:
    nombre: str
    datos: tuple[tuple[str, str], ...]
    rubros: tuple[RubroFicha, ...]
    grupos: tuple[str, ...]
    direccion: str  # the profile's address, so a printed ficha says where to read it updated


def _table(rows: tuple[tuple[str, str], ...]) -> Table:
    table = Table(
        [[Paragraph(f"<b>{pdf.escape(k)}</b>", _BODY), Paragraph(pdf.escape(v), _BODY)] for k, v in rows],
        colWidths=[5.2 * cm, 12.3 * cm],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
            ]
        )
    )
    return table


def render(ficha: Ficha, *, instituto: str, sin_informacion: str) -> bytes:
    buffer = io.BytesIO()
    doc = pdf.document(buffer, title=f"Ficha de {ficha.nombre}", author=instituto)
    story: list[Flowable] = [
        Paragraph(pdf.escape(instituto), _INSTITUTE),
        Paragraph(pdf.escape(ficha.nombre), _TITLE),
        _table(ficha.datos),
    ]
    for rubro in ficha.rubros:
        story += [Spacer(1, 0.3 * cm), Paragraph(pdf.escape(rubro.titulo), _HEADING)]
        story.append(_table(rubro.datos) if rubro.datos else Paragraph(pdf.escape(sin_informacion), _BODY))
        story.append(Paragraph(pdf.escape(rubro.procedencia), _SMALL))
    if ficha.grupos:
        story += [
            Spacer(1, 0.3 * cm),
            Paragraph("Identidad", _HEADING),
            Paragraph(
                "Grupos en situación de discriminación a los que pertenece la candidatura, por autoadscripción o "
                "por su registro como acción afirmativa: " + pdf.escape(", ".join(ficha.grupos)) + ".",
                _BODY,
            ),
        ]
    story += [
        Spacer(1, 0.5 * cm),
        Paragraph(f"Información publicada en Conóceles: {pdf.escape(ficha.direccion)}", _SMALL),
    ]
    doc.build(story)
    return buffer.getvalue()
