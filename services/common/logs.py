"""One log format for every process: time, process name, level, logger, message.

``CONOCELES_LOG_FORMAT=json`` (compose sets it) writes one JSON object per line instead, with the request id the
gateway gave the request (``X-Request-Id``, the same in the gateway's and the service's lines), for a log
collector to index; the human-readable default stays for `make run`.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from datetime import UTC, datetime

import orjson

# The id of the request being handled (set by the gateway's handler and by each service's outermost middleware).
REQUEST_ID: ContextVar[str] = ContextVar("conoceles_request_id", default="")


class JsonFormatter(logging.Formatter):
    def __init__(self, process: str) -> None:
        super().__init__()
        self.process = process

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "process": self.process,
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def setup_logging(level: str, process: str, *, json_format: bool = False) -> None:
    if json_format:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter(process))
        logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    else:
        logging.basicConfig(
            level=level.upper(),
            format=f"%(asctime)s {process} %(levelname)s %(name)s: %(message)s",
            datefmt="%H:%M:%S",
        )
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
