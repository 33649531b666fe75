"""The capture bench's HTTP/1.1 client (bench/http1.py): what it sends, and how it reads each kind of answer."""

from __future__ import annotations

import asyncio

import pytest

from bench.http1 import ProtocolError, post_form, read_response


def reader(data: bytes) -> asyncio.StreamReader:
    stream = asyncio.StreamReader()
    stream.feed_data(data)
    stream.feed_eof()
    return stream


def test_a_form_post_is_urlencoded_with_its_length_and_cookie() -> None:
    raw = post_form("127.0.0.1:29080", "/captura/x", {"csrf_token": "a b", "texto": "año=1&2"}, "sid=abc")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"POST /captura/x HTTP/1.1\r\nHost: 127.0.0.1:29080\r\nCookie: sid=abc\r\n")
    assert body == b"csrf_token=a+b&texto=a%C3%B1o%3D1%262"
    assert f"Content-Length: {len(body)}".encode() in head
    assert b"Content-Type: application/x-www-form-urlencoded" in head


async def test_answers_by_length_and_by_chunks_leave_the_next_answer_readable() -> None:
    stream = reader(
        b"HTTP/1.1 303 See Other\r\nLocation: /x\r\nContent-Length: 5\r\n\r\nhello"
        b"HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    assert await read_response(stream) == (303, True)
    assert await read_response(stream) == (503, True)
    assert await read_response(stream) == (200, False)
    assert stream.at_eof()


async def test_a_body_without_length_is_read_to_the_end_and_the_connection_not_reused() -> None:
    stream = reader(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nto the end")
    assert await read_response(stream) == (200, False)
    assert stream.at_eof()


async def test_what_is_not_http_is_an_error_and_a_cut_answer_too() -> None:
    with pytest.raises(ProtocolError):
        await read_response(reader(b"SSH-2.0-OpenSSH\r\n\r\n"))
    with pytest.raises(asyncio.IncompleteReadError):
        await read_response(reader(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"))
