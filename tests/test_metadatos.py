"""Only pixels survive an upload, and active PDFs are refused (issue 7, item 12), through the real system."""

from __future__ import annotations

import asyncpg
import pytest

from launcher.system import System

from . import factories
from .helpers import Client, approve_review, eventually, fill_curricular
from .test_consentimiento import post_document, private
from .test_foto import logged_in, media, post_photo
from .unit.test_documentos import HOSTILE, assert_pixels_only, hostile_jpeg, jpeg_markers


async def test_the_stored_public_and_thumbnail_photos_carry_no_comment_or_metadata(
    make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    client, person = await logged_in(make_client, db)
    original = hostile_jpeg()
    assert 0xFE in jpeg_markers(original)
    response = await post_photo(client, person.candidatura_id, original, "foto.jpg", "image/jpeg")
    assert response.status == 303, await response.text()
    sha = await db.fetchval("SELECT sha256 FROM captura.fotos WHERE candidatura_id = $1", person.candidatura_id)
    for name in (f"{sha}.jpg", f"{sha}-mini.jpg"):
        assert_pixels_only((media(system) / "privado" / name).read_bytes())
    own = await client.get(f"/captura/candidaturas/{person.candidatura_id}/foto.jpg")
    assert_pixels_only(await own.read())

    await fill_curricular(client, person.candidatura_id)
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    sent = await client.submit(overview, f"{overview}/enviar", {})
    assert sent.status == 303, await sent.text()
    validador = make_client()
    await validador.login("demo-validador")
    await approve_review(validador, db, person.candidatura_id)
    citizen = make_client()

    async def published() -> bytes | None:
        response = await citizen.get(f"/media/{sha}.jpg")
        return await response.read() if response.status == 200 else None

    assert_pixels_only(await eventually(published, what="the published photo"))
    mini = await citizen.get(f"/media/{sha}-mini.jpg")
    assert mini.status == 200
    assert_pixels_only(await mini.read())


async def test_a_scanned_signed_form_is_stored_without_its_comment(
    make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    person = await factories.candidata(db)
    client = make_client()
    await client.login(person.username)
    response = await post_document(client, person.candidatura_id, hostile_jpeg(), "firma.jpg")
    assert response.status == 303, await response.text()
    sha = await db.fetchval(
        "SELECT sha256 FROM captura.documentos_consentimiento WHERE candidatura_id = $1", person.candidatura_id
    )
    assert_pixels_only((private(system) / f"{sha}.jpg").read_bytes())
    back = await client.get(f"/captura/candidaturas/{person.candidatura_id}/consentimiento/documento")
    assert_pixels_only(await back.read())


@pytest.mark.parametrize("case", list(HOSTILE))
async def test_an_active_or_disguised_pdf_is_refused_as_a_signed_form(
    case: str, make_client: type[Client], db: asyncpg.Pool
) -> None:
    data, reason = HOSTILE[case]
    person = await factories.candidata(db)
    client = make_client()
    await client.login(person.username)
    response = await post_document(client, person.candidatura_id, data, "firmado.pdf")
    text = await response.text()
    assert response.status == 422, text
    assert reason in text
    count = "SELECT count(*) FROM captura.documentos_consentimiento WHERE candidatura_id = $1"
    assert await db.fetchval(count, person.candidatura_id) == 0
