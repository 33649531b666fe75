"""The audit trail of one candidacy, through the gateway: every change, by whom, when (in the process's zone),
from where and what, in words; newest first, paginated, for coordinación, transparencia and admin (issue #9)."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import asyncpg
from playwright.async_api import Browser, expect

from services.common import audit, tiempo

from . import factories
from .browser import axe_violations, login
from .helpers import Client, approve_review, eventually, fill_curricular

DOCS_IMG = Path(__file__).resolve().parents[1] / "docs" / "img" / "manual-personal"


def _trail(candidatura_id: int) -> str:
    return f"/validacion/registro/candidaturas/{candidatura_id}/auditoria"


async def _staff(make_client: type[Client], db: asyncpg.Pool, role: str) -> Client:
    client = make_client()
    await client.login(await factories.cuenta(db, role))
    return client


async def _reviewed(db: asyncpg.Pool, make_client: type[Client]) -> factories.Candidata:
    candidata = await factories.candidata(db)
    client = make_client()
    await client.login(candidata.username)
    await fill_curricular(client, candidata.candidatura_id)
    overview = f"/captura/candidaturas/{candidata.candidatura_id}/curricular"
    assert (await client.submit(overview, f"{overview}/enviar", {})).status == 303
    validador = make_client()
    await validador.login("demo-validador")
    await approve_review(validador, db, candidata.candidatura_id)
    return candidata


async def test_the_trail_says_who_did_what_when_and_from_where_newest_first(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    candidata = await _reviewed(db, make_client)
    cid = candidata.candidatura_id
    staff = await _staff(make_client, db, "coordinacion")
    response = await staff.get(_trail(cid))
    text = await response.text()
    assert response.status == 200, text

    # The actions in Spanish, newest first: approval, then the submit, then the saves.
    aprobo = text.index("Aprobó la versión enviada")
    envio = text.index("Envió el cuestionario a validación")
    guardo = text.index("Guardó un rubro del cuestionario")
    assert aprobo < envio < guardo
    # By whom and from where.
    assert "demo-validador" in text and candidata.username in text
    events = await db.fetch(
        "SELECT at, client_addr FROM audit.eventos WHERE entity = 'candidatura' AND entity_id = $1 ORDER BY id",
        str(cid),
    )
    assert len(events) == 7  # five rubros saved, one submit, one approval
    assert "7 eventos registrados" in text
    assert events[-1]["client_addr"] and events[-1]["client_addr"] in text
    # When, in the process's zone (not UTC).
    zona = tiempo.zona(await db.fetchval("SELECT zona_horaria FROM registro.procesos WHERE activo"))
    for event in events:
        assert tiempo.format_fecha_hora(event["at"], zona, conector=" ", segundos=True) in text
    # What, readable: the rubro's and the questionnaire's names, never raw JSON.
    assert "<strong>Rubro:</strong> Propuestas" in text
    assert "<strong>Cuestionario:</strong> Cuestionario curricular" in text
    assert '{"' not in text and "&#34;" not in text and "&quot;" not in text
    # The technical data is there too, folded away.
    assert "Datos técnicos del evento" in text and "guardar_rubro" in text


async def test_a_substitution_shows_on_both_records_and_the_detail_page_links_to_the_trail(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    candidata = await factories.candidata(db)
    cid = candidata.candidatura_id
    staff = await _staff(make_client, db, "coordinacion")
    ficha = f"/validacion/registro/candidaturas/{cid}"
    assert f'href="{_trail(cid)}"' in await (await staff.get(ficha)).text()
    nacimiento = date(1985, 5, 5)
    substituted = await staff.submit(
        ficha,
        f"{ficha}/sustituir",
        {
            "nombre": "Sustituta",
            "primer_apellido": "Prueba",
            "segundo_apellido": "Auditoría",
            "sexo": "mujer",
            "fecha_nacimiento": nacimiento.isoformat(),
            "curp": factories._curp(nacimiento),
            "motivo": "Renuncia presentada ante el Consejo General",
        },
    )
    assert substituted.status == 303, await substituted.text()
    new_id = int(re.search(r"/candidaturas/(\d+)", substituted.headers["Location"]).group(1))  # type: ignore[union-attr]
    assert new_id != cid
    nueva = await (await staff.get(_trail(new_id))).text()
    assert "Registró una sustitución" in nueva and "Renuncia presentada ante el Consejo General" in nueva
    assert "(menciona a esta candidatura)" in nueva
    assert f"<strong>Registro de la persona nueva:</strong> {new_id}" in nueva

    async def old_trail() -> str | None:
        text = await (await staff.get(_trail(cid))).text()
        return text if "Desactivó las cuentas por la baja de la candidatura" in text else None

    anterior = await eventually(old_trail, what="auth's account deactivation in the old record's trail")
    assert "Registró una sustitución" in anterior
    assert "El sistema" in anterior  # a job acted, not a person


async def test_the_trail_is_paginated_and_shows_unknown_actions_readably(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    candidata = await factories.candidata(db)
    cid = candidata.candidatura_id
    for paso in range(60):
        await audit.record(
            db,
            None,
            None,
            service="validacion",
            action="prueba_de_paginacion",
            entity="candidatura",
            entity_id=cid,
            details={"paso": paso, "lista": ["a", "b"], "bandera_resuelta": True},
        )
    staff = await _staff(make_client, db, "transparencia")
    first = await (await staff.get(_trail(cid))).text()
    assert "60 eventos registrados" in first and "página 1 de 2" in first
    assert first.count("Prueba de paginacion") == 50
    assert "<strong>Paso:</strong> 59" in first and "<strong>Paso:</strong> 10<" in first
    assert "<strong>Paso:</strong> 9<" not in first
    assert "<strong>Lista:</strong> a; b" in first and "<strong>Bandera resuelta:</strong> Sí" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = await (await staff.get(_trail(cid), params={"pagina": "2"})).text()
    assert second.count("Prueba de paginacion") == 10
    assert "<strong>Paso:</strong> 0<" in second and "<strong>Paso:</strong> 59" not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    for odd in ("0", "-3", "abc", "99999999999999999999"):
        response = await staff.get(_trail(cid), params={"pagina": odd})
        assert response.status == 200, odd
    assert "página 2 de 2" in await (await staff.get(_trail(cid), params={"pagina": "999"})).text()


async def test_only_coordinacion_transparencia_and_admin_read_the_trail(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    candidata = await factories.candidata(db)
    path = _trail(candidata.candidatura_id)
    for role in ("coordinacion", "transparencia", "admin"):
        assert (await (await _staff(make_client, db, role)).get(path)).status == 200, role
    for role in ("validador", "igualdad"):
        assert (await (await _staff(make_client, db, role)).get(path)).status == 403, role
    own = make_client()
    await own.login(candidata.username)
    assert (await own.get(path)).status == 403
    anonymous = await make_client().get(path)
    assert anonymous.status == 303 and anonymous.headers["Location"].startswith("/cuenta/entrar")
    staff = await _staff(make_client, db, "admin")
    for missing in ("2147483647", "2147483648"):
        assert (await staff.get(_trail(int(missing)))).status == 404


async def test_transparencia_finds_the_candidacy_from_the_menu(make_client: type[Client], db: asyncpg.Pool) -> None:
    candidata = await factories.candidata(db)
    staff = await _staff(make_client, db, "transparencia")
    menu = await (await staff.get("/validacion/")).text()
    assert 'href="/validacion/auditoria"' in menu
    found = await (await staff.get("/validacion/auditoria", params={"q": candidata.nombre.split()[0].lower()})).text()
    assert "1 resultado" in found and f'href="{_trail(candidata.candidatura_id)}"' in found
    by_id = await (await staff.get("/validacion/auditoria", params={"q": str(candidata.candidatura_id)})).text()
    assert f'href="{_trail(candidata.candidatura_id)}"' in by_id
    for odd in ("%", "_", "\\", "2147483648", "ñandú"):
        response = await staff.get("/validacion/auditoria", params={"q": odd})
        assert response.status == 200, odd
        assert "No hay candidaturas que coincidan" in await response.text(), odd
    validador = await _staff(make_client, db, "validador")
    assert (await validador.get("/validacion/auditoria")).status == 403


async def test_the_trail_in_chromium(
    browser: Browser, base_url: str, db: asyncpg.Pool, make_client: type[Client], tmp_path: Path
) -> None:
    folder = DOCS_IMG if os.environ.get("CONOCELES_MANUAL_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    candidata = await _reviewed(db, make_client)
    context = await browser.new_context(locale="es-MX", viewport={"width": 1000, "height": 700})
    page = await context.new_page()
    try:
        await login(page, base_url, await factories.cuenta(db, "coordinacion"))
        await page.goto(f"{base_url}/validacion/registro/candidaturas/{candidata.candidatura_id}")
        await page.get_by_role("link", name="Historial de cambios (auditoría)").click()
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Historial de cambios de")
        table = page.get_by_role("table", name="Eventos de la candidatura, del más reciente al más antiguo")
        await expect(table.get_by_role("row").nth(1)).to_contain_text("Aprobó la versión enviada")
        await page.get_by_text("Datos técnicos del evento").first.click()
        assert await axe_violations(page) == []
        await page.screenshot(path=str(folder / "coordinacion-auditoria.png"))
    finally:
        await context.close()
    # Transparencia has no registry screens: the menu's search leads to the same trail.
    context = await browser.new_context(locale="es-MX", viewport={"width": 1000, "height": 700})
    page = await context.new_page()
    try:
        await login(page, base_url, await factories.cuenta(db, "transparencia"))
        await page.get_by_role("link", name="Auditoría por candidatura").click()
        await page.get_by_label("Nombre, CURP o número de registro").fill(candidata.nombre)
        await page.get_by_role("button", name="Buscar").click()
        assert await axe_violations(page) == []
        await page.screenshot(path=str(folder / "coordinacion-auditoria-buscar.png"))
        await page.get_by_role("link", name=candidata.nombre).click()
        await expect(page.get_by_role("heading", level=1)).to_contain_text(candidata.nombre)
        assert await axe_violations(page) == []
    finally:
        await context.close()
