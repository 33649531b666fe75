"""Reports made of plain tables (report 2, omisos; report 5, calidad de datos) as CSV, XLSX and PDF. No I/O.

A :class:`Documento` is the heading lines and one or more :class:`Seccion` (a title, its column headings, its
rows). Every format writes the same cells; like report 1's files (``formatos``), the same document gives the same
bytes, so the SHA-256 of a file identifies its content.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Image, Paragraph, Spacer, Table, TableStyle

from services.common import celdas, pdf

from .formatos import _numerar, _sin_fechas


@dataclass(frozen=True)
class Seccion:
    titulo: str
    encabezados: Sequence[str]
    filas: Sequence[Sequence[object]]
    vacia: str = "Sin filas."  # what the section says when it has no rows


@dataclass(frozen=True)
class Documento:
    instituto: str
    proceso: str
    titulo: str
    lineas: Sequence[str]  # cut-off date, how the figures were obtained, the postulante chosen…
    secciones: Sequence[Seccion] = field(default_factory=tuple)
    logo: bytes | None = None
    hoja: str = "Reporte"

    def cabecera(self) -> list[str]:
        return [t for t in (self.instituto, self.proceso, self.titulo, *self.lineas) if t]


def _celdas(documento: Documento) -> list[list[object]]:
    filas: list[list[object]] = [[t] for t in documento.cabecera()[1:]]
    for seccion in documento.secciones:
        filas += [[], [seccion.titulo], list(seccion.encabezados)]
        filas += [list(f) for f in seccion.filas] or [[seccion.vacia]]
    return filas


def csv_bytes(documento: Documento) -> bytes:
    buffer = io.StringIO()
    writer = celdas.writer(buffer)
    writer.writerow([documento.cabecera()[0]])
    writer.writerows(_celdas(documento))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # with a BOM: Excel in Spanish reads the accents


def xlsx_bytes(documento: Documento) -> bytes:
    return _sin_fechas(celdas.xlsx([documento.cabecera()[0]], _celdas(documento), hoja=documento.hoja[:31]))


def pdf_bytes(documento: Documento) -> bytes:
    estilos = getSampleStyleSheet()
    chico = estilos["BodyText"].clone("chico", fontSize=7, leading=8.5)
    buffer = io.BytesIO()
    doc = pdf.document(buffer, title=documento.titulo, author=documento.instituto)
    historia: list[Flowable] = []
    if documento.logo:
        historia.append(Image(io.BytesIO(documento.logo), width=3 * cm, height=1.5 * cm, kind="proportional"))
    historia.append(Paragraph(pdf.escape(documento.instituto), estilos["Title"]))
    if documento.proceso:
        historia.append(Paragraph(pdf.escape(documento.proceso), estilos["Heading3"]))
    historia.append(Paragraph(pdf.escape(documento.titulo), estilos["Heading2"]))
    historia += [Paragraph(pdf.escape(t), estilos["BodyText"]) for t in documento.lineas]
    for seccion in documento.secciones:
        historia += [Spacer(1, 0.4 * cm), Paragraph(pdf.escape(seccion.titulo), estilos["Heading3"])]
        if not seccion.filas:
            historia.append(Paragraph(pdf.escape(seccion.vacia), estilos["BodyText"]))
            continue
        datos = [[Paragraph(pdf.escape(str(v)), chico) for v in fila] for fila in [seccion.encabezados, *seccion.filas]]
        tabla = Table(datos, repeatRows=1, hAlign="LEFT")  # the heading repeats on every page the table spans
        tabla.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef3")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        historia.append(tabla)
    doc.build(historia, onFirstPage=_numerar, onLaterPages=_numerar)
    return buffer.getvalue()


def construir(formato: str, documento: Documento) -> bytes:
    if formato == "csv":
        return csv_bytes(documento)
    if formato == "xlsx":
        return xlsx_bytes(documento)
    return pdf_bytes(documento)
