"""Report 3 as files: CSV, XLSX and PDF with the same sections as the page. No I/O.

Deterministic like report 1's files (``formatos``): the PDF is ``invariant`` and the XLSX gets fixed dates.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import PropertySet, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Image, Paragraph, Spacer, Table, TableStyle

from services.common import celdas, pdf

from . import formatos, mensual
from .mensual_datos import Informe

TITULO = "Informe mensual de la implementación y operación"


@dataclass(frozen=True)
class Seccion:
    titulo: str
    encabezados: list[str]
    filas: list[list[object]]


def lineas(instituto: str, informe: Informe, postulante: str | None) -> list[str]:
    lineas = [instituto, informe.proceso, TITULO, f"Mes: {mensual.nombre(informe.mes)}"]
    if informe.en_curso:
        lineas.append("El mes aún no termina: cifras hasta el momento de generarlas.")
    if postulante:
        lineas.append(f"Postulante: {postulante}")
    return [line for line in lineas if line]


def secciones(informe: Informe) -> list[Seccion]:
    op = informe.oportunidad
    return [
        Seccion(
            "Actividad del mes",
            ["Actividad", "Curricular", "Identidad", "Total"],
            [[e, "" if c is None else c, "" if i is None else i, t] for e, c, i, t in informe.actividad.filas],
        ),
        Seccion(
            "Oportunidad de la revisión",
            ["Indicador", "Valor"],
            [
                ["Revisiones hechas en el mes", op.revisiones],
                ["Mediana del envío a la revisión", mensual.duracion(op.mediana)],
                ["Esperando revisión al cierre", op.pendientes],
                [f"Esperando más de {mensual.PLAZO_REVISION.days} días al cierre (vencidos)", op.vencidos],
            ],
        ),
        Seccion(
            "Uso del sitio público",
            ["Día", "Páginas vistas", "Descargas de datos abiertos"],
            [[f"{d.fecha:%d/%m/%Y}", d.paginas, d.descargas] for d in informe.uso.dias]
            + [["Total", informe.uso.paginas, informe.uso.descargas]],
        ),
        Seccion(
            f"Avance de la captura al {informe.corte.fecha:%d/%m/%Y}",
            ["Etapa", "Porcentaje y candidaturas"],
            [[b.etiqueta, b.texto] for b in formatos.barras(informe.avance)],
        ),
    ]


def _incidencias(informe: Informe) -> str:
    return informe.incidencias or "Sin incidencias registradas."


def csv_bytes(cabeza: list[str], informe: Informe) -> bytes:
    buffer = io.StringIO()
    writer = celdas.writer(buffer)
    writer.writerows([[linea] for linea in cabeza])
    for s in secciones(informe):
        writer.writerows([[], [s.titulo], s.encabezados, *s.filas])
    writer.writerows([[], ["Incidencias"], [_incidencias(informe)]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(cabeza: list[str], informe: Informe) -> bytes:
    filas: list[list[object]] = [[linea] for linea in cabeza[1:]]
    for s in secciones(informe):
        filas += [[], [s.titulo], list(s.encabezados), *s.filas]
    filas += [[], ["Incidencias"], [_incidencias(informe)]]
    return formatos._sin_fechas(celdas.xlsx([cabeza[0]], filas, hoja="Informe mensual"))


def _tabla(s: Seccion, estilo: PropertySet) -> Table:
    todas: list[list[object]] = [list(s.encabezados), *s.filas]
    cuerpo = [[Paragraph(pdf.escape(str(v)), estilo) for v in fila] for fila in todas]
    tabla = Table(cuerpo, repeatRows=1, hAlign="LEFT")
    tabla.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef3")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return tabla


def pdf_bytes(cabeza: list[str], informe: Informe, logo: bytes | None) -> bytes:
    estilos = getSampleStyleSheet()
    chico = estilos["BodyText"].clone("chico", fontSize=8, leading=10)
    buffer = io.BytesIO()
    doc = pdf.document(buffer, title=f"{TITULO}, {mensual.nombre(informe.mes)}", author=cabeza[0])
    historia: list[Flowable] = []
    if logo:
        historia.append(Image(io.BytesIO(logo), width=3 * cm, height=1.5 * cm, kind="proportional"))
    historia.append(Paragraph(pdf.escape(cabeza[0]), estilos["Title"]))
    historia += [Paragraph(pdf.escape(linea), estilos["BodyText"]) for linea in cabeza[1:]]
    for s in secciones(informe):
        historia += [Spacer(1, 0.3 * cm), Paragraph(pdf.escape(s.titulo), estilos["Heading3"])]
        if s.titulo.startswith("Avance"):
            historia.append(formatos._grafica(informe.avance, doc.width))
        historia.append(_tabla(s, chico))
    historia += [Spacer(1, 0.3 * cm), Paragraph("Incidencias", estilos["Heading3"])]
    historia += [Paragraph(pdf.escape(p), estilos["BodyText"]) for p in _incidencias(informe).split("\n") if p.strip()]
    doc.build(historia, onFirstPage=formatos._numerar, onLaterPages=formatos._numerar)
    return buffer.getvalue()


def construir(formato: str, cabeza: list[str], informe: Informe, logo: bytes | None) -> bytes:
    if formato == "csv":
        return csv_bytes(cabeza, informe)
    if formato == "xlsx":
        return xlsx_bytes(cabeza, informe)
    return pdf_bytes(cabeza, informe, logo)
