"""What a signed form in PDF may not carry: anything that runs or opens by itself, or a web page. No I/O.

A signed form is kept as sent (a rewrite would break a digital signature), so it is read instead: the
dictionaries of the file (outside its streams, plus the objects packed in compressed object streams) are
searched for the names that make a reader act on its own: JavaScript (``/JS``, ``/JavaScript``), launching
programs (``/Launch``), actions on opening (``/OpenAction`` with an action, ``/AA``), attached files
(``/EmbeddedFile``), forms that send data, rich media, XFA. Names are compared after undoing ``#xx`` escapes
(``/J#61vaScript`` is ``/JavaScript``). A file that hides its objects where they cannot be read (encryption,
an unknown compression) is refused too: what cannot be checked is not accepted. Page content and images are
not searched: random bytes of a scan would match by chance.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from dataclasses import dataclass, field

HTML = (
    "El archivo contiene código de una página web (HTML o scripts) y no se acepta. Sube el formato firmado "
    "como PDF, JPG o PNG."
)
NO_EMPIEZA = (
    "El archivo no empieza como un PDF (con «%PDF-»). Vuelve a generarlo o escanéalo, y súbelo como PDF, JPG o PNG."
)
CIFRADO = "El PDF está cifrado o protegido con contraseña, y así no puede revisarse. Sube una copia sin protección."
ILEGIBLE = (
    "No pudimos revisar el contenido del PDF (usa una compresión que no reconocemos). Vuelve a generarlo con otro "
    "programa o escanéalo."
)
ACTIVO = (
    "El PDF contiene {que}, y por seguridad no se acepta. Imprímelo de nuevo como PDF o escanéalo, y súbelo sin ese "
    "contenido."
)
# What each forbidden name makes the reader do, as the person is told.
FORBIDDEN = {
    b"JS": "código JavaScript",
    b"JavaScript": "código JavaScript",
    b"Launch": "una acción que abre programas",
    b"AA": "acciones que se ejecutan solas",
    b"EmbeddedFile": "archivos adjuntos",
    b"EmbeddedFiles": "archivos adjuntos",
    b"RichMedia": "contenido multimedia",
    b"XFA": "un formulario XFA",
    b"SubmitForm": "un formulario que envía datos",
    b"ImportData": "un formulario que importa datos",
    b"GoToR": "un enlace que abre otro archivo",
    b"GoToE": "un enlace a un archivo adjunto",
}
OPEN_ACTION = "una acción que se ejecuta al abrirlo"
# Decompressed object streams above this size are not inspected (a zip bomb), so the file is refused.
MAX_INFLATED = 32 * 1024 * 1024
HEAD = 1024
# How much of an /OpenAction's value is read: an action dictionary is a few dozen bytes.
ACTION_WINDOW = 4096

_DELIMITER = rb"[\s/<>\[\]()%{}]"
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]*)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_ENDSTREAM = re.compile(rb"\s*endstream")
_HTML = re.compile(rb"<\s*(?:!doctype\s+html|html|script|body|iframe|object|embed)\b", re.IGNORECASE)
_KEY = re.compile(rb"/(" + b"|".join(FORBIDDEN) + rb"|Encrypt|OpenAction)(?=" + _DELIMITER + rb"|$)")
_REFERENCE = re.compile(rb"\s*(\d+)\s+(\d+)\s+R")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/<>\[\]()%{}]+)")
_FIRST = re.compile(rb"/First\s+(\d+)")
_OBJECT = re.compile(rb"(?<!\d)(\d+)\s+(\d+)\s+obj\b")


class IlegibleError(ValueError):
    pass


@dataclass
class _Partes:
    text: list[bytes] = field(default_factory=list)  # every byte outside streams
    object_streams: list[tuple[bytes, bytes]] = field(default_factory=list)  # (dictionary, raw data)


def _normalize(text: bytes) -> bytes:
    """Names with their ``#xx`` escapes undone, so an escaped name reads as the name it is."""

    def name(match: re.Match[bytes]) -> bytes:
        return b"/" + _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))

    return _NAME.sub(name, text)


def _split(data: bytes) -> _Partes:
    parts = _Partes()
    pos = 0
    while match := _STREAM.search(data, pos):
        start = match.end()
        parts.text.append(data[pos:start])
        header = data.rfind(b"obj", pos, match.start())
        dictionary = _normalize(data[header if header >= 0 else pos : match.start() + 2])
        end = -1
        if length := _LENGTH.search(dictionary):
            candidate = start + int(length.group(1))
            if _ENDSTREAM.match(data, candidate):
                end = candidate
        if end < 0:
            end = data.find(b"endstream", start)
            end = len(data) if end < 0 else end
        if re.search(rb"/Type\s*/ObjStm", dictionary):
            parts.object_streams.append((dictionary, data[start:end]))
        pos = end
    parts.text.append(data[pos:])
    return parts


def _filters(dictionary: bytes) -> list[bytes]:
    match = _FILTER.search(dictionary)
    if not match:
        return []
    return [m.group(1) for m in _NAME.finditer(match.group(1))]


def _inflate(raw: bytes, budget: int) -> bytes:
    decompressor = zlib.decompressobj()
    try:
        out = decompressor.decompress(raw, budget + 1)
    except zlib.error:
        raise IlegibleError from None
    if len(out) > budget:
        raise IlegibleError
    return out


def _decode(dictionary: bytes, raw: bytes, budget: int) -> bytes:
    if re.search(rb"/Predictor\s+([2-9]|\d\d)", dictionary):
        raise IlegibleError
    data = raw
    for name in _filters(dictionary):
        if name in (b"FlateDecode", b"Fl"):
            data = _inflate(data, budget)
        elif name in (b"ASCII85Decode", b"A85"):
            text = re.sub(rb"\s", b"", data)
            text = text[2:] if text.startswith(b"<~") else text
            try:
                data = base64.a85decode(text.split(b"~>")[0])
            except ValueError:
                raise IlegibleError from None
        elif name in (b"ASCIIHexDecode", b"AHx"):
            hexa = re.sub(rb"\s", b"", data).split(b">")[0]
            try:
                data = binascii.unhexlify(hexa + b"0" * (len(hexa) % 2))
            except binascii.Error:
                raise IlegibleError from None
        else:
            raise IlegibleError
    return data


def _packed_objects(dictionary: bytes, content: bytes) -> dict[int, bytes]:
    first = _FIRST.search(dictionary)
    if not first:
        raise IlegibleError
    offset = int(first.group(1))
    numbers = content[:offset].split()
    pairs = [(int(numbers[i]), int(numbers[i + 1])) for i in range(0, len(numbers) - 1, 2) if numbers[i].isdigit()]
    objects = {}
    for index, (number, start) in enumerate(pairs):
        end = pairs[index + 1][1] if index + 1 < len(pairs) else len(content) - offset
        objects[number] = content[offset + start : offset + end]
    return objects


def _dictionary_at(text: bytes, start: int) -> bytes:
    """The ``<< … >>`` starting at ``start`` (nested dictionaries included); to the end if it never closes."""
    depth, pos = 0, start
    while pos < len(text) - 1:
        pair = text[pos : pos + 2]
        if pair == b"<<":
            depth, pos = depth + 1, pos + 2
            continue
        if pair == b">>":
            depth, pos = depth - 1, pos + 2
            if depth == 0:
                return text[start:pos]
            continue
        pos += 1
    return text[start:]


def _harmless_open(value: bytes) -> bool:
    """A destination (an array) or a plain go-to-page action: what word processors and LaTeX write."""
    value = value.lstrip()
    if value.startswith(b"["):
        return True
    if not value.startswith(b"<<"):
        return False
    action = _dictionary_at(value, 0)
    return bool(re.search(rb"/S\s*/GoTo(?=" + _DELIMITER + rb")", action)) and b"/Next" not in action


def _opens_an_action(text: bytes, after: int, positions: dict[int, int], objects: dict[int, bytes]) -> bool:
    """An ``/OpenAction`` that only says which page to show is harmless; any other action is not."""
    reference = _REFERENCE.match(text, after)
    if not reference:
        return not _harmless_open(text[after : after + ACTION_WINDOW])
    number = int(reference.group(1))
    if number in objects:
        return not _harmless_open(objects[number])
    if number in positions:
        return not _harmless_open(text[positions[number] : positions[number] + ACTION_WINDOW])
    return True  # pointing at an object we cannot find: not checked, not accepted


def pdf_sin_cabecera(data: bytes) -> bool:
    """Not starting with ``%PDF-`` but a PDF all the same: readers accept bytes (a web page, say) before the header."""
    return b"%PDF-" in data[:HEAD]


def problema(data: bytes) -> str | None:
    """Why this PDF (which starts with ``%PDF-``) may not be accepted, in Spanish; ``None`` when it may."""
    parts = _split(data)
    text = _normalize(b"".join(parts.text))
    if _HTML.search(text):
        return HTML
    # Where each object outside the streams starts (read only if an /OpenAction points at it), and the packed ones.
    positions = {int(m.group(1)): m.end() for m in _OBJECT.finditer(text)}
    objects: dict[int, bytes] = {}
    if parts.object_streams and b"/Encrypt" in text:
        return CIFRADO  # its packed objects cannot be read
    budget = MAX_INFLATED
    try:
        for dictionary, raw in parts.object_streams:
            content = _decode(dictionary, raw, budget)
            budget -= len(content)
            packed = _packed_objects(dictionary, content)
            objects.update({n: _normalize(o) for n, o in packed.items()})
            text += b"\n" + b"\n".join(_normalize(o) for o in packed.values())
    except (IlegibleError, ValueError, IndexError):
        return ILEGIBLE
    opens_an_action = False
    for match in _KEY.finditer(text):
        key = match.group(1)
        if key == b"Encrypt":
            return CIFRADO
        if key == b"OpenAction":
            opens_an_action = opens_an_action or _opens_an_action(text, match.end(), positions, objects)
            continue
        return ACTIVO.format(que=FORBIDDEN[key])  # the most telling reason (JavaScript) before "an action"
    return ACTIVO.format(que=OPEN_ACTION) if opens_an_action else None
