"""The name of an uploaded file as it may be kept and shown: a plain name, never a path. No I/O.

Files are stored under their content hash, so the sent name never decides where anything is written; it is
kept only for the record (who sent «firmado.pdf»). A script can send any name: folders (``../``, ``C:\\``),
control characters, and invisible Unicode formatting such as U+202E, which makes «fdp.exe» read as «exe.pdf».
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME = 200
_FOLDERS = re.compile(r"^.*[/\\]")


def plain_filename(name: str) -> str:
    """The last part of ``name`` without control or formatting characters, trimmed, at most 200 characters."""
    base = _FOLDERS.sub("", name)
    kept = "".join(c for c in base if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    return kept.strip().lstrip(".").strip()[:MAX_NAME]
