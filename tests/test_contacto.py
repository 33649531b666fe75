"""Public contact fields are checked on the server and shown as links only when safe (issue 7, item 3)."""

from __future__ import annotations

import html
import re

import asyncpg

from . import factories
from .helpers import Client, approve_review, eventually, fill_curricular

HOSTILE = "javascript:alert(1)"


async def test_contact_fields_are_checked_and_the_form_keeps_what_was_typed(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    person = await factories.candidata(db)
    client = make_client()
    await client.login(person.username)
    path = f"/captura/candidaturas/{person.candidatura_id}/curricular/contacto"
    bad = await client.submit(
        path,
        path,
        {
            "version": "0",
            "correo_publico": "esto no es correo",
            "pagina_web": HOSTILE,
            "telefono_publico": "443 12",
            "facebook": "https://www.ejemplo.mx/lucia",
            "x": "https://x.com/lucia",
        },
    )
    text = await bad.text()
    assert bad.status == 422, text
    assert "Correo electrónico público: escribe un correo electrónico válido" in text
    assert "Página web: solo se aceptan direcciones web que empiecen con http:// o https://." in text
    assert "Teléfono público: escribe un teléfono de 10 dígitos" in text
    assert "Facebook: escribe la dirección de tu perfil en facebook.com" in text
    assert 'value="esto no es correo"' in text and f'value="{HOSTILE}"' in text and 'value="443 12"' in text
    assert 'type="tel"' in text
    assert (
        await db.fetchval("SELECT count(*) FROM captura.respuestas WHERE candidatura_id = $1", person.candidatura_id)
        == 0
    )

    good = await client.submit(
        path,
        path,
        {
            "version": "0",
            "correo_publico": "contacto@campana.invalid",
            "pagina_web": "www.lucia-campana.example.org",
            "telefono_publico": "+52 (443) 312-0000",
            "facebook": "facebook.com/lucia",
        },
    )
    assert good.status == 303, await good.text()
    datos = await db.fetchval(
        "SELECT datos FROM captura.respuestas WHERE candidatura_id = $1 AND rubro = 'contacto'", person.candidatura_id
    )
    assert datos["correo_publico"] == "contacto@campana.invalid"
    assert datos["pagina_web"] == "https://www.lucia-campana.example.org"
    assert datos["telefono_publico"] == "443 312 0000"
    assert datos["facebook"] == "https://facebook.com/lucia"


async def test_links_are_links_only_when_http_or_https(make_client: type[Client], db: asyncpg.Pool) -> None:
    """A value saved before the check (or by any other path) is shown as text, never as a clickable link."""
    person = await factories.candidata(db)
    client, validador, citizen = make_client(), make_client(), make_client()
    await client.login(person.username)
    await validador.login("demo-validador")
    await fill_curricular(client, person.candidatura_id)
    await db.execute(
        """UPDATE captura.respuestas SET datos = datos || $2::jsonb
           WHERE candidatura_id = $1 AND rubro = 'contacto'""",
        person.candidatura_id,
        {"pagina_web": "https://www.lucia.example.org/propuestas?a=1&b=2", "facebook": HOSTILE},
    )
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    assert (await client.submit(overview, f"{overview}/enviar", {})).status == 303
    await approve_review(validador, db, person.candidatura_id)

    async def profile() -> str | None:
        response = await citizen.get(f"/candidaturas/{person.candidatura_id}")
        return await response.text() if response.status == 200 else None

    for page in (
        await eventually(profile, what="the published profile"),
        await (await client.get(f"/captura/candidaturas/{person.candidatura_id}/historial")).text(),
    ):
        link = 'href="https://www.lucia.example.org/propuestas?a=1&amp;b=2" rel="nofollow noopener"'
        assert link in page
        assert HOSTILE in html.unescape(page)
        assert not re.search(r'href="\s*javascript:', page, re.IGNORECASE)
