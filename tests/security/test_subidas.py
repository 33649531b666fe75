"""Attack 6 (issue 13): hostile uploads to the three places that take files, through the gateway.

The photo (services/captura/fotos.py), the signed consent form (services/captura/pdf_seguro.py) and the
registry import (services/validacion/importacion/): oversized, truncated, polyglot, decompression bombs, SVG with a
script, PDF with JavaScript / OpenAction / attached files, and file names with path traversal and control
characters. Each is refused with its Spanish message (a photo may instead be re-encoded, so that nothing but
pixels survives), and the media folder's tree is compared before and after: nothing is written for a refused
file, nothing is ever written outside it, and what is written is named by content, never by the sent name.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import asyncpg
import pytest
from PIL import Image

from launcher.system import System
from services.common.boundary import CONTROL_MESSAGE, MALFORMED_MESSAGE

from .. import factories
from ..helpers import Client
from ..uploads import SVG, encode, halves, png_bomb, upload, zip_bytes

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
TRAVERSAL = [
    "../../../../../../tmp/{marker}.jpg",
    "..\\..\\..\\{marker}.jpg",
    "/etc/{marker}.jpg",
    "{marker}\u202egpj.exe.jpg",
]
# Control characters in a name: the request is refused at the door (services/common/boundary.py).
CONTROL_NAMES = ["{marker}\r\nContent-Type: text/html\r\n.jpg", "{marker}\x01\x1b[31m.jpg", "{marker}\x00.jpg"]
CONTENT_NAME = re.compile(r"[0-9a-f]{64}(?:-mini)?\.(?:jpg|pdf|png)")


def _jpeg_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A small real JPEG whose frame header claims width×height (3.6 gigapixels)."""
    data = bytearray(encode(Image.new("RGB", (16, 16), (10, 200, 10)), "JPEG"))
    at = data.index(b"\xff\xc0") + 5
    data[at : at + 4] = struct.pack(">HH", height, width)
    return bytes(data)


def _pdf_with(extra: bytes) -> bytes:
    return PDF.replace(b"/Pages 2 0 R", b"/Pages 2 0 R " + extra)


PHOTO_REFUSED: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "over 5 MB": (lambda: b"\xff\xd8\xff\xe0" + os.urandom(5 * 1024 * 1024 + 10), "grande.jpg", "más de 5 MB"),
    "truncated JPEG": (lambda: encode(halves(), "JPEG")[:3000], "cortada.jpg", "dañada o incompleta"),
    "PNG bomb": (png_bomb, "bomba.png", "demasiados píxeles"),
    "JPEG bomb": (_jpeg_bomb, "bomba.jpg", "demasiados píxeles"),
    "SVG with a script": (lambda: SVG, "foto.svg", "SVG no se aceptan"),
    "SVG renamed .jpg": (lambda: SVG, "foto.jpg", "SVG no se aceptan"),
    "HTML renamed .jpg": (lambda: b"<html><script>alert(1)</script></html>", "foto.jpg", "no es una imagen"),
    "PDF renamed .jpg": (lambda: PDF, "foto.jpg", "no es una imagen"),
    "ZIP": (zip_bytes, "foto.jpg", "no es una imagen"),
}
DOCUMENT_REFUSED: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "over 10 MB": (lambda: b"%PDF-1.4\n" + os.urandom(10 * 1024 * 1024) + b"%%EOF", "f.pdf", "más de 10 MB"),
    "truncated PDF": (lambda: PDF[:40], "f.pdf", "incompleto o dañado"),
    "PDF + HTML": (lambda: PDF + b"<html><body><script>alert(1)</script></body></html>", "f.pdf", "página web"),
    "HTML + PDF": (lambda: b"<html><script>alert(1)</script></html>\n" + PDF, "f.pdf", "no empieza como un PDF"),
    "JavaScript": (lambda: _pdf_with(b"/Names << /JavaScript 3 0 R >>"), "f.pdf", "código JavaScript"),
    "JS action": (lambda: _pdf_with(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "f.pdf", "JavaScript"),
    "escaped name": (lambda: _pdf_with(b"/Names << /J#61vaScript 3 0 R >>"), "f.pdf", "código JavaScript"),
    "OpenAction": (lambda: _pdf_with(b"/OpenAction << /S /Launch /F (calc.exe) >>"), "f.pdf", "abre programas"),
    "embedded file": (lambda: _pdf_with(b"/Names << /EmbeddedFiles 4 0 R >>"), "f.pdf", "archivos adjuntos"),
    "SVG": (lambda: SVG, "f.png", "no es un PDF, JPG ni PNG"),
    "PNG bomb": (png_bomb, "f.png", "píxeles"),
}


def _tree(system: System) -> set[str]:
    media = system.media_dir
    return {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()} if media.exists() else set()


def _outside(system: System, marker: str) -> list[str]:
    """Files named after ``marker`` anywhere a traversal could reach: the data dir, /tmp, /etc, the repository."""
    roots = [system.config.data_dir, Path("/tmp"), Path("/etc"), Path(__file__).resolve().parents[2]]
    found = []
    for root in roots:
        for path in root.glob(f"**/*{marker}*") if root == system.config.data_dir else root.glob(f"*{marker}*"):
            found.append(str(path))
    return found


async def _candidata(make_client: type[Client], db: asyncpg.Pool) -> tuple[Client, int]:
    person = await factories.candidata_independiente(db)
    client = make_client()
    await client.login(person.username)
    return client, person.candidatura_id


async def _raw_upload(
    client: Client, page: str, action: str, field: str, data: bytes, filename: str, content_type: str
) -> tuple[int, str]:
    """A multipart post built by hand: aiohttp's client refuses control characters in a part's headers, an
    attacker's script does not."""
    if not re.search(r"[\x00-\x1f\x7f/\\]", filename):  # aiohttp would send %2F for a slash
        response = await upload(client, page, action, field, data, filename, content_type)
        return response.status, await response.text()
    token = await client.csrf(page)
    boundary = "conoceles-" + secrets.token_hex(8)
    quoted = filename.replace('"', "%22").encode()
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'.encode()
        + f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="'.encode()
        + quoted
        + f'"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    response = await client.post(action, data=body, headers=headers)
    return response.status, await response.text()


async def _photo(client: Client, candidatura_id: int, data: bytes, filename: str) -> tuple[int, str]:
    page = f"/captura/candidaturas/{candidatura_id}/foto"
    return await _raw_upload(client, page, page, "foto", data, filename, "image/jpeg")


async def _document(client: Client, candidatura_id: int, data: bytes, filename: str) -> tuple[int, str]:
    base = f"/captura/candidaturas/{candidatura_id}/consentimiento"
    return await _raw_upload(client, base, f"{base}/documento", "documento", data, filename, "application/pdf")


@pytest.mark.parametrize("case", list(PHOTO_REFUSED))
async def test_a_hostile_photo_is_refused_and_nothing_is_written(
    case: str, make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    make, filename, message = PHOTO_REFUSED[case]
    client, candidatura_id = await _candidata(make_client, db)
    before = _tree(system)
    status, text = await _photo(client, candidatura_id, make(), filename)
    assert status in (413, 422), (status, text[:300])
    assert message in text
    assert _tree(system) - before == set()
    assert await db.fetchval("SELECT count(*) FROM captura.fotos WHERE candidatura_id = $1", candidatura_id) == 0


@pytest.mark.parametrize("case", list(DOCUMENT_REFUSED))
async def test_a_hostile_signed_form_is_refused_and_nothing_is_written(
    case: str, make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    make, filename, message = DOCUMENT_REFUSED[case]
    client, candidatura_id = await _candidata(make_client, db)
    before = _tree(system)
    status, text = await _document(client, candidatura_id, make(), filename)
    assert status in (413, 422), (status, text[:300])
    assert message in text
    assert _tree(system) - before == set()
    count = "SELECT count(*) FROM captura.documentos_consentimiento WHERE candidatura_id = $1"
    assert await db.fetchval(count, candidatura_id) == 0


async def test_a_polyglot_photo_keeps_only_its_pixels(
    make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    """JPEG + ZIP, and a JPEG with HTML in a comment: stored re-encoded, with neither the archive nor the markup."""
    client, candidatura_id = await _candidata(make_client, db)
    jpeg = encode(halves(), "JPEG", comment=b"<script>alert(1)</script>")
    for data in (jpeg + zip_bytes(), jpeg):
        before = _tree(system)
        status, text = await _photo(client, candidatura_id, data, "poliglota.jpg")
        assert status == 303, text[:300]
        for name in _tree(system) - before:
            assert CONTENT_NAME.fullmatch(Path(name).name), name
            stored = (system.media_dir / name).read_bytes()
            assert b"PK\x03\x04" not in stored and b"<script" not in stored and b"payload.html" not in stored
            with Image.open(io.BytesIO(stored)) as image:
                assert image.format == "JPEG"
                assert not image.info.get("comment")


@pytest.mark.parametrize("template", TRAVERSAL)
async def test_a_file_name_never_decides_where_a_file_goes(
    template: str, make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    marker = f"conoceles-traversal-{secrets.token_hex(6)}"
    filename = template.format(marker=marker)
    client, candidatura_id = await _candidata(make_client, db)
    before = _tree(system)
    # Files of their own (content-addressed storage would otherwise find them already there).
    photo = encode(Image.new("RGB", (800, 1000), tuple(secrets.token_bytes(3))), "JPEG")
    status, text = await _photo(client, candidatura_id, photo, filename)
    assert status == 303, text[:300]
    pdf = PDF.replace(b"%%EOF", f"% {marker}\n%%EOF".encode())
    status, text = await _document(client, candidatura_id, pdf, filename.replace(".jpg", ".pdf"))
    assert status == 303, text[:300]
    new = _tree(system) - before
    assert new and all(CONTENT_NAME.fullmatch(Path(n).name) and ".." not in n for n in new), new
    assert _outside(system, marker) == []
    # The name kept for the record is a plain name: no folders, no control characters.
    kept = await db.fetchval(
        "SELECT nombre_original FROM captura.documentos_consentimiento WHERE candidatura_id = $1", candidatura_id
    )
    assert "/" not in kept and "\\" not in kept and not re.search(r"[\x00-\x1f\x7f\u202e]", kept), repr(kept)
    assert marker in kept


# -- registry import --------------------------------------------------------------------------------------------
async def _import(client: Client, filename: str, data: bytes) -> tuple[int, str]:
    page = "/validacion/registro/importar"
    return await _raw_upload(client, page, page, "archivo", data, filename, "application/octet-stream")


def _truncated_xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>" * 200)
        archive.writestr("xl/workbook.xml", "<workbook/>" * 200)
    return buffer.getvalue()[:-60]


IMPORT_REFUSED: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "over 12 MB": (lambda: b"a,b\n" * (3 * 1024**2 + 10), "grande.csv", "pasa de 12 MB"),
    "truncated XLSX": (_truncated_xlsx, "cortado.xlsx", "XLSX"),
    "JPEG + ZIP": (lambda: encode(halves(), "JPEG") + zip_bytes(), "poliglota.csv", "no es un CSV ni un XLSX"),
    "PNG": (png_bomb, "bomba.xlsx", "no es un CSV ni un XLSX"),
    "empty": (lambda: b"", "vacio.csv", "vacío"),
}


@pytest.mark.parametrize("case", list(IMPORT_REFUSED))
async def test_a_hostile_registry_file_is_refused(
    case: str, make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    make, filename, message = IMPORT_REFUSED[case]
    client = make_client()
    await client.login(await factories.cuenta(db, "coordinacion"))
    before_rows = await db.fetchval("SELECT count(*) FROM registro.importaciones")
    before = _tree(system)
    status, text = await _import(client, filename, make())
    assert status in (413, 422), (status, text[:300])
    assert message in text, text[:3000]
    assert _tree(system) - before == set()
    assert await db.fetchval("SELECT count(*) FROM registro.importaciones") == before_rows


@pytest.mark.parametrize("template", TRAVERSAL)
async def test_a_registry_file_name_is_kept_as_a_plain_name(
    template: str, make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    marker = f"conoceles-traversal-{secrets.token_hex(6)}"
    client = make_client()
    await client.login(await factories.cuenta(db, "coordinacion"))
    status, text = await _import(client, template.format(marker=marker).replace(".jpg", ".csv"), b"a,b\n1,2\n")
    assert status in (303, 422), (status, text[:300])
    assert _outside(system, marker) == []
    kept = await db.fetchval("SELECT archivo FROM registro.importaciones WHERE archivo LIKE '%' || $1 || '%'", marker)
    if kept is not None:
        assert "/" not in kept and "\\" not in kept and not re.search(r"[\x00-\x1f\x7f\u202e]", kept), repr(kept)


@pytest.mark.parametrize("template", CONTROL_NAMES)
async def test_control_characters_in_a_file_name_are_refused_at_the_door(
    template: str, make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    marker = f"conoceles-control-{secrets.token_hex(6)}"
    filename = template.format(marker=marker)
    client, candidatura_id = await _candidata(make_client, db)
    staff = make_client()
    await staff.login(await factories.cuenta(db, "coordinacion"))
    before = _tree(system)
    photo = encode(Image.new("RGB", (800, 1000), tuple(secrets.token_bytes(3))), "JPEG")
    for status, text in (
        await _photo(client, candidatura_id, photo, filename),
        await _document(client, candidatura_id, PDF, filename.replace(".jpg", ".pdf")),
        await _import(staff, filename.replace(".jpg", ".csv"), b"a,b\n1,2\n"),
    ):
        assert status == 400, (status, text[:300])
        assert CONTROL_MESSAGE in text or MALFORMED_MESSAGE in text
    assert _tree(system) - before == set()
    assert _outside(system, marker) == []
