"""Files for the upload tests, made with Pillow in the test itself, and a multipart post as a browser sends it."""

from __future__ import annotations

import base64
import io
import re
import struct
import zipfile
import zlib

import aiohttp
from PIL import ExifTags, Image, ImageCms

from .helpers import Client

RED = (220, 20, 20)
BLUE = (20, 20, 220)


async def upload(
    client: Client, page: str, action: str, field: str, data: bytes, filename: str, content_type: str
) -> aiohttp.ClientResponse:
    """Load the page with the form, then post the file with the page's CSRF token (multipart/form-data)."""
    token = await client.csrf(page)
    form = aiohttp.FormData()
    form.add_field("csrf_token", token)
    # A file object, as aiohttp wants for big bodies (raw bytes of several MB would block its event loop).
    form.add_field(field, io.BytesIO(data), filename=filename, content_type=content_type)
    return await client.post(action, data=form)


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def halves(size: tuple[int, int] = (1200, 900)) -> Image.Image:
    """Left half red, right half blue: where the colors end up shows how the image was turned."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    return image


def jpeg_with_exif_gps_and_icc() -> bytes:
    """A landscape camera JPEG whose EXIF says "rotate 90° clockwise to show", with a GPS position and an ICC."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Cámara de prueba"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (19.0, 42.0, 10.5),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (101.0, 11.0, 3.2),
    }
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(halves(), "JPEG", exif=exif.tobytes(), icc_profile=icc, quality=90)


def animated(fmt: str) -> bytes:
    frames = [Image.new("RGB", (400, 500), color) for color in (RED, BLUE)]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid PNG of width×height black pixels: a few hundred KB on disk, 400 megapixels once decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte + one grey byte per pixel
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="800" height="1000">'
    b'<script>alert(1)</script><rect width="800" height="1000" fill="red"/></svg>'
)


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return buffer.getvalue()


def pdf_text(pdf: bytes) -> str:
    """The text-drawing operators of a reportlab PDF (its content streams, inflated), for a search."""
    parts = []
    for match in re.finditer(rb"stream\r?\n(.*?)\s*endstream", pdf, re.DOTALL):
        data = match.group(1).strip()
        if data.endswith(b"~>"):  # reportlab wraps its deflated streams in ASCII85
            data = base64.a85decode(data[:-2])
        try:
            parts.append(zlib.decompress(data))
        except zlib.error:
            parts.append(data)
    return b"\n".join(parts).decode("latin-1")
