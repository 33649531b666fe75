"""Reading an uploaded file field, and where uploads are kept (shared by the photo and the consent form)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

from services.common.archivos import plain_filename
from services.common.web import SETTINGS


def media_dir(request: web.Request) -> Path:
    return request.app[SETTINGS].media_dir


async def read_upload(request: web.Request, name: str, limit: int) -> tuple[bytes, str]:
    """The bytes of an uploaded file field (at most ``limit`` + 1, enough to tell it is too big) and its plain name.

    A missing field, or a text field where a file was expected, reads as empty.
    """
    field = (await request.post()).get(name)
    if not isinstance(field, web.FileField):
        return b"", ""
    # aiohttp spooled the part to a temporary file: reading it is blocking I/O.
    data = await asyncio.to_thread(field.file.read, limit + 1)
    return data, plain_filename(field.filename or "")
