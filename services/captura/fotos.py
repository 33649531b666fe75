"""The photo rules (docs/design.md §4, rubro 1): what is accepted, and the JPEG the server makes of it. No I/O.

Only the bytes decide: the file name and the Content-Type the browser sent are never trusted. Whatever is
accepted is decoded, its colours converted to sRGB if it carries an ICC profile, and a new image is built from
the pixel data alone (:func:`solo_pixeles`) before it is encoded again, so nothing of the original file
survives: no EXIF (GPS position, camera serial), no ICC profile, no comment, no XMP, no text chunks, no data
appended after the image. (Pillow copies an image's ``info`` through every operation and writes its JPEG
comment back on save: re-encoding alone is not enough.) That is also
what we do with polyglots (a JPEG with a ZIP glued to its end, say): phones append data after a JPEG on
their own (motion photos, multi-picture trailers), so trailing bytes cannot be refused without refusing real
photos; re-encoding drops them instead.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

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


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# The modes a pixels-only copy keeps; anything else (palette, 1-bit, 16-bit, CMYK…) is converted first.
PIXEL_MODES = ("L", "RGB", "RGBA")


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """The image in sRGB when it came with an ICC profile (a phone's Display P3, a scanner's Adobe RGB).

    The profile is not kept, so the colours are converted instead of merely relabelled; an unreadable
    profile is ignored (its pixels are kept as they are).
    """
    if not icc_profile:
        return image
    alpha = _has_alpha(image)
    if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        image = image.convert("RGBA" if alpha else "RGB")
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGBA" if alpha else "RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted if converted is not None else image


def solo_pixeles(image: Image.Image) -> Image.Image:
    """A new image built from the pixel data alone: an empty ``info`` (no comment, EXIF, XMP, ICC, text)."""
    if image.mode in PIXEL_MODES:
        mode = image.mode
    elif image.mode in ("1", "I", "I;16", "I;16B", "I;16L", "F"):
        mode = "L"
    else:
        mode = "RGBA" if _has_alpha(image) else "RGB"
    pixels = image if image.mode == mode else image.convert(mode)
    return Image.frombytes(mode, pixels.size, pixels.tobytes())


def limpia(image: Image.Image) -> Image.Image:
    """Upright (EXIF orientation applied), in sRGB, and nothing but pixels."""
    icc_profile = image.info.get("icc_profile")
    return solo_pixeles(to_srgb(ImageOps.exif_transpose(image), icc_profile))


def flatten(image: Image.Image, icc_profile: bytes | None = None) -> Image.Image:
    """RGB in sRGB, pixels only, without transparency: transparent areas become white (the page's background)."""
    image = solo_pixeles(to_srgb(image, icc_profile))
    if image.mode == "RGBA":
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return solo_pixeles(image.convert("RGB"))


def jpeg(image: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    """The JPEG of the pixels only: rebuilt here too, so nothing an earlier step carried along is written."""
    buffer = io.BytesIO()
    solo_pixeles(image).save(buffer, "JPEG", quality=quality, progressive=True, optimize=True)
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
        icc_profile = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image)
        if upright.mode not in PIXEL_MODES:
            # Palette and 1-bit images resample only by nearest neighbour: give them full colour first.
            upright = upright.convert("RGBA" if _has_alpha(upright) else "RGB")
        # Centered crop to 4:5, resampled to exactly 800×1000; colours and pixels-only on that small image (less
        # memory than on the original). The thumbnail comes from that same crop.
        cropped = ImageOps.fit(upright, SIZE, method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    foto = flatten(cropped, icc_profile)
    mini = foto.resize(MINI_SIZE, Image.Resampling.LANCZOS)
    foto_bytes = jpeg(foto)
    return Foto(hashlib.sha256(foto_bytes).hexdigest(), foto_bytes, jpeg(mini))
