"""Signed forms and photos (issue 7, item 12): nothing but pixels survives; active or disguised PDFs are refused."""

from __future__ import annotations

import io
import os
import struct
from datetime import date

import pytest
from PIL import Image, ImageCms

from services.captura import consentimiento, fotos, pdf_seguro

from .pdfs import CATALOG, PAGE, object_stream, pdf, signed_form, stream

JS = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"

HOSTILE = {
    "OpenAction JavaScript": (signed_form(b"<< /Type /Catalog /Pages 2 0 R /OpenAction " + JS + b" >>"), "JavaScript"),
    "escaped name": (
        signed_form(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61va#53cript /J#53 (x) >> >>"),
        "JavaScript",
    ),
    "JavaScript in the names tree": (
        signed_form(b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 4 0 R >> >>", PAGE, b"<< /Names [] >>"),
        "JavaScript",
    ),
    "Launch in a link": (
        signed_form(
            CATALOG,
            b"<< /Type /Page /Parent 2 0 R /Annots [<< /Subtype /Link /A << /S /Launch /F (cmd.exe) >> >>] >>",
        ),
        "abre programas",
    ),
    "OpenAction to an action object": (
        signed_form(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", PAGE, b"<< /S /URI /URI (http://x) >>"),
        "al abrirlo",
    ),
    "OpenAction inline action": (
        signed_form(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /URI /URI (http://x) >> >>"),
        "al abrirlo",
    ),
    "go-to on opening chained to another action": (
        signed_form(
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /GoTo /D [3 0 R /Fit] /Next << /S /URI /URI (x) >> >> >>"
        ),
        "al abrirlo",
    ),
    "OpenAction to a missing object": (
        signed_form(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 40 0 R >>"),
        "al abrirlo",
    ),
    "additional actions": (
        signed_form(CATALOG, b"<< /Type /Page /Parent 2 0 R /AA << /O << /S /URI /URI (http://x) >> >> >>"),
        "se ejecutan solas",
    ),
    "embedded file": (
        signed_form(
            b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >> >>",
            PAGE,
            stream(b"MZ", b"/Type /EmbeddedFile"),
        ),
        "archivos adjuntos",
    ),
    "JavaScript packed in an object stream": (
        signed_form(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>", PAGE, object_stream({5: JS})),
        "JavaScript",
    ),
    "JavaScript in an ASCII85 object stream": (
        signed_form(CATALOG, PAGE, object_stream({5: JS}, "a85+flate")),
        "JavaScript",
    ),
    "object stream in an unknown compression": (
        signed_form(CATALOG, PAGE, object_stream({5: JS}, "lzw")),
        "no reconocemos",
    ),
    "encrypted": (
        pdf(CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>", trailer=b"<< /Root 1 0 R /Encrypt 3 0 R >>"),
        "cifrado",
    ),
    "HTML wrapped as PDF": (b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n", "HTML"),
    "HTML object after the header": (signed_form(CATALOG, PAGE, b"(<!DOCTYPE html><p>hola)"), "HTML"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_active_or_disguised_pdfs_are_refused_with_a_reason(case: str) -> None:
    data, reason = HOSTILE[case]
    message = pdf_seguro.problema(data)
    assert message is not None and reason in message, message
    with pytest.raises(consentimiento.DocumentoRechazadoError) as refused:
        consentimiento.validar(data)
    assert refused.value.message == message


def test_the_form_the_system_generates_and_a_plain_scan_are_accepted() -> None:
    persona = consentimiento.Persona("Ana Pérez", "Presidencia municipal", "Morelia", "propietaria", "PAN")
    generated = consentimiento.formato_pdf(
        persona, instituto="Instituto de Prueba", proceso="Proceso 2024", generado=date(2024, 3, 1)
    )
    assert pdf_seguro.problema(generated) is None
    # A page whose content stream happens to hold "/JS " and "<html" in its (binary) data, and an /OpenAction
    # that only says which page to show: nothing active.
    noise = b"q 612 0 0 792 0 0 cm /Im1 Do Q /JS \x00<html " + os.urandom(4000)
    scan = signed_form(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
        stream(noise),
    )
    assert pdf_seguro.problema(scan) is None
    assert consentimiento.validar(scan).data == scan
    assert pdf_seguro.problema(signed_form(CATALOG, PAGE, object_stream({5: b"<< /Type /Font >>"}))) is None
    assert pdf_seguro.problema(signed_form(b"<< /Type /Catalog /OpenAction 3 0 R /Pages 2 0 R >>", b"[0 0 R]")) is None
    # What LaTeX and word processors write: "open at page 1", inline or as an object (also a packed one).
    go_to = b"<< /S /GoTo /D [3 0 R /Fit] >>"
    assert pdf_seguro.problema(signed_form(b"<< /Type /Catalog /Pages 2 0 R /OpenAction " + go_to + b" >>")) is None
    by_reference = signed_form(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", PAGE, go_to)
    assert pdf_seguro.problema(by_reference) is None
    packed = signed_form(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>", PAGE, object_stream({5: go_to}))
    assert pdf_seguro.problema(packed) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\n%PDF-1.4\n1 0 obj << >> endobj\n%%EOF", pdf_seguro.NO_EMPIEZA),
        (b"<html><script>alert(1)</script></html>\n%PDF-1.4\n%%EOF", pdf_seguro.NO_EMPIEZA),
        (b"<!doctype html><html><script>alert(1)</script></html>" * 3, consentimiento.NOT_ACCEPTED),
    ],
    ids=["junk before the header", "a web page before the header", "a web page"],
)
def test_a_file_that_is_a_pdf_or_a_page_in_disguise_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(consentimiento.DocumentoRechazadoError) as refused:
        consentimiento.validar(data)
    assert refused.value.message == message


# -- images: pixels only -------------------------------------------------------------------------------------
SOI, EOI, SOS = 0xD8, 0xD9, 0xDA
# What a JPEG needs to show its pixels; APP0 is the JFIF header (version and pixel density).
STRUCTURAL = {0xC0, 0xC1, 0xC2, 0xC4, 0xDB, 0xDD, 0xE0, SOS}


def jpeg_markers(data: bytes) -> list[int]:
    """The markers of the segments before the image data (where metadata lives)."""
    assert data[:2] == b"\xff\xd8"
    markers, pos = [], 2
    while pos < len(data):
        assert data[pos] == 0xFF, pos
        marker = data[pos + 1]
        markers.append(marker)
        if marker == SOS:
            return markers
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
    return markers


def hostile_jpeg(mode: str = "RGB") -> bytes:
    image = Image.new(mode, (900, 1100), (30, 120, 200) if mode == "RGB" else 128)
    exif = Image.Exif()
    exif[0x010F] = "Cámara secreta"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    image.save(
        buffer, "JPEG", comment=b"COMENTARIO-SECRETO", exif=exif.tobytes(), icc_profile=icc, xmp=b"<x:xmpmeta>SECRETO"
    )
    return buffer.getvalue()


def assert_pixels_only(data: bytes) -> None:
    assert set(jpeg_markers(data)) <= STRUCTURAL, [hex(m) for m in jpeg_markers(data)]
    for secret in (b"SECRETO", b"Exif", b"ICC_PROFILE", b"xmpmeta", "Cámara".encode()):
        assert secret not in data, secret


def test_the_comment_exif_icc_and_xmp_of_a_photo_do_not_survive() -> None:
    original = hostile_jpeg()
    assert 0xFE in jpeg_markers(original)  # the upload does carry a comment segment
    foto = fotos.procesar(original)
    assert_pixels_only(foto.foto)
    assert_pixels_only(foto.mini)


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_a_scanned_form_keeps_only_its_pixels(mode: str) -> None:
    stored = consentimiento.validar(hostile_jpeg(mode))
    assert stored.extension == "jpg"
    assert_pixels_only(stored.data)


def test_a_png_scan_loses_its_text_chunks_and_icc_profile() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "SECRETO")
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    Image.new("RGB", (850, 1100), (250, 250, 250)).save(buffer, "PNG", pnginfo=info, icc_profile=icc)
    stored = consentimiento.validar(buffer.getvalue())
    assert stored.extension == "png"
    assert b"SECRETO" not in stored.data and b"iCCP" not in stored.data and b"tEXt" not in stored.data
    assert Image.open(io.BytesIO(stored.data)).info.keys() <= {"dpi"}


def test_a_photo_with_an_icc_profile_is_converted_to_srgb_and_keeps_its_colours() -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = Image.new("RGB", (400, 500), (200, 60, 60))
    converted = fotos.to_srgb(image, icc)
    assert converted is not image
    assert all(abs(a - b) <= 2 for a, b in zip(converted.getpixel((0, 0)), (200, 60, 60), strict=True))
    assert not fotos.solo_pixeles(converted).info
    # An unreadable profile is dropped; the pixels stay as they are.
    assert fotos.to_srgb(image, b"not a profile") is image
