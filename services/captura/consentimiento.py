"""The consent form (docs/design.md §4, Consentimiento): the pre-filled PDF to sign, and what a signed upload must be.

No I/O here. The PDF is drawn with reportlab and Helvetica, like the credentials sheet (services/auth/credenciales.py).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from services.common import pdf

from . import fotos, pdf_seguro

MAX_BYTES = 10 * 1024 * 1024
# Where %%EOF must appear: PDF writers may put a newline or a few bytes of padding after it.
PDF_TAIL = 1024

# The three consents, in the words of the Lineamientos (docs/design.md §4) (the same three the capture screen records).
CONSENTIMIENTOS = (
    "Autorizo el tratamiento de mis datos personales para las finalidades señaladas en el Aviso de Privacidad "
    "Integral del sistema «Candidatas y Candidatos, Conóceles».",
    "Autorizo la publicación y difusión de mis datos personales sensibles capturados en el cuestionario de identidad.",
    "Autorizo que los datos generados con motivo de mi registro formen parte de informes estadísticos.",
)

EMPTY = "Elige el archivo del formato firmado (PDF, JPG o PNG)."
TOO_BIG = "El archivo pesa más de 10 MB. Escanéalo con menor resolución e inténtalo de nuevo."
NOT_ACCEPTED = "El archivo no es un PDF, JPG ni PNG válido. Sube el formato firmado en alguno de esos formatos."
BROKEN_PDF = "El PDF está incompleto o dañado. Vuelve a generarlo o escanéalo de nuevo."


class DocumentoRechazadoError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Documento:
    sha256: str
    extension: str  # pdf, jpg or png
    data: bytes

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def validar(data: bytes) -> Documento:
    """The bytes to store for a signed form, or DocumentoRechazadoError.

    A PDF is kept as sent (it may carry a digital signature that any rewrite would break); it must start with
    the PDF header and end with the end-of-file marker, which catches truncated uploads and renamed files, and
    it may not carry anything that runs or opens by itself (:mod:`.pdf_seguro`). A JPG or PNG scan is decoded
    and rebuilt from its pixels in its own format, which drops its metadata (a phone's GPS position, comments)
    and anything hidden in or after it.
    """
    if not data:
        raise DocumentoRechazadoError(EMPTY)
    if len(data) > MAX_BYTES:
        raise DocumentoRechazadoError(TOO_BIG)
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-PDF_TAIL:]:
            raise DocumentoRechazadoError(BROKEN_PDF)
        problem = pdf_seguro.problema(data)
        if problem:
            raise DocumentoRechazadoError(problem)
        return Documento(hashlib.sha256(data).hexdigest(), "pdf", data)
    if pdf_seguro.pdf_sin_cabecera(data):
        raise DocumentoRechazadoError(pdf_seguro.NO_EMPIEZA)
    try:
        with fotos.open_checked(data, ("JPEG", "PNG")) as image:
            fmt = image.format
            clean = fotos.limpia(image)
    except fotos.FotoRechazadaError as exc:
        message = NOT_ACCEPTED if exc.message in (fotos.NOT_AN_IMAGE, fotos.SVG) else exc.message
        raise DocumentoRechazadoError(message) from None
    if fmt == "JPEG":
        stored = fotos.jpeg(clean, quality=90)
    else:
        buffer = io.BytesIO()
        clean.save(buffer, "PNG", optimize=True)
        stored = buffer.getvalue()
    return Documento(hashlib.sha256(stored).hexdigest(), "jpg" if fmt == "JPEG" else "png", stored)


# -- the form ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Persona:
    nombre: str
    cargo: str
    ambito: str
    tipo: str  # propietaria / suplente
    postulante: str


_STYLES = getSampleStyleSheet()
_BODY = ParagraphStyle("cuerpo", parent=_STYLES["BodyText"], fontName="Helvetica", fontSize=10.5, leading=14)
_TITLE = ParagraphStyle("titulo", parent=_STYLES["Heading1"], fontName="Helvetica-Bold", fontSize=15, leading=19)
_INSTITUTE = ParagraphStyle(
    "instituto", parent=_BODY, fontName="Helvetica-Bold", fontSize=11, textColor=colors.HexColor("#4a1c5c")
)
_SMALL = ParagraphStyle("pie", parent=_BODY, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444"))


def _datos(persona: Persona) -> Table:
    rows = [
        ("Nombre", persona.nombre),
        ("Cargo", persona.cargo),
        ("Ámbito", persona.ambito),
        ("Calidad", persona.tipo.capitalize()),
        ("Postulada por", persona.postulante),
    ]
    table = Table(
        [[Paragraph(f"<b>{k}</b>", _BODY), Paragraph(pdf.escape(v), _BODY)] for k, v in rows],
        colWidths=(4 * cm, 13.5 * cm),
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#777777")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f1ecf4")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _consentimientos() -> Table:
    # A box to mark with an X for each consent, and its text: each one is given separately (docs/design.md §4).
    data = [["", Paragraph(f"{n}. {pdf.escape(text)}", _BODY)] for n, text in enumerate(CONSENTIMIENTOS, 1)]
    table = Table(data, colWidths=(1.2 * cm, 16.3 * cm))
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (0, 0), 1, colors.black),
                ("BOX", (0, 1), (0, 1), 1, colors.black),
                ("BOX", (0, 2), (0, 2), 1, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _firma() -> Table:
    table = Table(
        [["", "", ""], ["Lugar y fecha", "", "Nombre y firma autógrafa"]],
        colWidths=(7.5 * cm, 2.5 * cm, 7.5 * cm),
        rowHeights=[2.2 * cm, None],
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (0, 0), 0.8, colors.black),
                ("LINEBELOW", (2, 0), (2, 0), 0.8, colors.black),
                ("ALIGN", (0, 1), (-1, 1), "CENTER"),
                ("FONT", (0, 1), (-1, 1), "Helvetica", 9),
            ]
        )
    )
    return table


def formato_pdf(persona: Persona, *, instituto: str, proceso: str, generado: date) -> bytes:
    """The consent form, pre-filled with the person's registration, ready to print, mark and sign."""
    buffer = io.BytesIO()
    doc = pdf.document(buffer, title=f"Formato de consentimiento: {persona.nombre}", author=instituto, subject=proceso)
    story: list[Flowable] = [
        Paragraph(pdf.escape(instituto), _INSTITUTE),
        Paragraph(pdf.escape(proceso), _BODY),
        Paragraph("Formato de consentimiento expreso", _TITLE),
        Paragraph(
            "Sistema «Candidatas y Candidatos, Conóceles». Datos de la candidatura, tomados del registro aprobado "
            "por el Consejo General:",
            _BODY,
        ),
        Spacer(1, 0.25 * cm),
        _datos(persona),
        Spacer(1, 0.45 * cm),
        Paragraph(
            "Declaro que leí el Aviso de Privacidad Integral publicado en el portal del Instituto. Marco con una "
            "«X» cada autorización que otorgo; cada una es independiente de las demás y puedo revocarla en "
            "cualquier momento ante la Unidad de Transparencia:",
            _BODY,
        ),
        Spacer(1, 0.2 * cm),
        _consentimientos(),
        Spacer(1, 0.9 * cm),
        _firma(),
        Spacer(1, 0.8 * cm),
        Paragraph(
            f"Una vez firmado, escanéalo o fotografíalo y súbelo en Conóceles (PDF, JPG o PNG, hasta 10 MB). "
            f"Formato generado el {generado.strftime('%d/%m/%Y')}. Las candidaturas independientes deben subirlo "
            "antes de enviar su cuestionario.",
            _SMALL,
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
