"""The credentials sheet of a provisioning lote: a CSV for Excel and a printable PDF, one section per postulante.

No I/O here: the job hands in the rows and stores the bytes. The CSV is also the job's working record (it
grows batch by batch in the lote row, in the same transaction as the accounts), so :func:`parse_csv` reads
back what :func:`csv_rows` wrote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from services.common import celdas

from .policy import MIN_LENGTH

COLUMNS = ("postulante", "cargo", "ámbito", "número", "tipo", "nombre", "usuario", "contraseña")
# Excel opens a UTF-8 CSV with accents intact only when it starts with a byte order mark.
BOM = "\ufeff".encode()
REPRESENTANTE = "representante"


@dataclass(frozen=True)
class Credencial:
    postulante: str  # siglas
    cargo: str
    ambito: str
    numero: str
    tipo: str  # propietaria, suplente or representante
    nombre: str
    usuario: str
    contrasena: str


# CRLF: what Excel and the RFC expect.
LINE_END = "\r\n"


def csv_header() -> bytes:
    buffer = io.StringIO()
    celdas.writer(buffer, lineterminator=LINE_END).writerow(COLUMNS)
    return BOM + buffer.getvalue().encode()


def csv_rows(credenciales: Iterable[Credencial]) -> bytes:
    """Rows without header, to append to the job's working record a batch at a time (read back exactly)."""
    buffer = io.StringIO()
    celdas.writer_interno(buffer, lineterminator=LINE_END).writerows(astuple(c) for c in credenciales)
    return buffer.getvalue().encode()


def parse_csv(data: bytes) -> list[Credencial]:
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    return [Credencial(*row) for row in rows[1:] if row]


def group_by_postulante(credenciales: Iterable[Credencial]) -> list[tuple[str, list[Credencial]]]:
    """Rows per postulante, in the order the job processed them; the representative first in each group."""
    groups: dict[str, list[Credencial]] = {}
    for c in credenciales:
        groups.setdefault(c.postulante, []).append(c)
    # sorted() is stable: within each kind the job's order (cargo, ámbito, número, propietaria) stays.
    return [(siglas, sorted(rows, key=lambda c: c.tipo != REPRESENTANTE)) for siglas, rows in groups.items()]


def csv_sheet(credenciales: Sequence[Credencial]) -> bytes:
    """The final CSV handed to staff: grouped by postulante, formula-looking cells neutralised."""
    ordered = [c for _, rows in group_by_postulante(credenciales) for c in rows]
    buffer = io.StringIO()
    celdas.writer(buffer, lineterminator=LINE_END).writerows(astuple(c) for c in ordered)
    return csv_header() + buffer.getvalue().encode()


# -- PDF ---------------------------------------------------------------------------------------------------
_STYLES = getSampleStyleSheet()
_BODY = ParagraphStyle("cuerpo", parent=_STYLES["BodyText"], fontName="Helvetica", fontSize=10, leading=13)
_SMALL = ParagraphStyle("celda", parent=_BODY, fontSize=8.5, leading=10.5, alignment=TA_LEFT)
_TITLE = ParagraphStyle("titulo", parent=_STYLES["Heading1"], fontName="Helvetica-Bold", fontSize=15, leading=19)
_INSTITUTE = ParagraphStyle(
    "instituto", parent=_BODY, fontName="Helvetica-Bold", fontSize=11, textColor=colors.HexColor("#4a1c5c")
)
_HEADERS = ("Cargo", "Ámbito", "Núm.", "Tipo", "Nombre", "Usuario", "Contraseña")
# 24.8 cm: the frame of a landscape letter page with 1.5 cm margins; usuario fits 20 Courier characters.
_WIDTHS = (3.8 * cm, 4.0 * cm, 1.1 * cm, 2.3 * cm, 5.4 * cm, 4.3 * cm, 3.9 * cm)
_TIPOS = {"propietaria": "Propietaria", "suplente": "Suplente", REPRESENTANTE: "Representante"}


def _escape(text: str) -> str:
    # Paragraph parses a small XML markup; registry text is data, never markup.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _instructions(acceso: str) -> list[Flowable]:
    return [
        Paragraph(
            f"Entra en <b>{_escape(acceso)}</b> con este usuario y contraseña; al entrar por primera vez "
            f"deberás cambiar la contraseña por una que solo tú conozcas (al menos {MIN_LENGTH} caracteres).",
            _BODY,
        ),
        Paragraph(
            "Entrega a cada persona únicamente su propio renglón. La cuenta de representante sirve para todas las "
            "candidaturas del postulante. Esta hoja contiene contraseñas: guárdala en un lugar seguro y destrúyela "
            "cuando las cuentas estén entregadas. Si una contraseña se pierde, el Instituto puede generar otra.",
            _BODY,
        ),
    ]


def _table(rows: Sequence[Credencial]) -> Table:
    # Only the cells that may wrap are Paragraphs; plain strings are far cheaper for 8,000 rows.
    data: list[list[Any]] = [list(_HEADERS)]
    for c in rows:
        data.append(
            [
                Paragraph(_escape(c.cargo), _SMALL),
                Paragraph(_escape(c.ambito), _SMALL),
                c.numero,
                _TIPOS.get(c.tipo, c.tipo),
                Paragraph(_escape(c.nombre), _SMALL),
                c.usuario,
                c.contrasena,
            ]
        )
    table = Table(data, colWidths=_WIDTHS, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9e2ee")),
                ("FONT", (2, 1), (3, -1), "Helvetica", 8.5),
                # A monospaced face for what people type: every character stands apart.
                ("FONT", (5, 1), (6, -1), "Courier-Bold", 10),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#777777")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def pdf_sheet(
    credenciales: Sequence[Credencial],
    postulantes: dict[str, str],
    *,
    lote_id: int,
    instituto: str,
    proceso: str,
    acceso: str,
    generado: str,
) -> bytes:
    """One section per postulante, each starting on a new page (a long one continues on the next pages)."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(letter),
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.7 * cm,
        title=f"Cuentas de acceso, lote {lote_id}",
        author=instituto,
        subject=proceso,
        creator="Conóceles",
        # No embedded timestamp or random id: the same rows give the same file (the footer carries the date).
        invariant=1,
    )

    def footer(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(
            document.leftMargin, 1 * cm, f"Confidencial: contiene contraseñas · Lote {lote_id} · generado el {generado}"
        )
        canvas.drawRightString(document.pagesize[0] - document.rightMargin, 1 * cm, f"Página {document.page}")
        canvas.restoreState()

    story: list[Flowable] = []
    groups = group_by_postulante(credenciales)
    for index, (siglas, rows) in enumerate(groups):
        if index:
            story.append(PageBreak())
        nombre = postulantes.get(siglas, siglas)
        heading = f"{nombre} ({siglas})" if nombre != siglas else siglas
        story += [
            KeepTogether(
                [
                    Paragraph(_escape(instituto), _INSTITUTE),
                    Paragraph(_escape(proceso), _BODY),
                    Paragraph(f"Cuentas de acceso a Conóceles: {_escape(heading)}", _TITLE),
                    *_instructions(acceso),
                    Spacer(1, 0.3 * cm),
                ]
            ),
            _table(rows),
        ]
    if not groups:
        story.append(Paragraph(_escape(instituto), _INSTITUTE))
        story.append(Paragraph("Este lote no creó cuentas nuevas: todas las candidaturas ya tenían la suya.", _BODY))
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
