"""A minimal HTTP/1.1 client for the capture scenario's load: keep-alive connections to one address, a request
written as prepared bytes, the answer's status read and its body skipped.

The load generator shares the 2 cores with the system it measures; aiohttp's client cost about 1 ms of CPU per
save (a sixth of the machine's cost of a save), which the server's figures paid for. This one does only what the
scenario needs: no redirects, no cookies jar, no decompression (it asks for none), no proxy, no TLS.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode


class ProtocolError(Exception):
    """The server's answer was not the HTTP/1.1 this client reads."""


def post_form(host: str, path: str, form: dict[str, str], cookie: str) -> bytes:
    """The bytes of a urlencoded form POST, as a browser's form submit sends it (no JavaScript)."""
    body = urlencode(form).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nAccept-Encoding: identity\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one answer (status line, headers, body by Content-Length or chunks); its status and whether the
    connection may carry another request."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise ProtocolError(lines[0][:80])
    status = int(parts[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip().lower()
    keep_alive = headers.get("connection") != "close" and parts[0] == "HTTP/1.1"
    if "chunked" in headers.get("transfer-encoding", ""):
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)  # the chunk and its CRLF
            if size == 0:  # no trailers are sent to this client: the last chunk's CRLF ends the body
                break
    elif "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif status >= 200 and status not in (204, 304):
        await reader.read()  # body until the server closes
        keep_alive = False
    return status, keep_alive


class Connections:
    """Keep-alive connections to ``host:port``: a request takes an idle one or opens one, and gives it back
    when the answer allows it. No limit: an open loop must not queue in the client."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.authority = f"{host}:{port}"
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def send(self, request: bytes) -> int:
        """Send a prepared request; the answer's status. Raises OSError, ProtocolError or IncompleteReadError."""
        if self._idle:
            reader, writer = self._idle.pop()
        else:
            reader, writer = await asyncio.open_connection(self.host, self.port, limit=2**20)
        try:
            writer.write(request)
            status, keep_alive = await read_response(reader)
        except BaseException:
            writer.close()
            raise
        if keep_alive:
            self._idle.append((reader, writer))
        else:
            writer.close()
        return status

    async def close(self) -> None:
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()
