"""Which answers the gateway gzips, and the headers of the gzip representation."""

from __future__ import annotations

import gzip

import pytest
from multidict import CIMultiDict

from gateway.compression import (
    accepts_gzip,
    add_vary,
    carries_secret,
    compressible,
    gzip_compressor,
    mark_compressed,
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("GZIP", True),
        ("gzip;q=0", False),
        ("deflate", False),
        ("", False),
        ("xgzip", False),
        ("gzip;q=abc", False),
    ],
)
def test_accepts_gzip(header: str, expected: bool) -> None:
    assert accepts_gzip(header) is expected


@pytest.mark.parametrize(
    ("method", "status", "headers", "expected"),
    [
        ("GET", 200, {"Content-Type": "text/html; charset=utf-8"}, True),
        ("GET", 200, {"Content-Type": "application/json", "Content-Length": "4670"}, True),
        ("GET", 200, {"Content-Type": "text/csv"}, True),
        ("GET", 200, {"Content-Type": "text/css"}, True),
        ("GET", 404, {"Content-Type": "text/html"}, True),
        ("GET", 200, {"Content-Type": "image/jpeg"}, False),
        ("GET", 200, {"Content-Type": "application/pdf"}, False),
        ("GET", 200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, False),
        ("GET", 200, {"Content-Type": "text/html", "Content-Length": "100"}, False),
        ("HEAD", 200, {"Content-Type": "text/html"}, False),
        ("GET", 304, {"Content-Type": "text/html"}, False),
        ("GET", 204, {}, False),
    ],
)
def test_compressible(method: str, status: int, headers: dict[str, str], expected: bool) -> None:
    assert compressible(method, status, CIMultiDict(headers)) is expected


def test_gzip_representation_headers() -> None:
    headers = CIMultiDict({"Content-Length": "4670", "ETag": '"abc"', "Vary": "Cookie"})
    mark_compressed(headers)
    assert headers["Content-Encoding"] == "gzip"
    assert "Content-Length" not in headers
    assert headers["ETag"] == 'W/"abc"'
    assert headers["Vary"] == "Cookie, Accept-Encoding"


def test_weak_etag_and_vary_are_kept() -> None:
    headers = CIMultiDict({"ETag": 'W/"1-abc"', "Vary": "Accept-Encoding"})
    mark_compressed(headers)
    assert headers["ETag"] == 'W/"1-abc"'
    assert headers.getall("Vary") == ["Accept-Encoding"]
    add_vary(headers, "accept-encoding")
    assert headers.getall("Vary") == ["Accept-Encoding"]


def test_streamed_chunks_make_one_gzip_body() -> None:
    compressor = gzip_compressor()
    chunks = [b'{"a": "' + b"x" * 5000 + b'"}', b"[1, 2, 3]" * 100]
    body = b"".join(compressor.compress(c) for c in chunks) + compressor.flush()
    assert gzip.decompress(body) == b"".join(chunks)
    assert len(body) < sum(map(len, chunks)) / 5


def test_answers_to_a_session_carry_a_secret() -> None:
    assert carries_secret({"conoceles_sesion": "x"}, {}, "conoceles_sesion")
    assert carries_secret({}, {"Set-Cookie": "conoceles_sesion=x"}, "conoceles_sesion")
    assert not carries_secret({"otra": "x"}, {"Content-Type": "text/html"}, "conoceles_sesion")
