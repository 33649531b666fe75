"""Report 4 as files: the same suppressed cells the page shows, never a real count behind a hidden one. No I/O."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import PropertySet, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Image, Paragraph, Spacer, Table, TableStyle

from services.common import celdas, pdf
from services.common.graficas import Barra

from .formatos import _numerar, _sin_fechas
from .inclusion import MEDIDAS, SEXOS, TOTAL, Grupo, Reporte

TITULO = "Estadísticas de inclusión"
NOTA = (
    "Solo cuentan las candidaturas registradas con cuestionario de identidad aprobado y consentimiento 3 (uso "
    "estadístico) vigente, y el grupo de acción afirmativa con que se registraron. «<5»: de 1 a 4 candidaturas; "
    "«Reservado»: cifra ocultada para que ninguna de las anteriores se pueda calcular con los totales."
)


@dataclass(frozen=True)
class Encabezado:
    instituto: str
    proceso: str
    generado: str  # when the figures were read, in the process zone
    filtros: str  # "Todos los postulantes; todos los cargos", or the chosen ones
    logo: bytes | None = None

    def lineas(self) -> list[str]:
        return [v for v in (self.instituto, self.proceso, TITULO, f"Datos al {self.generado}", self.filtros, NOTA) if v]


COLUMNAS_SEXO = [*(e for _, e in SEXOS), "Total"]


def barras(reporte: Reporte) -> list[Barra]:
    return [Barra(g.nombre, g.resumen[TOTAL].valor, g.resumen[TOTAL].texto) for g in reporte.grupos]


def _sexo(grupo: Grupo) -> list[str]:
    return [grupo.resumen[x].texto for x in (*(s for s, _ in SEXOS), TOTAL)]


def filas(reporte: Reporte) -> list[list[object]]:
    """Every table of the report, one after the other, as text cells ("<5", "Reservado" or the count)."""
    salida: list[list[object]] = [["Candidaturas por grupo y sexo"], ["Grupo", *COLUMNAS_SEXO]]
    for g in [reporte.base, *reporte.grupos]:
        salida.append([g.nombre, *_sexo(g)])
    salida += [[], ["Acción afirmativa y autoidentificación"], ["Grupo", *(e for _, e in MEDIDAS)]]
    for g in reporte.grupos:
        salida.append([g.nombre, *(g.accion[m].texto for m, _ in MEDIDAS)])
    for g in [reporte.base, *reporte.grupos]:
        if not g.detalle:
            continue
        salida += [[], [f"Detalle: {g.nombre}"], ["Postulante", "Cargo", *COLUMNAS_SEXO]]
        for fila in g.detalle:
            salida.append(
                [fila.postulante, fila.cargo, *(fila.celdas[x].texto for x in (*(s for s, _ in SEXOS), TOTAL))]
            )
    return salida


def csv_bytes(encabezado: Encabezado, reporte: Reporte) -> bytes:
    buffer = io.StringIO()
    writer = celdas.writer(buffer)
    for linea in encabezado.lineas():
        writer.writerow([linea])
    writer.writerow([])
    writer.writerows(filas(reporte))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(encabezado: Encabezado, reporte: Reporte) -> bytes:
    lineas: list[list[object]] = [[linea] for linea in encabezado.lineas()]
    return _sin_fechas(celdas.xlsx(lineas[0], [*lineas[1:], [], *filas(reporte)], hoja="Inclusión"))


def _tabla(datos: list[list[str]], estilo: PropertySet, ancho: float, etiquetas: int = 1) -> Table:
    """A table that fits the page: the label columns wider, the figures sharing the rest."""
    columnas = len(datos[0])
    etiqueta = ancho * (0.28 if etiquetas == 1 else 0.22)
    resto = (ancho - etiqueta * etiquetas) / (columnas - etiquetas)
    tabla = Table(
        [[Paragraph(pdf.escape(v), estilo) for v in fila] for fila in datos],
        colWidths=[etiqueta] * etiquetas + [resto] * (columnas - etiquetas),
        repeatRows=1,
        hAlign="LEFT",
    )
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


def pdf_bytes(encabezado: Encabezado, reporte: Reporte) -> bytes:
    estilos = getSampleStyleSheet()
    chico = estilos["BodyText"].clone("chico", fontSize=7, leading=9)
    buffer = io.BytesIO()
    doc = pdf.document(buffer, title=TITULO, author=encabezado.instituto)
    historia: list[Flowable] = []
    if encabezado.logo:
        historia.append(Image(io.BytesIO(encabezado.logo), width=3 * cm, height=1.5 * cm, kind="proportional"))
    historia += [
        Paragraph(pdf.escape(encabezado.instituto), estilos["Title"]),
        Paragraph(pdf.escape(encabezado.proceso), estilos["Heading3"]) if encabezado.proceso else Spacer(1, 0),
        Paragraph(pdf.escape(f"{TITULO} al {encabezado.generado}"), estilos["Heading2"]),
        Paragraph(pdf.escape(encabezado.filtros), estilos["BodyText"]),
        Paragraph(pdf.escape(NOTA), chico),
        Spacer(1, 0.3 * cm),
        Paragraph("Candidaturas por grupo y sexo", estilos["Heading4"]),
        _tabla(
            [["Grupo", *COLUMNAS_SEXO], *([g.nombre, *_sexo(g)] for g in [reporte.base, *reporte.grupos])],
            chico,
            doc.width,
        ),
        Spacer(1, 0.3 * cm),
        Paragraph("Acción afirmativa y autoidentificación", estilos["Heading4"]),
        _tabla(
            [
                ["Grupo", *(e for _, e in MEDIDAS)],
                *([g.nombre, *(g.accion[m].texto for m, _ in MEDIDAS)] for g in reporte.grupos),
            ],
            chico,
            doc.width,
        ),
    ]
    for g in [reporte.base, *reporte.grupos]:
        if g.detalle:
            historia += [
                Spacer(1, 0.3 * cm),
                Paragraph(pdf.escape(f"Detalle: {g.nombre}"), estilos["Heading4"]),
                _tabla(
                    [
                        ["Postulante", "Cargo", *COLUMNAS_SEXO],
                        *(
                            [f.postulante, f.cargo, *(f.celdas[x].texto for x in (*(s for s, _ in SEXOS), TOTAL))]
                            for f in g.detalle
                        ),
                    ],
                    chico,
                    doc.width,
                    etiquetas=2,
                ),
            ]
    doc.build(historia, onFirstPage=_numerar, onLaterPages=_numerar)
    return buffer.getvalue()


def construir(formato: str, encabezado: Encabezado, reporte: Reporte) -> bytes:
    if formato == "csv":
        return csv_bytes(encabezado, reporte)
    if formato == "xlsx":
        return xlsx_bytes(encabezado, reporte)
    return pdf_bytes(encabezado, reporte)


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
