"""Report 1 as files: CSV and XLSX (every cell through ``celdas``) and PDF (reportlab, ``common.pdf``). No I/O.

The same table and heading give the same bytes, so a report rebuilt from a frozen day has the same SHA-256 as
the one presented: the PDF has no timestamp (``invariant``), and the XLSX's zip entries and document
properties get fixed dates instead of the moment it was written.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Image, Paragraph, Spacer, Table, TableStyle

from services.common import celdas, pdf
from services.common.graficas import Barra

from .avance import COLUMNAS, Fila, Tabla, porcentaje

TITULO = "Avance cuantitativo de la captura"
FIJA = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest date: no moment of writing leaks into the file
_PROPIEDAD_FECHA = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


@dataclass(frozen=True)
class Encabezado:
    """What every file says above the table."""

    instituto: str
    proceso: str
    fecha: date
    aclaracion: str  # how the figures were obtained: the day's snapshot, the history, or today so far
    postulante: str | None = None  # when the report is of one postulante only
    logo: bytes | None = None  # the institute's logo (PNG or JPEG), drawn above its name in the PDF

    def lineas(self) -> list[str]:
        lineas = [self.instituto, self.proceso, TITULO, f"Fecha de corte: {self.fecha:%d/%m/%Y}", self.aclaracion]
        if self.postulante:
            lineas.append(f"Postulante: {self.postulante}")
        return [line for line in lineas if line]


def barras(tabla: Tabla) -> list[Barra]:
    """The chart: each column's share of the registered candidacies (totals)."""
    total = tabla.total
    return [
        Barra(
            etiqueta,
            round(100 * total.cuentas[c] / total.registradas) if total.registradas else 0,
            f"{porcentaje(total.cuentas[c], total.registradas)} ({total.cuentas[c]} de {total.registradas})",
        )
        for c, etiqueta in COLUMNAS
    ]


def encabezado_tabla(tabla: Tabla) -> list[str]:
    columnas = ["Registradas"]
    for _, etiqueta in COLUMNAS:
        columnas += [etiqueta, f"{etiqueta} (%)"]
    return [*tabla.encabezados(), *columnas]


def _valores(tabla: Tabla, fila: Fila) -> list[object]:
    grupos: list[object] = [fila.postulante, fila.cargo]
    if "ambito" in tabla.desglose:
        grupos.append(fila.ambito or "")
    if "sexo" in tabla.desglose:
        grupos.append(fila.sexo or "")
    valores: list[object] = [fila.registradas]
    for c, _ in COLUMNAS:
        valores += [fila.cuentas[c], fila.porcentaje(c)]
    return [*grupos, *valores]


def _compactos(tabla: Tabla, fila: Fila) -> list[str]:
    grupos = [str(v) for v in _valores(tabla, fila)[: len(tabla.encabezados())]]
    if fila is tabla.total:
        grupos = ["Total"] + [""] * (len(grupos) - 1)
    return [*grupos, str(fila.registradas), *(f"{fila.cuentas[c]} ({fila.porcentaje(c)})" for c, _ in COLUMNAS)]


def filas(tabla: Tabla) -> list[list[object]]:
    """The rows every format writes: the groups, the total, then sustituidas and canceladas apart."""
    cuerpo = [_valores(tabla, f) for f in tabla.filas]
    total = _valores(tabla, tabla.total)
    total[1 : len(tabla.encabezados())] = [""] * (len(tabla.encabezados()) - 1)
    cuerpo.append(total)
    if tabla.aparte:
        cuerpo.append([])
        cuerpo.append(["Fuera de los denominadores: candidaturas sustituidas y canceladas"])
        cuerpo.append(["Postulante", "Cargo", "Estatus", "Candidaturas"])
        cuerpo += [[a.postulante, a.cargo, a.estatus, a.total] for a in tabla.aparte]
    return cuerpo


def csv_bytes(encabezado: Encabezado, tabla: Tabla) -> bytes:
    buffer = io.StringIO()
    writer = celdas.writer(buffer)
    for linea in encabezado.lineas():
        writer.writerow([linea])
    writer.writerow([])
    writer.writerow(encabezado_tabla(tabla))
    writer.writerows(filas(tabla))
    # With a BOM: Excel in Spanish opens UTF-8 accents right only then.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(encabezado: Encabezado, tabla: Tabla) -> bytes:
    lineas: list[list[object]] = [[linea] for linea in encabezado.lineas()]
    datos = celdas.xlsx(
        lineas[0], [*lineas[1:], [], encabezado_tabla(tabla), *filas(tabla)], hoja="Avance de la captura"
    )
    return _sin_fechas(datos)


def _sin_fechas(datos: bytes) -> bytes:
    """The same workbook, with the zip entries' dates and the document's created/modified dates fixed."""
    salida = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(datos)) as origen, zipfile.ZipFile(salida, "w", zipfile.ZIP_DEFLATED) as destino:
        for info in origen.infolist():
            contenido = origen.read(info.filename)
            if info.filename == "docProps/core.xml":
                contenido = _PROPIEDAD_FECHA.sub(rb"\g<1>1980-01-01T00:00:00Z\g<2>", contenido)
            fija = zipfile.ZipInfo(info.filename, date_time=FIJA)
            fija.compress_type = zipfile.ZIP_DEFLATED
            fija.external_attr = info.external_attr
            destino.writestr(fija, contenido)
    return salida.getvalue()


def _grafica(tabla: Tabla, ancho: float) -> Drawing:
    """The bars of :func:`barras`, drawn with reportlab (the page draws the same bars as SVG)."""
    datos = barras(tabla)
    fila, alto_barra, etiqueta = 22, 10, 6.5 * cm
    dibujo = Drawing(ancho, fila * len(datos) + 4)
    util = ancho - etiqueta - 4.5 * cm
    for n, barra in enumerate(datos):
        y = dibujo.height - (n + 1) * fila
        dibujo.add(String(0, y + 3, barra.etiqueta, fontName="Helvetica", fontSize=8))
        largo = util * (barra.valor or 0) / 100
        if largo:
            rect = Rect(etiqueta, y + 1, largo, alto_barra)
            rect.fillColor = colors.HexColor("#1f5f8b")
            rect.strokeWidth = 0
            dibujo.add(rect)
        dibujo.add(String(etiqueta + largo + 4, y + 3, barra.texto, fontName="Helvetica", fontSize=8))
    return dibujo


def _numerar(canvas: Canvas, doc: BaseDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawRightString(letter[0] - 2 * cm, 1.1 * cm, f"Página {doc.page}")
    canvas.restoreState()


def pdf_bytes(encabezado: Encabezado, tabla: Tabla) -> bytes:
    """An official-looking document: institute and process, cut-off date, the chart, then the table, whose
    heading repeats on every page it spans."""
    estilos = getSampleStyleSheet()
    chico = estilos["BodyText"].clone("chico", fontSize=6.5, leading=8)
    buffer = io.BytesIO()
    doc = pdf.document(buffer, title=f"{TITULO} al {encabezado.fecha:%d/%m/%Y}", author=encabezado.instituto)
    historia: list[Flowable] = []
    if encabezado.logo:
        historia.append(Image(io.BytesIO(encabezado.logo), width=3 * cm, height=1.5 * cm, kind="proportional"))
    historia += [
        Paragraph(pdf.escape(encabezado.instituto), estilos["Title"]),
        Paragraph(pdf.escape(encabezado.proceso), estilos["Heading3"]) if encabezado.proceso else Spacer(1, 0),
        Paragraph(pdf.escape(f"{TITULO} al {encabezado.fecha:%d/%m/%Y}"), estilos["Heading2"]),
        Paragraph(pdf.escape(encabezado.aclaracion), estilos["BodyText"]),
    ]
    if encabezado.postulante:
        historia.append(Paragraph(pdf.escape(f"Postulante: {encabezado.postulante}"), estilos["BodyText"]))
    historia += [
        Spacer(1, 0.3 * cm),
        Paragraph("Porcentaje de las candidaturas registradas que alcanzó cada etapa", estilos["Heading4"]),
        _grafica(tabla, doc.width),
        Spacer(1, 0.4 * cm),
    ]
    # One cell per column ("12 (40.0 %)"): a letter page holds them side by side.
    cabeza = [Paragraph(pdf.escape(t), chico) for t in [*tabla.encabezados(), "Registradas", *dict(COLUMNAS).values()]]
    cuerpo = [[Paragraph(pdf.escape(v), chico) for v in _compactos(tabla, f)] for f in tabla.filas]
    total = [Paragraph(pdf.escape(v), chico) for v in _compactos(tabla, tabla.total)]
    tabla_pdf = Table([cabeza, *cuerpo, total], repeatRows=1, hAlign="LEFT")
    tabla_pdf.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef3")),
                ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f3f3f3")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    historia.append(tabla_pdf)
    if tabla.aparte:
        historia += [
            Spacer(1, 0.4 * cm),
            Paragraph("Fuera de los denominadores: candidaturas sustituidas y canceladas", estilos["Heading3"]),
        ]
        aparte = Table(
            [["Postulante", "Cargo", "Estatus", "Candidaturas"]]
            + [[Paragraph(pdf.escape(a.postulante), chico), a.cargo, a.estatus, a.total] for a in tabla.aparte],
            repeatRows=1,
            hAlign="LEFT",
        )
        aparte.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 7)]))
        historia.append(aparte)
    doc.build(historia, onFirstPage=_numerar, onLaterPages=_numerar)
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def construir(formato: str, encabezado: Encabezado, tabla: Tabla) -> bytes:
    if formato == "csv":
        return csv_bytes(encabezado, tabla)
    if formato == "xlsx":
        return xlsx_bytes(encabezado, tabla)
    return pdf_bytes(encabezado, tabla)
