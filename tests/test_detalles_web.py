"""What Lighthouse and the HTML checkers noticed: meta descriptions, the favicon, form-wide errors and counts."""

from __future__ import annotations

import re

import asyncpg

from services.common import contracts

from . import factories
from .helpers import Client, eventually

PUBLISHED_SQL = (
    "SELECT id, nombre_completo, cargo_nombre FROM publico.candidaturas WHERE id = $1 AND curricular IS NOT NULL"
)
DESCRIPTION = re.compile(r'<meta name="description" content="([^"]+)">')


async def publicada(db: asyncpg.Pool, declarado_at: str = "2024-03-16T03:30:00+00:00") -> asyncpg.Record:
    """A candidacy of its own, published as validacion would publish it; its name is unique in the session."""
    persona = await factories.candidata(db)
    async with db.acquire() as conn, conn.transaction():
        await contracts.send(
            conn,
            contracts.Publish(
                candidatura_id=persona.candidatura_id,
                cuestionario="curricular",
                numero=1,
                version=contracts.Version(respuestas={"propuestas": {"propuesta_1": "Agua para todas las tenencias"}}),
                declarado_at=declarado_at,
                revisado_at=declarado_at,
            ),
        )

    async def published() -> asyncpg.Record | None:
        return await db.fetchrow(PUBLISHED_SQL, persona.candidatura_id)

    return await eventually(published, what="the published candidacy")


async def test_public_pages_have_a_meta_description(client: Client, db: asyncpg.Pool) -> None:
    for path in ("/", "/candidaturas"):
        text = await (await client.get(path)).text()
        match = DESCRIPTION.search(text)
        assert match and len(match.group(1)) > 50, path
    row = await publicada(db)
    perfil = await (await client.get(f"/candidaturas/{row['id']}")).text()
    match = DESCRIPTION.search(perfil)
    assert match, "the profile has its own description"
    assert match.group(1).startswith(f"Perfil de {row['nombre_completo']}, candidatura a {row['cargo_nombre']}")
    # Declared at 03:30 UTC on the 16th: still the 15th in the process's zone (UTC-6).
    assert "Declarado por la candidatura el 15/03/2024" in perfil


async def test_the_favicon_is_served_with_a_long_cache_and_linked(client: Client) -> None:
    icon = await client.get("/favicon.ico")
    assert icon.status == 200
    assert icon.content_type == "image/x-icon"
    assert (await icon.read())[:4] == b"\x00\x00\x01\x00"  # an ICO file
    max_age = re.search(r"max-age=(\d+)", icon.headers["Cache-Control"])
    assert max_age and int(max_age.group(1)) >= 7 * 24 * 3600
    svg = await client.get("/static/favicon.svg")
    assert svg.status == 200 and (await svg.text()).startswith("<svg")
    for path in ("/", "/cuenta/entrar"):  # public and staff pages share base.html
        text = await (await client.get(path)).text()
        assert '<link rel="icon" href="/favicon.ico"' in text and 'href="/static/favicon.svg"' in text


async def test_a_form_wide_error_is_text_not_a_link_to_a_missing_anchor(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    persona = await factories.candidata(db)
    candidata = make_client()
    await candidata.login(persona.username)
    # Asking for a correction before anything is published is an error of the whole form, not of one field.
    path = f"/captura/candidaturas/{persona.candidatura_id}/curricular/correccion"
    token = await candidata.csrf("/captura/")
    response = await candidata.post(
        path, data={"csrf_token": token, "rubro": "propuestas", "motivo": "Quiero corregir una propuesta mía."}
    )
    text = await response.text()
    assert response.status == 422, text
    assert "Solo puedes pedir una corrección cuando tu información ya está publicada." in text
    assert 'href="#_"' not in text
    for anchor in re.findall(r'<div class="errors".*?</div>', text, re.S):
        for target in re.findall(r'href="#([^"]+)"', anchor):
            assert f'id="{target}"' in text, f"#{target} links to nothing"


async def test_counts_agree_with_their_noun(make_client: type[Client], client: Client, db: asyncpg.Pool) -> None:
    row = await publicada(db)
    one = await (await client.get("/candidaturas", params={"q": row["nombre_completo"]})).text()
    assert "1 candidatura encontrada." in one and "1 candidaturas" not in one
    none = await (await client.get("/candidaturas", params={"q": "zzzz-nadie-se-llama-asi"})).text()
    assert "0 candidaturas encontradas." in none

    persona = await factories.candidata(db)
    candidata = make_client()
    await candidata.login(persona.username)
    tablero = await (await candidata.get("/captura/")).text()
    assert "1 candidatura:" in tablero and "(s)" not in tablero
