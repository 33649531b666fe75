"""The boundary guard: control characters, integers PostgreSQL can hold, LIKE patterns, malformed bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from services.common.boundary import (
    CONTROL_MESSAGE,
    INT4_MAX,
    INT8_MAX,
    boundary_middleware,
    has_control,
    like_contains,
    parse_int,
)


@pytest.mark.parametrize("text", ["a\x00b", "\x01", "x\x1b[31m", "\x7f", "\x0b"])
def test_control_characters_are_found(text: str) -> None:
    assert has_control(text)


@pytest.mark.parametrize("text", ["Núñez", "línea\r\nsegunda\tcolumna", "", "😀 ok"])
def test_ordinary_text_passes(text: str) -> None:
    assert not has_control(text)


@pytest.mark.parametrize(
    ("text", "bits", "expected"),
    [
        ("42", 32, 42),
        (" 7 ", 32, 7),
        ("-1", 32, -1),
        (str(INT4_MAX), 32, INT4_MAX),
        (str(INT4_MAX + 1), 32, None),
        ("2147483648", 32, None),
        (str(INT4_MAX + 1), 64, INT4_MAX + 1),
        (str(INT8_MAX + 1), 64, None),
        ("9" * 400, 64, None),
        ("1e3", 32, None),
        ("0x10", 32, None),
        ("", 32, None),
        ("١٢", 32, None),  # Arabic-Indic digits: int() takes them, PostgreSQL ids never look like that
        (5, 32, 5),
        (True, 32, None),
        (None, 32, None),
    ],
)
def test_parse_int_bounds(text: object, bits: int, expected: int | None) -> None:
    assert parse_int(text, bits=bits) == expected


def test_like_contains_escapes_wildcards() -> None:
    assert like_contains("ana") == "%ana%"
    assert like_contains("100%") == "%100\\%%"
    assert like_contains("a_b") == "%a\\_b%"
    assert like_contains("c:\\x") == "%c:\\\\x%"


@pytest.fixture
async def guarded() -> AsyncIterator[TestClient[web.Request, web.Application]]:
    async def echo(request: web.Request) -> web.Response:
        form = await request.post()
        return web.json_response({k: str(v) for k, v in form.items()})

    @web.middleware
    async def as_text(request: web.Request, handler: object) -> web.StreamResponse:
        try:
            return await boundary_middleware(request, handler)  # type: ignore[arg-type]
        except web.HTTPException as exc:
            return web.Response(status=exc.status, text=exc.text)

    app = web.Application(middlewares=[as_text])
    app.router.add_route("*", "/{tail:.*}", echo)
    async with TestClient(TestServer(app)) as client:
        yield client


MP = "multipart/form-data; boundary=x"
MALFORMED = [
    ("multipart/form-data", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--\r\n"),
    ("multipart/form-data; boundary=y", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--\r\n"),
    (MP, b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1"),
    (MP, b"\x00\x01garbage"),
    (MP, b""),
    (
        MP,
        b"--x\r\nContent-Disposition: form-data; name=a\r\nContent-Type: text/plain; charset=nope\r\n\r\n"
        b"1\r\n--x--\r\n",
    ),
    (MP, b"--x\r\nContent-Disposition: form-data; name=a\r\nContent-Transfer-Encoding: zzz\r\n\r\n1\r\n--x--\r\n"),
    (MP, b"--x\r\nContent-Type: text/plain\r\n\r\n1\r\n--x--\r\n"),
    (MP, b"--x\r\nbad header line\r\n\r\n1\r\n--x--\r\n"),
    (MP, b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n\xe9\r\n--x--\r\n"),
    ("multipart/form-data; boundary=" + "x" * 100, b"--" + b"x" * 100 + b"\r\n"),
    ("application/x-www-form-urlencoded", b"a=%E9&b=\xff"),
    ("application/x-www-form-urlencoded; charset=nope", b"a=1"),
]


@pytest.mark.parametrize(("content_type", "body"), MALFORMED)
async def test_malformed_bodies_are_400(
    guarded: TestClient[web.Request, web.Application], content_type: str, body: bytes
) -> None:
    response = await guarded.post("/", data=body, headers={"Content-Type": content_type})
    assert response.status == 400, await response.text()


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        ("/?q=%00", None, b""),
        ("/%00", None, b""),
        ("/?a%01=1", None, b""),
        ("/", "application/x-www-form-urlencoded", b"usuario=a%00b"),
        ("/", MP, b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nuno\x00dos\r\n--x--\r\n'),
        ("/", MP, b"--x\r\nContent-Disposition: form-data; name=f; filename*=utf-8''a%00.jpg\r\n\r\n1\r\n--x--\r\n"),
    ],
)
async def test_control_characters_are_400_with_a_spanish_message(
    guarded: TestClient[web.Request, web.Application], path: str, content_type: str | None, body: bytes
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = await guarded.post(path, data=body, headers=headers)
    assert response.status == 400
    assert await response.text() == CONTROL_MESSAGE


async def test_valid_forms_pass(guarded: TestClient[web.Request, web.Application]) -> None:
    response = await guarded.post("/?q=Núñez", data={"texto": "línea 1\r\nlínea\t2"})
    assert response.status == 200
    assert await response.json() == {"texto": "línea 1\r\nlínea\t2"}
