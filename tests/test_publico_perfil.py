"""Page 3 (the profile and its PDF ficha) and page 5 (/mi-eleccion) against the running system."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import asyncpg
from playwright.async_api import Page

from services.common import contracts
from services.common.contracts import FechasRubro, Version
from services.common.tiempo import format_fecha
from services.publico.sql import PUBLISH_SQL

from . import factories
from .browser import axe_violations
from .helpers import Client, eventually
from .pdf_text import pdf_text

SIN_INFORMACION = "La candidatura no proporcionó información."
DECLARADO = datetime(2024, 3, 1, 18, tzinfo=UTC)
REVISADO = datetime(2024, 3, 4, 18, tzinfo=UTC)
FORMACION_DECLARADA = datetime(2024, 2, 10, 18, tzinfo=UTC)
FORMACION_REVISADA = datetime(2024, 2, 12, 18, tzinfo=UTC)


async def _publish_direct(db: asyncpg.Pool, candidatura_id: int, curricular: dict[str, object]) -> None:
    now = datetime.now(UTC)
    await db.execute(PUBLISH_SQL, candidatura_id, "prueba", curricular, 1, now, now, None)


async def _coalicion(db: asyncpg.Pool) -> tuple[int, str]:
    postulante_id, siglas = await factories.postulante(db, "coalicion")
    await db.execute(
        """INSERT INTO registro.postulante_partidos (postulante_id, partido_id)
           SELECT $1, id FROM registro.postulantes WHERE siglas IN ('PAN', 'PRI')""",
        postulante_id,
    )
    return postulante_id, siglas


async def _zona(db: asyncpg.Pool) -> ZoneInfo:
    return ZoneInfo(await db.fetchval("SELECT zona_horaria FROM registro.procesos WHERE activo ORDER BY id LIMIT 1"))


async def _formula(db: asyncpg.Pool, correo: str) -> factories.Formula:
    """A coalition's fórmula: the propietaria published through the publish job (with one rubro's own dates),
    the suplente straight into the read model."""
    postulante_id, _ = await _coalicion(db)
    formula = await factories.formula_sin_cuentas(db, postulante_id, correo=correo)
    async with db.acquire() as conn, conn.transaction():
        await contracts.send(
            conn,
            contracts.Publish(
                candidatura_id=formula.propietaria,
                cuestionario="curricular",
                numero=1,
                version=Version(
                    respuestas={
                        "formacion": {"grado_maximo": "Maestría", "estatus": "Título"},
                        "propuestas": {"propuesta_1": "Agua potable en cada tenencia."},
                    }
                ),
                declarado_at=DECLARADO,
                revisado_at=REVISADO,
                fechas_rubros={
                    "formacion": FechasRubro(declarado_at=FORMACION_DECLARADA, revisado_at=FORMACION_REVISADA)
                },
            ),
        )
    await _publish_direct(db, formula.suplente, {"propuestas": {"propuesta_1": "Clínica móvil."}})

    async def published() -> bool:
        return bool(
            await db.fetchval(
                "SELECT procedencia <> '{}'::jsonb FROM publico.candidaturas WHERE id = $1", formula.propietaria
            )
        )

    await eventually(published, what="the propietaria published")
    return formula


def _section(html: str, rubro: str) -> str:
    return html.split(f'<h2 id="r-{rubro}">', 1)[1].split("</section>", 1)[0]


async def test_profile_shows_the_pair_both_ways_the_coalition_every_rubro_and_its_provenance(
    client: Client, db: asyncpg.Pool
) -> None:
    correo = f"privado-{uuid.uuid4().hex[:8]}@correo.invalid"
    formula = await _formula(db, correo)
    tz = await _zona(db)

    html = await (await client.get(f"/candidaturas/{formula.propietaria}")).text()
    assert f'<a href="/candidaturas/{formula.suplente}">{formula.nombres[1]}</a>' in html
    assert "Suplente de la fórmula" in html
    assert "integrada por Partido Acción Nacional (PAN) y Partido Revolucionario Institucional (PRI)" in html
    # The five rubros, always: an empty one says so, and so does every empty field of a filled one.
    for rubro in ("contacto", "formacion", "profesional", "trayectoria", "propuestas"):
        assert f'<h2 id="r-{rubro}">' in html
    assert SIN_INFORMACION in _section(html, "profesional")
    propuestas = _section(html, "propuestas")
    assert "Agua potable en cada tenencia." in propuestas and propuestas.count(SIN_INFORMACION) == 2
    # Each rubro says when it was declared and reviewed: its own dates where the job carried them.
    formacion = _section(html, "formacion")
    assert (
        f"Declarado por la candidatura el {format_fecha(FORMACION_DECLARADA, tz)} · "
        f"revisado por el Instituto el {format_fecha(FORMACION_REVISADA, tz)}."
    ) in formacion
    assert (
        f"Declarado por la candidatura el {format_fecha(DECLARADO, tz)} · "
        f"revisado por el Instituto el {format_fecha(REVISADO, tz)}."
    ) in propuestas
    assert f'href="/candidaturas/{formula.propietaria}.pdf"' in html
    assert correo not in html

    suplente = await (await client.get(f"/candidaturas/{formula.suplente}")).text()
    assert f'<a href="/candidaturas/{formula.propietaria}">{formula.nombres[0]}</a>' in suplente
    assert "Propietaria de la fórmula" in suplente


async def test_an_unpublished_partner_is_not_named(client: Client, db: asyncpg.Pool) -> None:
    postulante_id, _ = await factories.postulante(db, "partido")
    formula = await factories.formula_sin_cuentas(db, postulante_id)
    await _publish_direct(db, formula.propietaria, {})
    html = await (await client.get(f"/candidaturas/{formula.propietaria}")).text()
    assert formula.nombres[1] not in html and "de la fórmula" not in html
    assert html.count(SIN_INFORMACION) == 5


async def test_the_pdf_ficha_prints_the_profile_and_no_private_field(client: Client, db: asyncpg.Pool) -> None:
    correo = f"privado-{uuid.uuid4().hex[:8]}@correo.invalid"
    formula = await _formula(db, correo)
    curp = await db.fetchval("SELECT curp FROM registro.candidaturas WHERE id = $1", formula.propietaria)

    response = await client.get(f"/candidaturas/{formula.propietaria}.pdf")
    assert response.status == 200 and response.content_type == "application/pdf"
    data = await response.read()
    text = pdf_text(data)
    assert formula.nombres[0] in text and formula.nombres[1] in text
    assert "Agua potable en cada tenencia." in text and SIN_INFORMACION in text
    assert "Partido Acción Nacional (PAN)" in text.replace("\n", " ")
    for private in (curp, correo):
        assert private not in text and private.encode() not in data
    # Cached like the page: the same generation answers with the same ETag, and a 304 when asked again.
    etag = response.headers["ETag"]
    again = await client.get(f"/candidaturas/{formula.propietaria}.pdf", headers={"If-None-Match": etag})
    assert again.status == 304

    assert (await client.get("/candidaturas/2147483000.pdf")).status == 404


async def _publicada(db: asyncpg.Pool, cargo: str, propuesta: str, **lugar: int | None) -> factories.Candidata:
    candidata = await factories.candidata(db, cargo=cargo, municipio=lugar.get("municipio") or 16053)
    await db.execute(
        "UPDATE registro.candidaturas SET municipio = $2, distrito = $3 WHERE id = $1",
        candidata.candidatura_id,
        lugar.get("municipio"),
        lugar.get("distrito"),
    )
    await _publish_direct(db, candidata.candidatura_id, {"propuestas": {"propuesta_1": propuesta}})
    return candidata


async def test_mi_eleccion_shows_every_contest_on_a_municipios_ballots(client: Client, db: asyncpg.Pool) -> None:
    # Morelia (16053) is split between distritos 10 and 11 in this test's composition catalog.
    await db.execute(
        """INSERT INTO registro.municipio_distritos (municipio, distrito) VALUES (16053, 10), (16053, 11)
           ON CONFLICT DO NOTHING"""
    )
    presidencia = await _publicada(db, "PRES_MUN", "p", municipio=16053)
    diputacion = await _publicada(db, "DIP_MR", "d", distrito=11)
    rp = await _publicada(db, "DIP_RP", "r")
    otro_municipio = await _publicada(db, "PRES_MUN", "o", municipio=16001)

    form = await (await client.get("/mi-eleccion")).text()
    assert '<select id="municipio" name="municipio">' in form and '<option value="16053">Morelia</option>' in form

    response = await client.get("/mi-eleccion", params={"municipio": "16053"})
    assert response.status == 200
    html = await response.text()
    assert "Boletas de Morelia" in html and '<option value="16053" selected>Morelia</option>' in html
    for contest in ("Presidencia municipal", "Diputación de mayoría relativa, distrito 11"):
        assert f">{contest}</h3>" in html
    assert "Diputación de representación proporcional</h3>" in html
    for c in (presidencia, diputacion, rp):
        assert f'href="/candidaturas/{c.candidatura_id}"' in html
    assert f'href="/candidaturas/{otro_municipio.candidatura_id}"' not in html
    assert "distritos 10, 11" in html


async def test_mi_eleccion_keeps_the_form_with_a_clear_message_for_bad_input(client: Client) -> None:
    unknown = await client.get("/mi-eleccion", params={"municipio": "99999"})
    assert unknown.status == 404
    html = await unknown.text()
    assert "No encontramos ese municipio. Elígelo de la lista." in html and 'name="municipio"' in html

    words = await client.get("/mi-eleccion", params={"municipio": "Morelia<script>"})
    assert words.status == 400
    html = await words.text()
    assert "Escribe solo números." in html and 'name="municipio"' in html and "<script>" not in html


async def test_profile_and_mi_eleccion_have_no_axe_violations(page: Page, base_url: str, db: asyncpg.Pool) -> None:
    formula = await _formula(db, f"privado-{uuid.uuid4().hex[:8]}@correo.invalid")
    for path in (f"/candidaturas/{formula.propietaria}", "/mi-eleccion", "/mi-eleccion?municipio=16053"):
        await page.goto(base_url + path)
        assert await axe_violations(page) == [], path
    await page.goto(base_url + "/mi-eleccion?municipio=99999")
    assert await axe_violations(page) == []


async def test_a_seccion_names_exactly_one_distrito(client: Client, db: asyncpg.Pool) -> None:
    await db.execute(
        """INSERT INTO registro.municipio_distritos (municipio, distrito) VALUES (16053, 10), (16053, 11)
           ON CONFLICT DO NOTHING"""
    )
    diez = await _publicada(db, "DIP_MR", "d10", distrito=10)
    once = await _publicada(db, "DIP_MR", "d11", distrito=11)
    seccion = await db.fetchval(
        """INSERT INTO registro.secciones (seccion, municipio, distrito)
           SELECT coalesce(max(seccion), 90000) + 1, 16053, 11 FROM registro.secciones RETURNING seccion"""
    )
    try:
        html = await (await client.get("/mi-eleccion", params={"seccion": str(seccion)})).text()
        assert 'id="seccion" name="seccion"' in html and f'value="{seccion}"' in html
        assert "Boletas de Morelia" in html and ">Diputación de mayoría relativa, distrito 11</h3>" in html
        assert f'href="/candidaturas/{once.candidatura_id}"' in html
        assert f'href="/candidaturas/{diez.candidatura_id}"' not in html and "distritos 10, 11" not in html

        otro = await client.get("/mi-eleccion", params={"municipio": "16001", "seccion": str(seccion)})
        assert otro.status == 400
        assert "Esa sección electoral no pertenece al municipio elegido." in await otro.text()
        unknown = await client.get("/mi-eleccion", params={"seccion": str(seccion + 1)})
        assert unknown.status == 404 and "No encontramos esa sección electoral." in await unknown.text()
    finally:
        await db.execute("DELETE FROM registro.secciones WHERE seccion = $1", seccion)
