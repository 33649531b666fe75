"""The development mailbox: what the local SMTP sink (launcher/mailsink.py) received, for an admin to read.

It exists only in development and test, when ``AUTH_DEV_MAILDIR`` names the sink's folder; elsewhere it is a
404, so a production system never shows mail on a web page.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

import aiohttp_jinja2
from aiohttp import web

from services.common.access import ADMINISTRATORS, requires
from services.common.web import SETTINGS

from .settings import AuthSettings

# The names launcher/mailsink.py gives (``<nanoseconds>.<8 hex>.eml``) and nothing else: no path can sneak in.
MESSAGE_NAME = re.compile(r"[0-9]{1,20}\.[0-9a-f]{8}\.eml")
LINK = re.compile(r"(https?://[^\s<>\"]+)")
MAX_LISTED = 200


@dataclass(frozen=True)
class Mensaje:
    name: str
    date: datetime | None
    sender: str
    to: str
    subject: str
    body: str


def _maildir(request: web.Request) -> Path:
    settings = request.app[SETTINGS]
    if not isinstance(settings, AuthSettings) or not settings.is_development or settings.dev_maildir is None:
        raise web.HTTPNotFound()
    return settings.dev_maildir


def _read(path: Path) -> Mensaje:
    with path.open("rb") as f:
        message = BytesParser(policy=policy.default).parse(f)
    assert isinstance(message, EmailMessage)  # policy.default always builds EmailMessage
    try:
        date = parsedate_to_datetime(str(message["Date"])) if message["Date"] else None
    except (TypeError, ValueError):
        date = None
    part = message.get_body(preferencelist=("plain",))
    body = part.get_content() if isinstance(part, EmailMessage) else ""
    return Mensaje(
        name=path.name,
        date=date,
        sender=str(message["From"] or ""),
        to=str(message["To"] or ""),
        subject=str(message["Subject"] or "(sin asunto)"),
        body=body,
    )


def _list(folder: Path) -> list[Mensaje]:
    if not folder.is_dir():
        return []
    # Names start with the arrival time in nanoseconds, so sorting them sorts by arrival.
    paths = sorted((p for p in folder.iterdir() if MESSAGE_NAME.fullmatch(p.name)), reverse=True)
    return [_read(p) for p in paths[:MAX_LISTED]]


@requires(*ADMINISTRATORS)
async def mailbox(request: web.Request) -> web.Response:
    folder = _maildir(request)
    mensajes = await asyncio.to_thread(_list, folder)
    context = {"mensajes": mensajes, "carpeta": str(folder), "limite": MAX_LISTED}
    return aiohttp_jinja2.render_template("auth/correo_dev.html", request, context)


@requires(*ADMINISTRATORS)
async def message(request: web.Request) -> web.Response:
    folder = _maildir(request)
    name = request.match_info["name"]
    if not MESSAGE_NAME.fullmatch(name):
        raise web.HTTPNotFound()
    try:
        mensaje = await asyncio.to_thread(_read, folder / name)
    except FileNotFoundError:
        raise web.HTTPNotFound() from None
    # Text and links alternate (re.split with a group): the template links the odd pieces, escaping everything.
    pieces = LINK.split(mensaje.body)
    return aiohttp_jinja2.render_template("auth/correo_dev_mensaje.html", request, {"m": mensaje, "pieces": pieces})
