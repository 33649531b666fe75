"""The consent documents (issue 4, Captura 5): the pre-filled form, the signed upload, the rule of independents."""

from __future__ import annotations

import io
import os
from pathlib import Path

import asyncpg
import pytest
from PIL import Image

from launcher.system import System

from . import factories
from .helpers import Client, fill_curricular
from .uploads import SVG, encode, halves, jpeg_with_exif_gps_and_icc, pdf_text, upload

SIGNED_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def private(system: System) -> Path:
    return system.config.data_dir / "media" / "privado"


async def post_document(client: Client, candidatura_id: int, data: bytes, filename: str) -> object:
    base = f"/captura/candidaturas/{candidatura_id}/consentimiento"
    return await upload(client, base, f"{base}/documento", "documento", data, filename, "application/octet-stream")


async def logged_in(
    make_client: type[Client], db: asyncpg.Pool, independiente: bool = False
) -> tuple[Client, factories.Candidata]:
    person = await (factories.candidata_independiente(db) if independiente else factories.candidata(db))
    client = make_client()
    await client.login(person.username)
    return client, person


async def test_the_form_is_a_pdf_filled_with_the_registration(make_client: type[Client], db: asyncpg.Pool) -> None:
    client, person = await logged_in(make_client, db)
    response = await client.get(f"/captura/candidaturas/{person.candidatura_id}/consentimiento/formato.pdf")
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    pdf = await response.read()
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-64:]
    text = pdf_text(pdf)
    first_name = person.nombre.split()[0]  # ASCII, so it shows as is in the PDF's text operators
    for expected in (first_name, "Presidencia municipal", "Morelia", "Partido Acci", "PAN", "Autorizo la publicaci"):
        assert expected in text, expected

    other, _ = await logged_in(make_client, db)
    assert (await other.get(f"/captura/candidaturas/{person.candidatura_id}/consentimiento/formato.pdf")).status == 404


def _broken_pdf() -> bytes:
    return SIGNED_PDF[:-8] + b"\n" + os.urandom(2000)


REJECTED = {
    "text renamed .pdf": (lambda: b"Esto no es un PDF\n" * 20, "formato.pdf", "no es un PDF, JPG ni PNG"),
    "PDF cut short": (_broken_pdf, "formato.pdf", "incompleto o dañado"),
    "SVG": (lambda: SVG, "formato.png", "no es un PDF, JPG ni PNG"),
    "WebP": (lambda: encode(halves(), "WEBP"), "formato.png", "no es un PDF, JPG ni PNG"),
    "over 10 MB": (lambda: b"%PDF-1.4\n" + os.urandom(10 * 1024 * 1024) + b"%%EOF", "formato.pdf", "más de 10 MB"),
    "empty": (lambda: b"", "formato.pdf", "Elige el archivo"),
}


@pytest.mark.parametrize("case", list(REJECTED))
async def test_a_signed_form_is_checked_by_content(
    case: str, make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    make, filename, message = REJECTED[case]
    client, person = await logged_in(make_client, db)
    before = set(os.listdir(private(system))) if private(system).exists() else set()
    response = await post_document(client, person.candidatura_id, make(), filename)
    text = await response.text()
    assert response.status == 422, text
    assert message in text
    assert (set(os.listdir(private(system))) if private(system).exists() else set()) == before
    count = "SELECT count(*) FROM captura.documentos_consentimiento WHERE candidatura_id = $1"
    assert await db.fetchval(count, person.candidatura_id) == 0


async def test_a_pdf_is_kept_as_sent_and_a_photo_of_the_form_loses_its_metadata(
    make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    client, person = await logged_in(make_client, db)
    response = await post_document(client, person.candidatura_id, SIGNED_PDF, "firmado.pdf")
    assert response.status == 303, await response.text()
    row = await db.fetchrow(
        "SELECT sha256, extension, bytes, nombre_original FROM captura.documentos_consentimiento "
        "WHERE candidatura_id = $1",
        person.candidatura_id,
    )
    assert (row["extension"], row["bytes"], row["nombre_original"]) == ("pdf", len(SIGNED_PDF), "firmado.pdf")
    assert (private(system) / f"{row['sha256']}.pdf").read_bytes() == SIGNED_PDF
    page = await (await client.get(f"/captura/candidaturas/{person.candidatura_id}/consentimiento")).text()
    assert "entregado" in page
    back = await client.get(f"/captura/candidaturas/{person.candidatura_id}/consentimiento/documento")
    assert back.status == 200 and await back.read() == SIGNED_PDF
    assert back.headers["Content-Disposition"].startswith("attachment")

    # A phone photo of the signed form, named .png: accepted as the JPEG it is, without its GPS position.
    response = await post_document(client, person.candidatura_id, jpeg_with_exif_gps_and_icc(), "firma.png")
    assert response.status == 303, await response.text()
    latest = await db.fetchrow(
        "SELECT sha256, extension FROM captura.documentos_consentimiento WHERE candidatura_id = $1 "
        "ORDER BY id DESC LIMIT 1",
        person.candidatura_id,
    )
    assert latest["extension"] == "jpg"
    stored = Image.open(io.BytesIO((private(system) / f"{latest['sha256']}.jpg").read_bytes()))
    assert stored.format == "JPEG" and not stored.getexif()

    png = encode(halves((1700, 2200)), "PNG")
    assert (await post_document(client, person.candidatura_id, png, "escaneo.png")).status == 303
    events = await db.fetch(
        "SELECT details FROM audit.eventos WHERE action = 'subir_consentimiento' AND entity_id = $1",
        str(person.candidatura_id),
    )
    assert [e["details"]["extension"] for e in events] == ["pdf", "jpg", "png"]

    other, _ = await logged_in(make_client, db)
    assert (await other.get(f"/captura/candidaturas/{person.candidatura_id}/consentimiento/documento")).status == 404


async def test_an_independent_submits_only_after_uploading_the_signed_form(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    client, person = await logged_in(make_client, db, independiente=True)
    await fill_curricular(client, person.candidatura_id)
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    refused = await client.submit(overview, f"{overview}/enviar", {})
    assert refused.status == 422
    assert "Sube el formato de consentimiento firmado antes de enviar." in await refused.text()
    page = await (await client.get(f"/captura/candidaturas/{person.candidatura_id}/consentimiento")).text()
    assert "Como candidatura independiente, debes subirlo" in page

    response = await post_document(client, person.candidatura_id, SIGNED_PDF, "firmado.pdf")
    assert response.status == 303, await response.text()
    sent = await client.submit(overview, f"{overview}/enviar", {})
    assert sent.status == 303, await sent.text()
    estado = "SELECT estado FROM captura.cuestionarios WHERE candidatura_id = $1 AND cuestionario = 'curricular'"
    assert await db.fetchval(estado, person.candidatura_id) == "enviado"
