"""The mail job (``contracts.SendMail``): one plain-text message through SMTP (aiosmtplib), with the worker's
settings.

It is enqueued through the outbox in the transaction that makes the message necessary (a reset token, an
account), so a message is never lost; a delivery the relay repeats sends the same message again, with the
same Message-ID, which is harmless: a recovery link stays the same link.
"""

from __future__ import annotations

import hashlib
import logging
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any

import aiosmtplib
from arq.worker import Retry

from services.common.contracts import SendMail
from services.common.settings import CommonSettings

log = logging.getLogger(__name__)

# A temporary failure (server down, 4xx) is retried by arq after this many seconds, doubling up to the cap.
RETRY_FIRST_DELAY = 10
RETRY_MAX_DELAY = 600
SMTP_TIMEOUT = 30


def build_message(settings: CommonSettings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    # Derived from the content, so a repeated delivery carries the same id and mail clients can fold the copies.
    domain = parseaddr(settings.smtp_from)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256("\0".join((to, subject, body)).encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{digest}@{domain}>"
    message.set_content(body)
    return message


def _retry_delay(job_try: int) -> int:
    return int(min(RETRY_MAX_DELAY, RETRY_FIRST_DELAY * 2 ** max(0, job_try - 1)))


def _permanently_refused(exc: aiosmtplib.SMTPRecipientsRefused) -> bool:
    return bool(exc.recipients) and all(500 <= r.code < 600 for r in exc.recipients)


async def send(settings: CommonSettings, message: EmailMessage) -> None:
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    await aiosmtplib.send(
        message,
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=password,
        start_tls=settings.smtp_starttls,
        timeout=SMTP_TIMEOUT,
    )


async def send_mail(ctx: dict[str, Any], mail: SendMail) -> bool:
    """Send one message; True when the server took it, False when it refused the address for good."""
    settings: CommonSettings = ctx["settings"]
    message = build_message(settings, mail.to, mail.subject, mail.body)
    try:
        await send(settings, message)
    except aiosmtplib.SMTPRecipientsRefused as exc:
        if _permanently_refused(exc):
            # Retrying cannot fix a mailbox that does not exist; the outbox row is closed so it is not resent.
            log.warning("auth.mail: el servidor rechazó la dirección de %s: %s", message["Message-ID"], exc)
            return False
        raise Retry(defer=_retry_delay(ctx.get("job_try", 1))) from exc
    except (aiosmtplib.SMTPException, OSError) as exc:
        # Server down, timeouts, 4xx, wrong credentials: worth trying again later (an operator may fix the
        # configuration meanwhile); arq's max_tries bounds it and the outbox relay hands it over again after that.
        log.warning("auth.mail: no se pudo enviar %s (%s); se reintentará", message["Message-ID"], exc)
        raise Retry(defer=_retry_delay(ctx.get("job_try", 1))) from exc
    # The Message-ID, not the address: logs should not collect people's e-mail addresses.
    log.info("auth.mail: enviado %s", message["Message-ID"])
    return True
