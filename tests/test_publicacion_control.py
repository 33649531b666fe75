"""Coordinación's publication control, through the gateway: the acuerdo that goes with the publication date,
"publicar ahora" for exceptional cases, and pausing and resuming a published candidacy (issue #9)."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from playwright.async_api import Browser, expect

from services.validacion.jobs import publish_due
from services.validacion.publicacion.views import AVISOS

from . import factories
from .browser import axe_violations, login
from .helpers import Client, approve_review, eventually, fill_curricular, publish_requests
from .test_identidad import RESPUESTAS, _consentir, _save

PROCESO = "/validacion/proceso"
INPUT = re.compile(r'<input type="(?:text|number|datetime-local|date)" id="[^"]+" name="([^"]+)" value="([^"]*)"')
PROCESO_SQL = """
SELECT id, publicacion_inicio, acuerdo_publicacion_numero, acuerdo_publicacion_fecha
FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1
"""
RESTORE_SQL = """
UPDATE registro.procesos SET publicacion_inicio = $2, acuerdo_publicacion_numero = $3, acuerdo_publicacion_fecha = $4
WHERE id = $1
"""
DOCS_IMG = Path(__file__).resolve().parents[1] / "docs" / "img" / "manual-personal"


@pytest.fixture
async def proceso_original(db: asyncpg.Pool) -> AsyncIterator[asyncpg.Record]:
    # The demo process is shared by every test of the session: put its publication settings back.
    original = await db.fetchrow(PROCESO_SQL)
    yield original
    await db.execute(RESTORE_SQL, *original.values())


async def _coordinacion(make_client: type[Client], db: asyncpg.Pool) -> Client:
    client = make_client()
    await client.login(await factories.cuenta(db, "coordinacion"))
    return client


async def _submitted(db: asyncpg.Pool, make_client: type[Client]) -> factories.Candidata:
    candidata = await factories.candidata(db)
    client = make_client()
    await client.login(candidata.username)
    await fill_curricular(client, candidata.candidatura_id)
    overview = f"/captura/candidaturas/{candidata.candidatura_id}/curricular"
    assert (await client.submit(overview, f"{overview}/enviar", {})).status == 303
    return candidata


async def _approved(db: asyncpg.Pool, make_client: type[Client]) -> tuple[factories.Candidata, int]:
    candidata = await _submitted(db, make_client)
    validador = make_client()
    await validador.login("demo-validador")
    review_id = await approve_review(validador, db, candidata.candidatura_id)
    return candidata, review_id


async def _public_status(citizen: Client, candidatura_id: int) -> int:
    return (await citizen.get(f"/candidaturas/{candidatura_id}")).status


async def _listed(citizen: Client, nombre: str) -> int:
    response = await citizen.get("/api/v1/candidaturas", params={"q": nombre})
    assert response.status == 200
    return int((await response.json())["total"])


async def _until_public(citizen: Client, candidatura_id: int, status: int) -> None:
    async def reached() -> bool:
        return await _public_status(citizen, candidatura_id) == status

    await eventually(reached, what=f"the public profile answering {status}")


async def _audit(db: asyncpg.Pool, candidatura_id: int, action: str) -> asyncpg.Record:
    row = await db.fetchrow(
        "SELECT actor_username, client_addr, details FROM audit.eventos "
        "WHERE entity = 'candidatura' AND entity_id = $1 AND action = $2 ORDER BY id DESC LIMIT 1",
        str(candidatura_id),
        action,
    )
    assert row is not None, action
    return row


async def test_a_publication_date_needs_the_number_and_date_of_its_acuerdo(
    make_client: type[Client], db: asyncpg.Pool, proceso_original: asyncpg.Record
) -> None:
    staff = await _coordinacion(make_client, db)
    page = await (await staff.get(PROCESO)).text()
    form = dict(INPUT.findall(page))
    assert form["publicacion_inicio"], "the demo process has a publication date"
    if 'name="validacion_partido" value="1" checked' in page:
        form["validacion_partido"] = "1"

    sin_numero = await staff.submit(PROCESO, PROCESO, {**form, "acuerdo_publicacion_numero": ""})
    text = await sin_numero.text()
    assert sin_numero.status == 422, text
    assert "escribe el número del acuerdo del Consejo General que la fijó" in text
    assert f'value="{form["publicacion_inicio"]}"' in text  # the input is kept

    sin_fecha = await staff.submit(
        PROCESO, PROCESO, {**form, "acuerdo_publicacion_numero": "CG-X-1/2024", "acuerdo_publicacion_fecha": ""}
    )
    text = await sin_fecha.text()
    assert sin_fecha.status == 422, text
    assert "escribe la fecha del acuerdo que la fijó" in text and 'value="CG-X-1/2024"' in text

    # Without a publication date the acuerdo may stay empty.
    sin_publicacion = await staff.submit(
        PROCESO,
        PROCESO,
        {**form, "publicacion_inicio": "", "acuerdo_publicacion_numero": "", "acuerdo_publicacion_fecha": ""},
    )
    assert sin_publicacion.status == 303, await sin_publicacion.text()

    saved = await staff.submit(
        PROCESO,
        PROCESO,
        {**form, "acuerdo_publicacion_numero": "CG-PUB-077/2024", "acuerdo_publicacion_fecha": "2024-03-10"},
    )
    assert saved.status == 303, await saved.text()
    stored = await db.fetchrow(PROCESO_SQL)
    assert stored["acuerdo_publicacion_numero"] == "CG-PUB-077/2024"
    assert stored["acuerdo_publicacion_fecha"].isoformat() == "2024-03-10"
    event = await db.fetchrow(
        "SELECT details FROM audit.eventos WHERE action = 'ajustes_proceso' AND entity_id = $1 ORDER BY id DESC",
        str(stored["id"]),
    )
    assert event["details"]["despues"]["acuerdo_publicacion_numero"] == "CG-PUB-077/2024"
    assert event["details"]["despues"]["acuerdo_publicacion_fecha"] == "2024-03-10"


async def test_publicar_ahora_publishes_the_approved_version_before_the_date_and_says_why_not(
    make_client: type[Client], db: asyncpg.Pool, proceso_original: asyncpg.Record
) -> None:
    await db.execute(
        "UPDATE registro.procesos SET publicacion_inicio = $2 WHERE id = $1",
        proceso_original["id"],
        datetime.now(UTC) + timedelta(days=30),
    )
    staff = await _coordinacion(make_client, db)
    citizen = make_client()

    # Nothing approved yet: refused, in words, with the reason kept.
    pending = await _submitted(db, make_client)
    base = f"/validacion/registro/candidaturas/{pending.candidatura_id}"
    refused = await staff.submit(f"{base}/publicacion", f"{base}/publicar", {"motivo": "Acuerdo CG-9"})
    text = await refused.text()
    assert refused.status == 422 and "no tiene ninguna versión aprobada" in text and "Acuerdo CG-9" in text

    candidata, review_id = await _approved(db, make_client)
    cid = candidata.candidatura_id
    page = f"/validacion/registro/candidaturas/{cid}/publicacion"
    action = f"/validacion/registro/candidaturas/{cid}/publicar"
    # Approved before the publication date: waits.
    assert (
        await db.fetchval("SELECT publicacion_solicitada_at FROM validacion.revisiones WHERE id = $1", review_id)
        is None
    )
    assert "espera la fecha de publicación" in await (await staff.get(page)).text()

    no_reason = await staff.submit(page, action, {"motivo": "   "})
    assert no_reason.status == 422 and "Escribe el motivo" in await no_reason.text()

    # An open flag of transparencia blocks it, whatever coordinación wants.
    bandera = await db.fetchval(
        "INSERT INTO validacion.banderas (revision_id, candidatura_id, tipo, clase, rubro, campo, fragmento) "
        "VALUES ($1, $2, 'dato_sensible', 'telefono', 'profesional', 'historia_profesional', '443 000 0000') "
        "RETURNING id",
        review_id,
        cid,
    )
    flagged = await staff.submit(page, action, {"motivo": "Acuerdo CG-PUB-1/2024"})
    text = await flagged.text()
    assert flagged.status == 422 and "1 bandera abierta" in text and "Transparencia" in text
    await db.execute("UPDATE validacion.banderas SET estado = 'descartada' WHERE id = $1", bandera)

    for role in ("validador", "transparencia"):
        other = make_client()
        await other.login(await factories.cuenta(db, role))
        assert (await other.get(page)).status == 403
        token = await other.csrf("/validacion/")
        assert (await other.post(action, data={"csrf_token": token, "motivo": "x"})).status == 403

    published = await staff.submit(page, action, {"motivo": "Acuerdo CG-PUB-1/2024: publicación anticipada"})
    assert published.status == 303, await published.text()
    assert published.headers["Location"].endswith("?hecho=publicada")
    await _until_public(citizen, cid, 200)
    assert await _listed(citizen, candidata.nombre) == 1
    event = await _audit(db, cid, "publicar_ahora")
    assert event["details"]["motivo"] == "Acuerdo CG-PUB-1/2024: publicación anticipada"
    assert event["details"]["versiones"] == [{"cuestionario": "curricular", "numero": 1, "revision": review_id}]
    assert event["client_addr"]
    # Sending it again is allowed (a re-send), and audited again.
    again = await staff.submit(page, action, {"motivo": "Reenvío tras la corrección del registro"})
    assert again.status == 303
    count = await db.fetchval(
        "SELECT count(*) FROM audit.eventos WHERE entity_id = $1 AND action = 'publicar_ahora'", str(cid)
    )
    assert count == 2


async def test_pause_takes_it_off_the_public_site_at_once_and_resume_publishes_it_again(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    candidata, review_id = await _approved(db, make_client)
    cid = candidata.candidatura_id
    citizen = make_client()
    await _until_public(citizen, cid, 200)
    assert await _listed(citizen, candidata.nombre) == 1
    staff = await _coordinacion(make_client, db)
    page = f"/validacion/registro/candidaturas/{cid}/publicacion"
    base = f"/validacion/registro/candidaturas/{cid}"
    assert "Publicada: aparece en el sitio público." in await (await staff.get(page)).text()

    blank = await staff.submit(page, f"{base}/pausar", {"motivo": ""})
    assert blank.status == 422 and "Escribe el motivo" in await blank.text()
    not_paused = await staff.submit(page, f"{base}/reanudar", {"motivo": "Nada"})
    assert not_paused.status == 422 and "no está en pausa" in await not_paused.text()

    generation = await db.fetchval("SELECT generacion FROM publico.publicacion")
    paused = await staff.submit(page, f"{base}/pausar", {"motivo": "Medida cautelar del Tribunal Electoral"})
    assert paused.status == 303, await paused.text()
    await _until_public(citizen, cid, 404)
    assert await _listed(citizen, candidata.nombre) == 0
    assert await db.fetchval("SELECT generacion FROM publico.publicacion") > generation  # the caches moved on
    text = await (await staff.get(page)).text()
    assert "En pausa" in text and "Medida cautelar del Tribunal Electoral" in text
    event = await _audit(db, cid, "pausar_publicacion")
    assert event["details"]["motivo"] == "Medida cautelar del Tribunal Electoral"

    async def captura_paused() -> bool:
        estado = await db.fetchval(
            "SELECT estado FROM captura.cuestionarios WHERE candidatura_id = $1 AND cuestionario = 'curricular'", cid
        )
        return estado == "pausado"

    await eventually(captura_paused, what="captura's questionnaire in pausado")

    async def reported(estado: str) -> bool:
        return bool(
            await db.fetchval(
                "SELECT count(*) FROM reportes.historial_estados WHERE candidatura_id = $1 AND estado = $2",
                cid,
                estado,
            )
        )

    await eventually(lambda: reported("pausado"), what="the pause in reportes' history")

    # Paused: a second pause, "publicar ahora" and the date's job all leave it off the site.
    twice = await staff.submit(page, f"{base}/pausar", {"motivo": "Otra"})
    assert twice.status == 422 and "ya está en pausa" in await twice.text()
    now = await staff.submit(page, f"{base}/publicar", {"motivo": "Intento"})
    assert now.status == 422 and "está en pausa" in await now.text()
    await db.execute("UPDATE validacion.revisiones SET publicacion_solicitada_at = NULL WHERE id = $1", review_id)
    sent_before = await publish_requests(db, cid)
    await publish_due({"db_pool": db})
    assert await publish_requests(db, cid) == sent_before

    resumed = await staff.submit(page, f"{base}/reanudar", {"motivo": "El Tribunal revocó la medida"})
    assert resumed.status == 303, await resumed.text()
    await _until_public(citizen, cid, 200)
    assert await _listed(citizen, candidata.nombre) == 1
    pausa = await db.fetchrow(
        "SELECT motivo, motivo_reanudacion, reanudada_at FROM validacion.pausas WHERE candidatura_id = $1", cid
    )
    assert pausa["motivo_reanudacion"] == "El Tribunal revocó la medida" and pausa["reanudada_at"] is not None
    event = await _audit(db, cid, "reanudar_publicacion")
    assert event["details"]["motivo"] == "El Tribunal revocó la medida"

    async def captura_published() -> bool:
        estado = await db.fetchval(
            "SELECT estado FROM captura.cuestionarios WHERE candidatura_id = $1 AND cuestionario = 'curricular'", cid
        )
        return estado == "publicado"

    await eventually(captura_published, what="captura's questionnaire back in publicado")
    history = await db.fetch(
        "SELECT estado FROM reportes.historial_estados WHERE candidatura_id = $1 ORDER BY at, id", cid
    )
    assert [r["estado"] for r in history][-2:] == ["pausado", "publicado"]


async def test_a_consent_revoked_during_the_pause_stays_revoked_after_resuming(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    candidata, _review = await _approved(db, make_client)
    cid = candidata.candidatura_id
    client = make_client()
    await client.login(candidata.username)
    for dimension, data in RESPUESTAS.items():
        await _save(client, cid, dimension, data)
    await _consentir(client, cid, 1, 2)
    overview = f"/captura/candidaturas/{cid}/identidad"
    assert (await client.submit(overview, f"{overview}/enviar", {})).status == 303
    validador = make_client()
    await validador.login("demo-validador")
    await approve_review(validador, db, cid, "identidad")
    citizen = make_client()

    async def profile() -> str:
        response = await citizen.get(f"/candidaturas/{cid}")
        return await response.text() if response.status == 200 else ""

    async def shows_identity() -> bool:
        return "Persona indígena" in await profile()

    await eventually(shows_identity, what="the identity groups on the profile")
    staff = await _coordinacion(make_client, db)
    base = f"/validacion/registro/candidaturas/{cid}"
    paused = await staff.submit(f"{base}/publicacion", f"{base}/pausar", {"motivo": "Queja"})
    assert paused.status == 303, await paused.text()
    await _until_public(citizen, cid, 404)
    await _consentir(client, cid, 1)  # consent 2 revoked while off the site

    resumed = await staff.submit(f"{base}/publicacion", f"{base}/reanudar", {"motivo": "Queja desechada"})
    assert resumed.status == 303, await resumed.text()

    async def settled() -> bool:
        # Every job about the candidacy ran (the publications and the consents sent again).
        pending = await db.fetchval(
            "SELECT count(*) FROM outbox.jobs WHERE done_at IS NULL AND (args ->> 'candidatura_id')::int = $1", cid
        )
        return pending == 0 and bool(await profile())

    await eventually(settled, what="the resumed profile with every job done")
    text = await profile()
    assert "Agua potable en cada colonia." in text  # the curricular is back
    assert "Persona indígena" not in text  # the identity approved with consent 2 is not shown without it


async def test_only_a_published_registered_candidacy_can_be_paused(make_client: type[Client], db: asyncpg.Pool) -> None:
    staff = await _coordinacion(make_client, db)
    candidata = await factories.candidata(db)
    base = f"/validacion/registro/candidaturas/{candidata.candidatura_id}"
    refused = await staff.submit(f"{base}/publicacion", f"{base}/pausar", {"motivo": "Queja"})
    assert refused.status == 422 and "aún no se ha publicado" in await refused.text()
    for missing in ("2147483647", "2147483648"):
        assert (await staff.get(f"/validacion/registro/candidaturas/{missing}/publicacion")).status == 404


async def test_pause_and_resume_in_chromium(
    browser: Browser, base_url: str, db: asyncpg.Pool, make_client: type[Client], tmp_path: Path
) -> None:
    folder = DOCS_IMG if os.environ.get("CONOCELES_MANUAL_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    candidata, _review = await _approved(db, make_client)
    cid = candidata.candidatura_id
    citizen = make_client()
    await _until_public(citizen, cid, 200)
    context = await browser.new_context(locale="es-MX", viewport={"width": 1000, "height": 700})
    page = await context.new_page()
    try:
        await login(page, base_url, await factories.cuenta(db, "coordinacion"))
        # The settings screen refuses a publication date without its acuerdo, and says so (nothing is saved).
        await page.goto(f"{base_url}{PROCESO}")
        await page.get_by_label("Número o clave del acuerdo").fill("")
        await page.get_by_role("button", name="Guardar").click()
        await expect(page.get_by_role("alert")).to_contain_text("escribe el número del acuerdo del Consejo General")
        assert await axe_violations(page) == []
        await page.screenshot(path=str(folder / "coordinacion-acuerdo.png"))
        await page.goto(f"{base_url}/validacion/registro/candidaturas/{cid}")
        await page.get_by_role("link", name="Publicación: publicar ahora, pausar o reanudar").click()
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Publicación de")
        assert await axe_violations(page) == []
        await page.screenshot(path=str(folder / "coordinacion-publicacion.png"))

        await page.get_by_role("button", name="Pausar la publicación").click()  # empty: the browser refuses it
        await page.get_by_label("Motivo de la pausa (obligatorio)").fill("Queja en trámite ante el Consejo General")
        await page.get_by_role("button", name="Pausar la publicación").click()
        await expect(page.get_by_role("status")).to_have_text(AVISOS["pausada"])
        assert await axe_violations(page) == []
        await page.screenshot(path=str(folder / "coordinacion-pausada.png"))
        await _until_public(citizen, cid, 404)

        # A refusal re-renders the form with its message, also accessible.
        await page.get_by_label("Motivo de la reanudación (obligatorio)").fill(" ")
        await page.get_by_role("button", name="Reanudar la publicación").click()
        await expect(page.get_by_role("alert")).to_contain_text("Escribe el motivo")
        assert await axe_violations(page) == []

        await page.get_by_label("Motivo de la reanudación (obligatorio)").fill("Se desechó la queja")
        await page.get_by_role("button", name="Reanudar la publicación").click()
        await expect(page.get_by_role("status")).to_have_text(AVISOS["reanudada"])
        await _until_public(citizen, cid, 200)
        pausas = page.get_by_role("table", name="Pausas de esta candidatura")
        await expect(pausas).to_contain_text("Se desechó la queja")
        await page.screenshot(path=str(folder / "coordinacion-reanudada.png"))
    finally:
        await context.close()
