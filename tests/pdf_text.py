"""The text a reportlab PDF draws, read back without a PDF library: inflate its streams, unescape its strings."""

from __future__ import annotations

import base64
import re
import zlib

_STREAM = re.compile(rb"<<((?:(?!<<).)*?)>>\s*stream\r?\n(.*?)\s*endstream", re.S)
_STRING = re.compile(rb"\((?:[^()\\]|\\.)*\)\s*Tj", re.S)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)


def _unescape(match: re.Match[bytes]) -> bytes:
    code = match.group(1)
    if code[:1].isdigit():
        return bytes([int(code, 8)])
    return {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(code, code)


def pdf_text(data: bytes) -> str:
    """Every drawn string (one per ``Tj``), one per line, decoded as WinAnsi (close enough to cp1252)."""
    lines = []
    for head, raw in _STREAM.findall(data):
        content = raw
        # reportlab wraps its compressed page streams in ASCII85 ("/ASCII85Decode /FlateDecode").
        if b"ASCII85Decode" in head:
            content = base64.a85decode(content.strip(), adobe=content.strip().endswith(b"~>"))
        if b"FlateDecode" in head:
            content = zlib.decompress(content)
        for string in _STRING.findall(content):
            body = string[: string.rindex(b")")][1:]
            lines.append(_ESCAPE.sub(_unescape, body).decode("cp1252", errors="replace"))
    return "\n".join(lines)
