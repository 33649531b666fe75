"""Malformed requests and clients that hang up become one INFO line; real errors keep their traceback."""

from __future__ import annotations

import logging

from aiohttp.http_exceptions import BadHttpMessage, LineTooLong

from gateway.quiet import ClientFaultFilter


def _record(exc: BaseException) -> logging.LogRecord:
    try:
        raise exc
    except BaseException as raised:
        return logging.LogRecord(
            "aiohttp.server",
            logging.ERROR,
            __file__,
            1,
            "Error handling request from %s",
            ("1.2.3.4",),
            (type(raised), raised, raised.__traceback__),
        )


def test_client_faults_become_one_info_line() -> None:
    logging.getLogger("aiohttp.server").setLevel(logging.INFO)
    for exc in (
        BadHttpMessage("Invalid header token:\n\n  b'X'\n  ^"),
        LineTooLong("x" * 9000),
        ConnectionResetError(),
    ):
        record = _record(exc)
        assert ClientFaultFilter().filter(record)
        assert record.levelno == logging.INFO and record.exc_info is None
        message = record.getMessage()
        assert "\n" not in message and message.startswith("Error handling request from 1.2.3.4: ")
        assert len(message) < 400


def test_our_own_errors_keep_their_traceback() -> None:
    record = _record(ZeroDivisionError("bug"))
    assert ClientFaultFilter().filter(record)
    assert record.levelno == logging.ERROR and record.exc_info is not None


def test_hidden_below_the_configured_level() -> None:
    logging.getLogger("aiohttp.server").setLevel(logging.WARNING)
    try:
        assert not ClientFaultFilter().filter(_record(BadHttpMessage("bad")))
    finally:
        logging.getLogger("aiohttp.server").setLevel(logging.NOTSET)
