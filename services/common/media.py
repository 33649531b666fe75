"""Uploaded files on disk, named by the SHA-256 of their bytes, under ``CONOCELES_MEDIA_DIR``.

``privado/`` holds what people uploaded (photos already re-encoded, signed consent forms) and is only ever
served through a scope-checked route; ``publico/`` holds copies of published photos, which publico (or Apache)
serves at ``/media/``. Content addressing makes every write idempotent: the same bytes always land on the same
name, so a retried job or a second upload of one file writes nothing new.

Blocking file I/O: callers in an event loop run these through :func:`asyncio.to_thread`.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

PRIVADO = "privado"
PUBLICO = "publico"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# The only names /media/ serves: a photo or its thumbnail. Anything else (dots, slashes, other suffixes) is a 404.
PUBLIC_NAME = re.compile(r"^(?P<sha>[0-9a-f]{64})(?:-mini)?\.jpg$")


def is_sha256(value: object) -> bool:
    return isinstance(value, str) and SHA256.match(value) is not None


def _checked(sha256: str) -> str:
    if not is_sha256(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


def private_path(media_dir: Path, sha256: str, suffix: str) -> Path:
    """``privado/<sha256><suffix>``, e.g. suffix ``.jpg``, ``-mini.jpg`` or ``.pdf``."""
    return media_dir / PRIVADO / f"{_checked(sha256)}{suffix}"


def photo_names(sha256: str) -> tuple[str, str]:
    """The file names of a photo and of its thumbnail."""
    _checked(sha256)
    return f"{sha256}.jpg", f"{sha256}-mini.jpg"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees either nothing or the whole file, never half of it."""
    if path.exists():
        return  # content-addressed: the bytes there are these bytes
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def store_private(media_dir: Path, files: dict[str, bytes]) -> None:
    """Write each ``{name: bytes}`` into ``privado/``; names come from :func:`photo_names` or a sha and suffix."""
    for name, data in files.items():
        write_atomic(media_dir / PRIVADO / name, data)


def publish_photo(media_dir: Path, sha256: str) -> None:
    """Copy a photo and its thumbnail from ``privado/`` to ``publico/`` (atomically, idempotently)."""
    for name in photo_names(sha256):
        target = media_dir / PUBLICO / name
        if not target.exists():
            write_atomic(target, (media_dir / PRIVADO / name).read_bytes())


def unpublish_photo(media_dir: Path, sha256: str) -> None:
    """Remove the public copies of a photo (the private originals stay, with the candidacy's history)."""
    for name in photo_names(sha256):
        (media_dir / PUBLICO / name).unlink(missing_ok=True)
