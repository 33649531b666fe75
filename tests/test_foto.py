"""The photo (issue 4, Captura 3): accepted by content only, re-encoded on the server, published at /media/."""

from __future__ import annotations

import io
import os
from pathlib import Path

import asyncpg
import pytest
from PIL import Image

from launcher.system import System
from services.common import contracts

from . import factories
from .helpers import Client, approve_review, eventually, fill_curricular
from .uploads import (
    RED,
    SVG,
    animated,
    encode,
    halves,
    jpeg_with_exif_gps_and_icc,
    png_bomb,
    upload,
    zip_bytes,
)


def media(system: System) -> Path:
    return system.config.data_dir / "media"


def private_files(system: System) -> set[str]:
    folder = media(system) / "privado"
    return set(os.listdir(folder)) if folder.exists() else set()


async def post_photo(client: Client, candidatura_id: int, data: bytes, filename: str, content_type: str) -> object:
    page = f"/captura/candidaturas/{candidatura_id}/foto"
    return await upload(client, page, page, "foto", data, filename, content_type)


async def logged_in(make_client: type[Client], db: asyncpg.Pool) -> tuple[Client, factories.Candidata]:
    person = await factories.candidata(db)
    client = make_client()
    await client.login(person.username)
    return client, person


def near(pixel: tuple[int, ...], color: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, color, strict=False))


async def test_a_camera_photo_is_turned_cropped_resized_and_stripped(
    make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    client, person = await logged_in(make_client, db)
    original = jpeg_with_exif_gps_and_icc()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the upload does carry a GPS position

    response = await post_photo(client, person.candidatura_id, original, "IMG_0001.JPG", "image/jpeg")
    assert response.status == 303, await response.text()
    assert response.headers["Location"] == f"/captura/candidaturas/{person.candidatura_id}/foto?guardado=1"

    sha = await db.fetchval("SELECT sha256 FROM captura.fotos WHERE candidatura_id = $1", person.candidatura_id)
    stored = (media(system) / "privado" / f"{sha}.jpg").read_bytes()
    image = Image.open(io.BytesIO(stored))
    assert (image.format, image.size, image.mode) == ("JPEG", (800, 1000), "RGB")
    assert not image.getexif() and "icc_profile" not in image.info and "exif" not in image.info
    assert b"Exif" not in stored and "Cámara".encode() not in stored
    # EXIF orientation 6 = rotate 90° clockwise: the red left half of the sensor image is now on top.
    assert near(image.getpixel((400, 60)), RED) and not near(image.getpixel((400, 940)), RED)
    mini = Image.open(io.BytesIO((media(system) / "privado" / f"{sha}-mini.jpg").read_bytes()))
    assert (mini.format, mini.size) == ("JPEG", (160, 200))

    # The photo is part of rubro 1's draft, so it travels with the submitted version.
    datos = await db.fetchval(
        "SELECT datos FROM captura.respuestas WHERE candidatura_id = $1 AND rubro = 'foto'", person.candidatura_id
    )
    assert datos == {"sha256": sha}
    actions = await db.fetch(
        "SELECT details FROM audit.eventos WHERE action = 'subir_foto' AND entity_id = $1", str(person.candidatura_id)
    )
    assert [a["details"]["sha256"] for a in actions] == [sha]

    # The candidacy sees its own photo; nobody else does.
    own = await client.get(f"/captura/candidaturas/{person.candidatura_id}/foto.jpg")
    assert own.status == 200 and await own.read() == stored
    assert own.headers["Content-Type"] == "image/jpeg" and own.headers["Cache-Control"] == "no-store"
    page = await (await client.get(f"/captura/candidaturas/{person.candidatura_id}/curricular")).text()
    assert f"/captura/candidaturas/{person.candidatura_id}/foto.jpg" in page
    other, _ = await logged_in(make_client, db)
    assert (await other.get(f"/captura/candidaturas/{person.candidatura_id}/foto.jpg")).status == 404
    assert (await other.get(f"/captura/candidaturas/{person.candidatura_id}/foto")).status == 404


async def test_png_with_transparency_and_webp_are_accepted(
    make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    client, person = await logged_in(make_client, db)
    transparent = Image.new("RGBA", (900, 1100), (0, 0, 0, 0))
    response = await post_photo(client, person.candidatura_id, encode(transparent, "PNG"), "foto.png", "image/png")
    assert response.status == 303, await response.text()
    sha = await db.fetchval("SELECT sha256 FROM captura.fotos WHERE candidatura_id = $1", person.candidatura_id)
    image = Image.open(io.BytesIO((media(system) / "privado" / f"{sha}.jpg").read_bytes()))
    assert image.size == (800, 1000) and near(image.getpixel((10, 10)), (255, 255, 255), 5)  # white, not black

    # Sent with a misleading name and type: only the content counts.
    webp = encode(halves((1000, 1000)), "WEBP")
    response = await post_photo(client, person.candidatura_id, webp, "foto.gif", "image/gif")
    assert response.status == 303, await response.text()
    rows = await db.fetch(
        "SELECT sha256 FROM captura.fotos WHERE candidatura_id = $1 ORDER BY id", person.candidatura_id
    )
    assert len(rows) == 2 and rows[1]["sha256"] != sha
    assert (
        await db.fetchval(
            "SELECT datos->>'sha256' FROM captura.respuestas WHERE candidatura_id = $1 AND rubro = 'foto'",
            person.candidatura_id,
        )
        == rows[1]["sha256"]
    )


async def test_a_jpeg_with_a_zip_appended_is_stored_without_it(
    make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    """Polyglots: re-encoding keeps only the pixels, so the archive glued to the JPEG never reaches the disk."""
    client, person = await logged_in(make_client, db)
    polyglot = encode(halves(), "JPEG") + zip_bytes()
    response = await post_photo(client, person.candidatura_id, polyglot, "foto.jpg", "image/jpeg")
    assert response.status == 303, await response.text()
    sha = await db.fetchval("SELECT sha256 FROM captura.fotos WHERE candidatura_id = $1", person.candidatura_id)
    stored = (media(system) / "privado" / f"{sha}.jpg").read_bytes()
    assert b"PK\x03\x04" not in stored and b"payload.html" not in stored


def _truncated_jpeg() -> bytes:
    data = encode(halves(), "JPEG")
    return data[: len(data) // 2]


REJECTED = {
    "animated GIF": (lambda: animated("GIF"), "foto.gif", "no es una imagen JPEG, PNG o WebP"),
    "animated WebP": (lambda: animated("WEBP"), "foto.webp", "no puede ser animada"),
    "animated PNG": (lambda: animated("PNG"), "foto.png", "no puede ser animada"),
    "decompression bomb": (png_bomb, "foto.png", "demasiados píxeles"),
    "SVG": (lambda: SVG, "foto.svg", "SVG no se aceptan"),
    "text renamed .jpg": (lambda: b"No soy una foto.\n" * 50, "foto.jpg", "no es una imagen JPEG, PNG o WebP"),
    "truncated JPEG": (_truncated_jpeg, "foto.jpg", "dañada o incompleta"),
    "over 5 MB": (lambda: b"\xff\xd8\xff\xe0" + os.urandom(5 * 1024 * 1024), "foto.jpg", "pesa más de 5 MB"),
    "empty": (lambda: b"", "foto.jpg", "Elige una fotografía"),
}


@pytest.mark.parametrize("case", list(REJECTED))
async def test_what_is_not_a_still_photo_is_refused_and_nothing_is_stored(
    case: str, make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    make, filename, message = REJECTED[case]
    client, person = await logged_in(make_client, db)
    before = private_files(system)
    response = await post_photo(client, person.candidatura_id, make(), filename, "image/jpeg")
    text = await response.text()
    assert response.status == 422, text
    assert message in text
    assert private_files(system) == before
    assert await db.fetchval("SELECT count(*) FROM captura.fotos WHERE candidatura_id = $1", person.candidatura_id) == 0
    assert (
        await db.fetchval("SELECT count(*) FROM captura.respuestas WHERE candidatura_id = $1", person.candidatura_id)
        == 0
    )


async def test_the_photo_is_published_served_at_media_and_withdrawn(
    make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    client, person = await logged_in(make_client, db)
    response = await post_photo(client, person.candidatura_id, encode(halves(), "JPEG"), "yo.jpg", "image/jpeg")
    assert response.status == 303, await response.text()
    sha = await db.fetchval("SELECT sha256 FROM captura.fotos WHERE candidatura_id = $1", person.candidatura_id)
    await fill_curricular(client, person.candidatura_id)
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    sent = await client.submit(overview, f"{overview}/enviar", {})
    assert sent.status == 303, await sent.text()
    # While it is under review the photo cannot change: it is part of the submitted version.
    late = await post_photo(client, person.candidatura_id, encode(halves(), "PNG"), "otra.png", "image/png")
    assert late.status == 409 and "no puede modificarse" in await late.text()

    validador = make_client()
    await validador.login("demo-validador")
    await approve_review(validador, db, person.candidatura_id)

    citizen = make_client()

    async def profile() -> str | None:
        response = await citizen.get(f"/candidaturas/{person.candidatura_id}")
        return await response.text() if response.status == 200 else None

    page = await eventually(profile, what="the published profile")
    assert f'<img class="foto-perfil" src="/media/{sha}.jpg" width="800" height="1000"' in page
    assert f'alt="Fotografía de {person.nombre}" loading="lazy"' in page
    listing = await (await citizen.get("/candidaturas", params={"q": person.nombre})).text()
    assert f'src="/media/{sha}-mini.jpg" width="160" height="200"' in listing
    api = await (await citizen.get(f"/api/v1/candidaturas/{person.candidatura_id}")).json()
    assert api["foto"] == f"/media/{sha}.jpg"

    private = (media(system) / "privado" / f"{sha}.jpg").read_bytes()
    photo = await citizen.get(f"/media/{sha}.jpg")
    assert photo.status == 200 and await photo.read() == private
    assert photo.headers["Content-Type"] == "image/jpeg"
    assert photo.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    mini = await citizen.get(f"/media/{sha}-mini.jpg")
    assert mini.status == 200 and Image.open(io.BytesIO(await mini.read())).size == (160, 200)
    for bad in ("../privado/x.jpg", f"{sha}.png", f"{sha[:-1]}.jpg", "%2e%2e%2fprivado%2f" + f"{sha}.jpg"):
        assert (await citizen.get(f"/media/{bad}")).status == 404, bad

    # Withdrawn from the public site: the public copies go (the private original stays with its history).
    async with db.acquire() as conn, conn.transaction():
        await contracts.send(conn, contracts.Withdraw(candidatura_id=person.candidatura_id))

    async def gone() -> bool:
        return (await citizen.get(f"/media/{sha}.jpg")).status == 404

    assert await eventually(gone, what="the public photo to be removed")
    assert not (media(system) / "publico" / f"{sha}-mini.jpg").exists()
    assert (media(system) / "privado" / f"{sha}.jpg").exists()
