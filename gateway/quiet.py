"""The client's mistakes are not the gateway's errors: one INFO line for them, no traceback.

aiohttp logs every malformed request (a bad request line, a header with a NUL, an oversized URL) and every
client that hangs up mid-answer as ERROR with a full traceback on ``aiohttp.server``. On the internet both
happen all day; a traceback should mean that something here is broken.
"""

from __future__ import annotations

import logging

from aiohttp.http_exceptions import HttpProcessingError

SERVER_LOGGER = "aiohttp.server"
CLIENT_FAULTS: tuple[type[BaseException], ...] = (HttpProcessingError, ConnectionResetError, BrokenPipeError)


class ClientFaultFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None or not isinstance(exc, CLIENT_FAULTS):
            return True
        summary = " ".join(str(exc).split())  # aiohttp's messages span lines
        record.args = (record.getMessage(), type(exc).__name__, summary[:300])
        record.msg = "%s: %s %s"
        record.exc_info = None
        record.exc_text = None
        record.levelno = logging.INFO
        record.levelname = logging.getLevelName(logging.INFO)
        return logging.getLogger(record.name).isEnabledFor(logging.INFO)


def quiet_client_faults() -> None:
    """Install the filter once on aiohttp's server logger."""
    logger = logging.getLogger(SERVER_LOGGER)
    if not any(isinstance(f, ClientFaultFilter) for f in logger.filters):
        logger.addFilter(ClientFaultFilter())
