"""Small PDFs written by hand for the signed-form checks: benign ones and every kind of active content."""

from __future__ import annotations

import base64
import zlib


def pdf(*objects: bytes, trailer: bytes = b"<< /Root 1 0 R >>") -> bytes:
    """A PDF of these objects (numbered from 1), with a header, an xref table and an end-of-file marker."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def object_stream(objects: dict[int, bytes], filters: str = "flate") -> bytes:
    """An /ObjStm packing ``objects`` (number → body), compressed as ``filters`` says."""
    header, bodies, offset = [], b"", 0
    for number, body in objects.items():
        header.append(b"%d %d" % (number, offset))
        bodies += body + b"\n"
        offset = len(bodies)
    head = b" ".join(header) + b"\n"
    content = head + bodies
    extra = b"/Type /ObjStm /N %d /First %d" % (len(objects), len(head))
    if filters == "flate":
        return stream(zlib.compress(content), extra + b" /Filter /FlateDecode")
    if filters == "a85+flate":
        data = base64.a85encode(zlib.compress(content)) + b"~>"
        return stream(data, extra + b" /Filter [/ASCII85Decode /FlateDecode]")
    if filters == "lzw":
        return stream(content, extra + b" /Filter /LZWDecode")
    return stream(content, extra)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"


def signed_form(catalog: bytes = CATALOG, page: bytes = PAGE, *more: bytes) -> bytes:
    return pdf(catalog, PAGES, page, *more)
