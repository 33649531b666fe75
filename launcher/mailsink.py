"""A local SMTP server that delivers nothing: every message becomes one ``.eml`` file in a folder.

``make run`` and the tests start it (``python -m launcher.mailsink --port 8125 --maildir .data/mail``) when no
``CONOCELES_SMTP_HOST`` is configured, so recovery and credential mail can be read at ``/cuenta/correo-dev``
or in the folder, and never reaches a real mailbox. Like Maildir, a message is written under ``tmp/`` and then
renamed into the folder, so a reader never sees half a message.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import signal
import time
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger("mailsink")

# Large enough for a credentials sheet attached to a message, small enough not to fill a disk by mistake.
DATA_SIZE_LIMIT = 20 * 1024**2


def message_name() -> str:
    """A name that sorts by arrival and never repeats: ``<nanoseconds>.<random hex>.eml``."""
    return f"{time.time_ns()}.{secrets.token_hex(4)}.eml"


class MaildirHandler:
    """aiosmtpd handler: writes each accepted message to ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.tmp = folder / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def deliver(self, envelope: Envelope) -> Path:
        content = envelope.original_content or b""
        # Envelope headers first, as a local delivery agent adds them: who the server was told it is for.
        trace = [f"Return-Path: <{envelope.mail_from or ''}>"] + [f"Delivered-To: {r}" for r in envelope.rcpt_tos]
        name = message_name()
        tmp = self.tmp / name
        with tmp.open("wb") as out:
            out.write(("\r\n".join(trace) + "\r\n").encode())
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        final = self.folder / name
        tmp.rename(final)
        return final

    # aiosmtpd calls the handler's hooks by these names.
    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        path = await asyncio.to_thread(self.deliver, envelope)
        log.info("mensaje para %s guardado en %s", ", ".join(envelope.rcpt_tos), path.name)
        return "250 Message accepted for delivery"


async def serve(host: str, port: int, folder: Path) -> None:
    handler = MaildirHandler(folder)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        # An explicit hostname: aiosmtpd would otherwise ask DNS for this machine's FQDN, which can hang.
        lambda: SMTP(handler, hostname="localhost", data_size_limit=DATA_SIZE_LIMIT, enable_SMTPUTF8=True),
        host,
        port,
    )
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    log.info("buzón local de desarrollo en %s:%d, mensajes en %s", host, port, folder)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m launcher.mailsink", description="Servidor SMTP local que guarda cada mensaje en una carpeta."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8125)
    parser.add_argument("--maildir", type=Path, required=True, help="carpeta donde se guarda cada mensaje (.eml)")
    args = parser.parse_args()
    logging.basicConfig(level="INFO", format="%(asctime)s mailsink %(levelname)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
    asyncio.run(serve(args.host, args.port, args.maildir))


if __name__ == "__main__":
    main()
