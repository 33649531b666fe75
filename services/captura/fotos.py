"""The photo rules (docs/design.md §4, rubro 1): what is accepted, and the JPEG the server makes of it. No I/O.

Only the bytes decide: the file name and the Content-Type the browser sent are never trusted. Whatever is
accepted is decoded and encoded again from its pixels, so nothing of the original file survives: no EXIF
(GPS position, camera serial), no ICC profile, no comment, no data appended after the image. That is also
what we do with polyglots (a JPEG with a ZIP glued to its end, say): phones append data after a JPEG on
their own (motion photos, multi-picture trailers), so trailing bytes cannot be refused without refusing real
photos; re-encoding drops them instead.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
# 30 megapixels: more than any phone saves by default. A bigger image is almost surely a decompression bomb
# (a small file that expands to gigabytes of pixels), and decoding it would blow the service's memory budget.
MAX_PIXELS = 30_000_000
# Pillow refuses at open (DecompressionBombError) above twice this and warns above it; both become our message.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
SIZE = (800, 1000)  # 4:5, the shape of the photo on the profile
MINI_SIZE = (160, 200)
JPEG_QUALITY = 85


class FotoRechazadaError(ValueError):
    """The upload is not an acceptable photo; ``message`` tells the person why, in Spanish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Foto:
    sha256: str  # of ``foto``: the name of both files
    foto: bytes  # 800×1000 JPEG
    mini: bytes  # 160×200 JPEG


EMPTY = "Elige una fotografía para subir."
TOO_BIG = "La fotografía pesa más de 5 MB. Reduce su tamaño e inténtalo de nuevo."
SVG = "Las imágenes SVG no se aceptan. Sube una fotografía JPEG, PNG o WebP."
NOT_AN_IMAGE = "El archivo no es una imagen JPEG, PNG o WebP. Sube una fotografía en alguno de esos formatos."
BOMB = "La imagen tiene demasiados píxeles (más de 30 megapíxeles). Sube una fotografía de menor resolución."
ANIMATED = "La fotografía no puede ser animada. Sube una imagen fija."
BROKEN = "La imagen está dañada o incompleta. Vuelve a exportarla o elige otra."
TOO_SMALL = "La fotografía es muy pequeña: debe medir al menos 160 píxeles por lado."


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip().lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) and b"<svg" in head


def open_checked(data: bytes, formats: tuple[str, ...]) -> Image.Image:
    """Open and fully decode an image of one of ``formats``, refusing bombs, animations and broken files.

    Shared with the signed consent form (captura.consentimiento), which accepts JPEG and PNG scans.
    """
    try:
        # formats=…: only these decoders ever see the bytes (no GIF, EPS, ICO… parser is reachable).
        with Image.open(io.BytesIO(data), formats=list(formats)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise FotoRechazadaError(BOMB)
            if getattr(probe, "n_frames", 1) > 1:
                raise FotoRechazadaError(ANIMATED)
            probe.verify()  # checksums (PNG CRCs) without decoding; the object is unusable afterwards
        image = Image.open(io.BytesIO(data), formats=list(formats))
        if image.format == "JPEG":
            # Decode a JPEG at 1/2, 1/4 or 1/8 scale when that still leaves enough pixels: less memory and time.
            image.draft("RGB", (2 * SIZE[1], 2 * SIZE[1]))
        image.load()  # a truncated file fails here
    except FotoRechazadaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # The warning is an exception under `filterwarnings = error` (tests); in production our own check above
        # refuses the same images.
        raise FotoRechazadaError(BOMB) from None
    except UnidentifiedImageError:
        raise FotoRechazadaError(SVG if _looks_like_svg(data) else NOT_AN_IMAGE) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
        # What Pillow's decoders raise on a damaged or truncated file.
        raise FotoRechazadaError(BROKEN) from None
    return image


def flatten(image: Image.Image) -> Image.Image:
    """RGB without transparency: transparent areas become white (the page's background), not black."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # No exif=, icc_profile= or comment= arguments: Pillow writes none of them unless asked.
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
    return buffer.getvalue()


def procesar(data: bytes) -> Foto:
    """Validate an uploaded photo and make the two JPEGs that are stored; raise FotoRechazadaError otherwise."""
    if not data:
        raise FotoRechazadaError(EMPTY)
    if len(data) > MAX_BYTES:
        raise FotoRechazadaError(TOO_BIG)
    with open_checked(data, ACCEPTED_FORMATS) as image:
        if min(image.size) < MINI_SIZE[0]:
            raise FotoRechazadaError(TOO_SMALL)
        rgb = flatten(image)
    # Centered crop to 4:5, then resampled to exactly 800×1000; the thumbnail comes from that same crop.
    foto = ImageOps.fit(rgb, SIZE, method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    mini = foto.resize(MINI_SIZE, Image.Resampling.LANCZOS)
    foto_bytes = _jpeg(foto)
    return Foto(hashlib.sha256(foto_bytes).hexdigest(), foto_bytes, _jpeg(mini))
