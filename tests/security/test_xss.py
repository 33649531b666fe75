"""Attack 2: an XSS corpus in every free-text field of the cuestionario curricular and in the candidate's name:
escaped on every page that shows it (public profile, list, compare, staff review and registry pages), literal
text in the profile PDF, and never a ``javascript:`` link.

Names come from the registry (here written as an import would leave them); the texts are typed by the
candidate through the real forms, submitted, approved by a validador and published by the workers.
"""

from __future__ import annotations

import re

import asyncpg
import pytest
from markupsafe import escape

from .. import factories
from ..helpers import CURRICULAR_COMPLETO, Client, approve_review, eventually, fill_curricular
from ..pdf_text import pdf_text
from ..uploads import encode, halves, upload
from .corpus import DANGEROUS, XSS

pytestmark = pytest.mark.usefixtures("quiet_log")

NOMBRE = "Xss<svg onload=alert(13)>"
CAMPOS = {
    ("formacion", "cursos"): XSS[0],
    ("profesional", "historia_profesional"): XSS[1] + " " + XSS[9],
    ("trayectoria", "trayectoria_politica"): XSS[2] + " " + XSS[5],
    ("trayectoria", "motivo_cargo_publico"): XSS[3] + " " + XSS[10],
    ("propuestas", "propuesta_1"): XSS[4] + " " + XSS[11],
    ("propuestas", "propuesta_2"): XSS[6] + " " + XSS[7],
    ("propuestas", "propuesta_genero"): XSS[8],
}
# Inside a tag (escaped text has no "<" before it).
JS_LINK = re.compile(r"""<[^<>]*\s(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def _assert_escaped(html: str, texts: list[str], where: str) -> None:
    for text in texts:
        for payload in DANGEROUS:
            if payload in text:
                assert payload not in html, f"{where}: {payload!r} unescaped"
        assert str(escape(text)) in html, f"{where}: {text!r} missing"
    assert not JS_LINK.search(html), where
    for tag in ("<script>alert", "<svg/onload", "<svg onload", "<img src=x", "<iframe", "<body onload"):
        assert tag not in html, f"{where}: {tag}"


async def test_the_xss_corpus_is_shown_as_text_everywhere(make_client: type[Client], db: asyncpg.Pool) -> None:
    candidata = await factories.candidata(db)
    cid = candidata.candidatura_id
    await db.execute("UPDATE registro.candidaturas SET nombre = $2 WHERE id = $1", cid, NOMBRE)
    author = make_client()
    await author.login(candidata.username)
    rubros: dict[str, dict[str, str]] = {}
    for (rubro, campo), texto in CAMPOS.items():
        rubros.setdefault(rubro, dict(CURRICULAR_COMPLETO[rubro]))[campo] = texto
    await fill_curricular(author, cid, **rubros)
    overview = f"/captura/candidaturas/{cid}/curricular"
    texts = list(CAMPOS.values())
    _assert_escaped(await (await author.get(overview)).text(), [NOMBRE], "captura overview")
    for rubro, campos in rubros.items():
        mine = [t for t in campos.values() if t in CAMPOS.values()]
        _assert_escaped(await (await author.get(f"{overview}/{rubro}")).text(), mine, rubro)
    sent = await author.submit(overview, f"{overview}/enviar", {})
    assert sent.status == 303, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", await sent.text()))[:3000]

    validador = make_client()
    await validador.login("demo-validador")
    review = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.revisiones WHERE candidatura_id = $1 AND estado = 'pendiente'", cid
        ),
        what="the pending review",
    )
    _assert_escaped(await (await validador.get(f"/validacion/revisiones/{review}")).text(), texts, "staff review")
    await approve_review(validador, db, cid)
    coordinacion = make_client()
    await coordinacion.login(await factories.cuenta(db, "coordinacion"))
    registro = await coordinacion.get(f"/validacion/registro/candidaturas/{cid}")
    _assert_escaped(await registro.text(), [NOMBRE], "staff registry page")
    found = await coordinacion.get("/validacion/registro/candidaturas", params={"q": "Xss"})
    _assert_escaped(await found.text(), [NOMBRE], "staff registry search")

    citizen = make_client()

    async def published() -> bool:
        return (await citizen.get(f"/api/v1/candidaturas/{cid}")).status == 200

    await eventually(published, what="the published profile")
    profile = await citizen.get(f"/candidaturas/{cid}")
    _assert_escaped(await profile.text(), [NOMBRE, *texts], "public profile")
    listed = await citizen.get("/candidaturas", params={"q": "Xss"})
    _assert_escaped(await listed.text(), [NOMBRE], "public list")
    others = (await (await citizen.get("/api/v1/candidaturas", params={"limite": "2"})).json())["resultados"]
    other = next(r["id"] for r in others if r["id"] != cid)
    compared = await citizen.get("/comparar", params={"ids": f"{cid},{other}"})
    assert compared.status == 200
    _assert_escaped(await compared.text(), [NOMBRE, *texts], "compare")
    api = await (await citizen.get(f"/api/v1/candidaturas/{cid}")).json()
    assert api["nombre"].startswith(NOMBRE)  # JSON carries the text as it is: escaping is the page's job

    pdf = await citizen.get(f"/candidaturas/{cid}.pdf")
    assert pdf.status == 200 and pdf.content_type == "application/pdf"
    drawn = re.sub(r"\s+", "", pdf_text(await pdf.read()))
    for text in (NOMBRE, XSS[0], XSS[1], XSS[8]):  # WinAnsi text: the corpus lines a PDF font can draw
        assert re.sub(r"\s+", "", text) in drawn, text


HOSTILE_NAME = '"><img src=x onerror=alert(14)>.pdf'


async def test_upload_file_names_never_reach_a_page(make_client: type[Client], db: asyncpg.Pool) -> None:
    """The name a browser sends with a file is kept for the record only: pages and downloads use our own names."""
    independiente = await factories.candidata_independiente(db)
    cid = independiente.candidatura_id
    client = make_client()
    await client.login(independiente.username)
    photo_page = f"/captura/candidaturas/{cid}/foto"
    photo = encode(halves(), "JPEG")
    sent = await upload(client, photo_page, photo_page, "foto", photo, HOSTILE_NAME[:-4] + ".jpg", "image/jpeg")
    assert sent.status == 303, await sent.text()
    consent_page = f"/captura/candidaturas/{cid}/consentimiento"
    signed = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    sent = await upload(
        client, consent_page, f"{consent_page}/documento", "documento", signed, HOSTILE_NAME, "application/pdf"
    )
    assert sent.status in (303, 422), await sent.text()
    staff = make_client()
    await staff.login("demo-transparencia")
    pages = [
        (client, photo_page),
        (client, consent_page),
        (staff, f"/validacion/transparencia/consentimientos/{cid}"),
        (staff, "/validacion/transparencia/consentimientos"),
    ]
    for who, path in pages:
        response = await who.get(path)
        text = await response.text()
        assert response.status == 200, path
        assert "<img src=x" not in text and "alert(14)" not in text, path
        assert "alert(14)" not in response.headers.get("Content-Disposition", ""), path
