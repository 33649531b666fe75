"""The deadlines dashboard, its reminders and the omisos, through the gateway against the registry rows each test
creates (a postulante of its own, so other tests' candidacies never enter the numbers)."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import openpyxl
from playwright.async_api import Browser, expect

from launcher.system import System

from . import factories
from .browser import axe_violations, login
from .helpers import Client, approve_review, eventually, fill_curricular
from .test_avisos import _body, _mail, _mail_to
from .test_identidad import submitted_for_review
from .test_plazo_captura import cerrada
from .test_validacion_partido import paso_del_partido

PLAZOS = "/validacion/plazos"
OMISOS = "/validacion/plazos/omisos"
ATRASO = "Conóceles: la captura cerró y falta tu envío"
MANUAL_IMG = Path(__file__).resolve().parents[1] / "docs" / "img" / "manual-personal"
ATRASO_PARTIDO = "Conóceles: un cuestionario espera la revisión de tu partido"


async def _postulante(db: asyncpg.Pool) -> tuple[int, str]:
    postulante_id, siglas = await factories.postulante(db, "partido")
    return postulante_id, siglas


async def _submit(make_client: type[Client], person: factories.Candidata) -> None:
    client = make_client()
    await client.login(person.username)
    await fill_curricular(client, person.candidatura_id)
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    response = await client.submit(overview, f"{overview}/enviar", {})
    assert response.status == 303, await response.text()


async def _aged(db: asyncpg.Pool, candidatura_id: int, days: int) -> None:
    """The curricular questionnaire's last change of state ``days`` ago (the days it has waited)."""
    await db.execute(
        "UPDATE captura.cuestionarios SET updated_at = now() - make_interval(days => $2) "
        "WHERE candidatura_id = $1 AND cuestionario = 'curricular'",
        candidatura_id,
        days,
    )


def _cell(html: str, cell_id: str) -> int:
    match = re.search(rf'id="{cell_id}">(\d+)<', html)
    assert match, cell_id
    return int(match.group(1))


def _counts(html: str) -> dict[str, tuple[int, int]]:
    return {
        g: (_cell(html, f"total-{g}"), _cell(html, f"atrasados-{g}")) for g in ("candidatura", "partido", "instituto")
    }


def _rows(html: str) -> set[tuple[str, str]]:
    return set(re.findall(r'<tr id="c(\d+)-(\w+)"', html))


async def _coordinacion(make_client: type[Client]) -> Client:
    client = make_client()
    await client.login("demo-coordinacion")
    return client


async def test_the_dashboard_counts_what_waits_on_whom_as_the_registry_says(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    postulante_id, siglas = await _postulante(db)
    await factories.candidata(db, siglas=siglas)  # both questionnaires pending
    reciente = await factories.candidata(db, siglas=siglas)
    viejo = await factories.candidata(db, siglas=siglas)
    cancelada = await factories.candidata(db, siglas=siglas)
    await db.execute("UPDATE registro.candidaturas SET estatus = 'cancelada' WHERE id = $1", cancelada.candidatura_id)
    await _submit(make_client, reciente)
    await _submit(make_client, viejo)
    await _aged(db, viejo.candidatura_id, 6)  # the institute may take 5 days by default
    async with paso_del_partido(db):
        partido = await factories.candidata(db, siglas=siglas)
        await _submit(make_client, partido)
    await _aged(db, partido.candidatura_id, 4)  # the party may take 3

    coordinacion = await _coordinacion(make_client)
    response = await coordinacion.get(f"{PLAZOS}?postulante={postulante_id}")
    html = await response.text()
    assert response.status == 200, html
    # Pending: both questionnaires of «nada», the identity questionnaire of the other three.
    assert _counts(html) == {"candidatura": (5, 0), "partido": (1, 1), "instituto": (2, 1)}
    assert f"c{cancelada.candidatura_id}-" not in html
    assert "hace 6 días" in html and "hace 4 días" in html

    late = await coordinacion.get(f"{PLAZOS}?postulante={postulante_id}&grupo=instituto&atrasados=1")
    assert _rows(await late.text()) == {(str(viejo.candidatura_id), "curricular")}
    estado = await coordinacion.get(f"{PLAZOS}?postulante={postulante_id}&estado=revision_partido")
    assert _rows(await estado.text()) == {(str(partido.candidatura_id), "curricular")}

    async with cerrada(db):
        closed = await coordinacion.get(f"{PLAZOS}?postulante={postulante_id}")
        assert _counts(await closed.text())["candidatura"] == (5, 5)

    for lote in ("²", "9" * 30, "-1"):  # a made-up lote is ignored, never an error page
        assert (await coordinacion.get(f"{PLAZOS}?lote={lote}")).status == 200, lote
    bad = await coordinacion.get(f"{PLAZOS}?postulante=abc&estado=validado")
    text = await bad.text()
    assert bad.status == 422 and "Elige un postulante de la lista." in text and 'id="total-partido"' in text


async def test_a_pending_correction_request_waits_on_the_institute(make_client: type[Client], db: asyncpg.Pool) -> None:
    postulante_id, siglas = await _postulante(db)
    person = await factories.candidata(db, siglas=siglas)
    candidata, validador = make_client(), make_client()
    await candidata.login(person.username)
    await validador.login("demo-validador")
    await fill_curricular(candidata, person.candidatura_id)
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
    await approve_review(validador, db, person.candidatura_id)
    await eventually(
        lambda: db.fetchval(
            "SELECT estado = 'publicado' FROM captura.cuestionarios WHERE candidatura_id = $1 "
            "AND cuestionario = 'curricular'",
            person.candidatura_id,
        ),
        what="the publication",
    )
    coordinacion = await _coordinacion(make_client)
    dashboard = f"{PLAZOS}?postulante={postulante_id}&grupo=instituto"
    assert _rows(await (await coordinacion.get(dashboard)).text()) == set()  # published: waits on nobody
    page = f"{overview}/correccion"
    asked = await candidata.submit(page, page, {"rubro": "propuestas", "motivo": "Cambió mi propuesta 1."})
    assert asked.status == 303, await asked.text()
    html = await (await coordinacion.get(dashboard)).text()
    assert _rows(html) == {(str(person.candidatura_id), "curricular")}
    assert "Corrección solicitada" in html
    assert _counts(html)["instituto"] == (1, 0)


async def test_an_administrator_reads_the_dashboard_but_sends_nothing(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    admin = make_client()
    await admin.login("demo-admin")
    page = await admin.get(PLAZOS)
    html = await page.text()
    assert page.status == 200 and "Enviar recordatorio" not in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token
    refused = await admin.post(f"{PLAZOS}/recordatorios", data={"csrf_token": token.group(1), "grupo": "candidatura"})
    assert refused.status == 403
    for persona in ("demo-validador", "demo-transparencia", "demo-candidata"):
        other = make_client()
        await other.login(persona)
        assert (await other.get(PLAZOS)).status == 403, persona


async def _with_email(db: asyncpg.Pool, username: str) -> str:
    email = f"{username}@correo.invalid"
    await db.execute("UPDATE auth.users SET email = $2 WHERE username = $1", username, email)
    return email


async def _notices(db: asyncpg.Pool, clave: str) -> int:
    return int(await db.fetchval("SELECT count(*) FROM auth.avisos WHERE clave = $1", clave))


async def test_reminders_mail_the_late_once_a_day_and_say_how_many(
    make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    postulante_id, siglas = await _postulante(db)
    representante = await factories.cuenta(db, "representante", postulante_id=postulante_id)
    representante_email = f"{representante}@correo.invalid"
    atrasada = await factories.candidata(db, siglas=siglas)
    email = await _with_email(db, atrasada.username)
    async with paso_del_partido(db):
        en_partido = await factories.candidata(db, siglas=siglas)
        en_partido_email = await _with_email(db, en_partido.username)
        await _submit(make_client, en_partido)
    await _aged(db, en_partido.candidatura_id, 10)
    coordinacion = await _coordinacion(make_client)
    async with cerrada(db):
        page = await coordinacion.get(f"{PLAZOS}?postulante={postulante_id}")
        html = await page.text()
        # «atrasada» (both questionnaires) and «en_partido» (its identity questionnaire) are late.
        assert "Enviar recordatorio a las 2 candidaturas atrasadas" in html
        sent = await coordinacion.submit(
            f"{PLAZOS}?postulante={postulante_id}",
            f"{PLAZOS}/recordatorios",
            {"grupo": "candidatura", "postulante": str(postulante_id)},
        )
        assert sent.status == 303
        location = sent.headers["Location"]
        assert location.startswith(f"{PLAZOS}?postulante={postulante_id}&lote=")
        after = await coordinacion.get(location)
        assert "Se enviaron 2 recordatorios (esperan a la candidatura)." in await after.text()

        body = _body(await _mail(system, email, ATRASO))
        assert f"/captura/candidaturas/{atrasada.candidatura_id}/curricular#contenido" in body
        assert f"/captura/candidaturas/{atrasada.candidatura_id}/identidad#contenido" in body
        assert "prórroga" in body
        await _mail(system, en_partido_email, ATRASO)

        # A second press the same day (a double click, a retry) mails nobody again.
        again = await coordinacion.submit(
            PLAZOS, f"{PLAZOS}/recordatorios", {"grupo": "candidatura", "postulante": str(postulante_id)}
        )
        repeated = await coordinacion.get(again.headers["Location"])
        assert "No se envió ningún recordatorio nuevo" in await repeated.text()
        page = await coordinacion.get(f"{PLAZOS}?postulante={postulante_id}")
        assert "recordatorio enviado hoy" in await page.text()

        party = await coordinacion.submit(
            PLAZOS, f"{PLAZOS}/recordatorios", {"grupo": "partido", "postulante": str(postulante_id)}
        )
        done = await coordinacion.get(party.headers["Location"])
        assert "Se envió 1 recordatorio (esperan al partido)." in await done.text()
        party_body = _body(await _mail(system, representante_email, ATRASO_PARTIDO))
        assert f"/captura/candidaturas/{en_partido.candidatura_id}/curricular#contenido" in party_body
    # The party's reminder is the party's: the candidate is not mailed it.
    assert not [m for m in _mail_to(system, en_partido_email) if m["Subject"] == ATRASO_PARTIDO]
    claves = await db.fetch(
        "SELECT clave FROM auth.avisos WHERE candidatura_id = $1 AND tipo = 'atraso'", atrasada.candidatura_id
    )
    assert len(claves) == 1 and await _notices(db, claves[0]["clave"]) == 1
    assert len([m for m in _mail_to(system, email) if m["Subject"] == ATRASO]) == 1
    audited = await db.fetchval(
        "SELECT count(*) FROM audit.eventos WHERE action = 'recordatorio_atraso' AND entity = 'candidatura' "
        "AND entity_id = $1 AND actor_username = 'demo-coordinacion'",
        str(atrasada.candidatura_id),
    )
    assert audited == 1

    bad = await coordinacion.submit(PLAZOS, f"{PLAZOS}/recordatorios", {"grupo": "instituto"})
    assert bad.status == 422 and "Elige a quién enviar el recordatorio" in await bad.text()


@asynccontextmanager
async def _closed_after_submit(db: asyncpg.Pool, candidatura_id: int) -> AsyncIterator[None]:
    """The capture closed just after this candidacy's submission (it was in time; now the window is shut)."""
    original = await db.fetchrow("SELECT id, captura_inicio, captura_fin FROM registro.procesos WHERE activo")
    await db.execute(
        "UPDATE registro.procesos SET captura_inicio = now() - interval '30 days', "
        "captura_fin = (SELECT max(enviado_at) FROM captura.envios WHERE candidatura_id = $2) "
        "+ interval '1 millisecond' WHERE id = $1",
        original["id"],
        candidatura_id,
    )
    try:
        yield
    finally:
        await db.execute(
            "UPDATE registro.procesos SET captura_inicio = $2, captura_fin = $3 WHERE id = $1", *original.values()
        )


async def test_omisos_are_the_registered_with_nothing_submitted_at_the_close(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    postulante_id, siglas = await _postulante(db)
    omisa = await factories.candidata(db, siglas=siglas)
    # A name a spreadsheet would run as a formula: exported as plain text.
    await db.execute("UPDATE registro.candidaturas SET nombre = '=1+1' WHERE id = $1", omisa.candidatura_id)
    empezada = await factories.candidata(db, siglas=siglas)
    cumplida = await factories.candidata(db, siglas=siglas)
    cancelada = await factories.candidata(db, siglas=siglas)
    await db.execute("UPDATE registro.candidaturas SET estatus = 'cancelada' WHERE id = $1", cancelada.candidatura_id)
    started = make_client()
    await started.login(empezada.username)
    await fill_curricular(started, empezada.candidatura_id)  # saved, never submitted
    # The identity questionnaire alone does not make a candidacy compliant: it is said, not required.
    solo_identidad = await factories.candidata(db, siglas=siglas)
    identidad = make_client()
    await identidad.login(solo_identidad.username)
    await submitted_for_review(identidad, db, solo_identidad.candidatura_id)
    await _submit(make_client, cumplida)  # the last one in time: the close comes just after it
    coordinacion = await _coordinacion(make_client)
    mine = {
        omisa.candidatura_id,
        empezada.candidatura_id,
        cumplida.candidatura_id,
        cancelada.candidatura_id,
        solo_identidad.candidatura_id,
    }
    expected = {str(omisa.candidatura_id), str(empezada.candidatura_id), str(solo_identidad.candidatura_id)}

    open_page = await coordinacion.get(f"{OMISOS}?postulante={postulante_id}")
    assert "0 candidaturas omisas" in await open_page.text()  # nobody is omiso while the capture is open

    async with _closed_after_submit(db, cumplida.candidatura_id):
        page = await coordinacion.get(f"{OMISOS}?postulante={postulante_id}")
        html = await page.text()
        assert page.status == 200, html
        assert "3 candidaturas omisas" in html and f"{siglas} · " in html

        response = await coordinacion.get(f"{OMISOS}.csv?postulante={postulante_id}")
        assert response.status == 200
        disposition = response.headers["Content-Disposition"]
        corte = re.search(r'filename="omisos-(\d{4}-\d{2}-\d{2})\.csv"', disposition)
        assert corte, disposition
        rows = list(csv.DictReader(io.StringIO((await response.read()).decode("utf-8-sig"))))
        assert {r["candidatura"] for r in rows} == expected
        by_id = {r["candidatura"]: r for r in rows}
        assert by_id[str(omisa.candidatura_id)]["nombre"] == "'=1+1 Ramírez Núñez"
        assert by_id[str(omisa.candidatura_id)]["estado_curricular"] == "Pendiente"
        assert by_id[str(empezada.candidatura_id)]["estado_curricular"] == "En captura"
        assert {r["postulante"] for r in rows} == {siglas}
        assert {k: r["identidad_enviada"] for k, r in by_id.items()} == {
            str(omisa.candidatura_id): "no",
            str(empezada.candidatura_id): "no",
            str(solo_identidad.candidatura_id): "sí",
        }

        xlsx = await coordinacion.get(f"{OMISOS}.xlsx?postulante={postulante_id}")
        assert f'filename="omisos-{corte.group(1)}.xlsx"' in xlsx.headers["Content-Disposition"]
        sheet = openpyxl.load_workbook(io.BytesIO(await xlsx.read()), read_only=True)["omisos"]
        header, *cells = list(sheet.iter_rows(values_only=True))
        ids = {str(row[header.index("candidatura")]) for row in cells}
        assert ids == expected
        names = [
            row[header.index("nombre")]
            for row in cells
            if str(row[header.index("candidatura")]) == str(omisa.candidatura_id)
        ]
        assert names == ["'=1+1 Ramírez Núñez"]

        # Without the filter, the whole process: ours are there, grouped under our postulante.
        everyone = await coordinacion.get(f"{OMISOS}.csv")
        all_rows = list(csv.DictReader(io.StringIO((await everyone.read()).decode("utf-8-sig"))))
        assert {r["candidatura"] for r in all_rows if int(r["candidatura"]) in mine} == expected

    bad = await coordinacion.get(f"{OMISOS}.csv?postulante=x")
    assert bad.status == 422


async def test_the_staff_menu_shows_counts_of_what_waits(make_client: type[Client], db: asyncpg.Pool) -> None:
    person = await factories.candidata(db)
    await _submit(make_client, person)  # one review waits in the queue
    validador = make_client()
    await validador.login("demo-validador")

    async def queue_count() -> str | None:
        html = await (await validador.get("/validacion/")).text()
        match = re.search(
            r'>Cola de revisión <span class="cuenta">(\d+)<span class="visualmente-oculto"> en espera', html
        )
        return match.group(1) if match else None

    assert int(await eventually(queue_count, within=30, what="the queue's count in the menu")) >= 1
    coordinacion = await _coordinacion(make_client)
    async with cerrada(db):
        # captura's own count on its page; validacion's, published by validacion, on the same page.
        async def plazos_page() -> str | None:
            html = await (await coordinacion.get(PLAZOS)).text()
            late = re.search(r'>Plazos y atrasos <span class="cuenta">(\d+)<', html)
            queue = re.search(r'>Cola de revisión <span class="cuenta">(\d+)<', html)
            return html if late and queue else None

        await eventually(plazos_page, within=30, what="both services' counts in captura's menu")
    candidata = make_client()
    await candidata.login(person.username)
    assert 'class="cuenta"' not in await (await candidata.get("/captura/")).text()


async def test_the_days_of_waiting_are_a_process_setting(make_client: type[Client], db: asyncpg.Pool) -> None:
    postulante_id, siglas = await _postulante(db)
    person = await factories.candidata(db, siglas=siglas)
    await _submit(make_client, person)
    await _aged(db, person.candidatura_id, 2)
    coordinacion = await _coordinacion(make_client)
    dashboard = f"{PLAZOS}?postulante={postulante_id}"
    assert _counts(await (await coordinacion.get(dashboard)).text())["instituto"] == (1, 0)
    page = await (await coordinacion.get("/validacion/proceso")).text()
    assert 'name="dias_espera_instituto" value="5"' in page
    original = await db.fetchval("SELECT configuracion FROM registro.procesos WHERE activo")
    form = dict(re.findall(r'name="([a-z_A-Z]+)" value="([^"]*)"', page))
    form.pop("csrf_token", None)
    form.pop("validacion_partido", None)  # a checkbox: its value="1" is sent only when checked
    try:
        wrong = await coordinacion.submit(
            "/validacion/proceso", "/validacion/proceso", {**form, "dias_espera_instituto": "0"}
        )
        assert wrong.status == 422 and "Debe ser al menos 1." in await wrong.text()
        saved = await coordinacion.submit(
            "/validacion/proceso", "/validacion/proceso", {**form, "dias_espera_instituto": "1"}
        )
        assert saved.status == 303, await saved.text()
        assert _counts(await (await coordinacion.get(dashboard)).text())["instituto"] == (1, 1)
    finally:
        await db.execute("UPDATE registro.procesos SET configuracion = $1 WHERE activo", original)


async def test_the_staff_manual_screenshots_of_the_deadlines(
    browser: Browser, base_url: str, make_client: type[Client], db: asyncpg.Pool, tmp_path: Path
) -> None:
    """Walks the dashboard, the reminder and the omisos as the coordinación does, with axe on each step; with
    CONOCELES_MANUAL_SCREENSHOTS=1 the pictures of docs/manual-personal/plazos.md are written."""
    folder = MANUAL_IMG if os.environ.get("CONOCELES_MANUAL_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    postulante_id, siglas = await _postulante(db)
    for _ in range(2):
        await factories.candidata(db, siglas=siglas)
    enviada = await factories.candidata(db, siglas=siglas)
    await _submit(make_client, enviada)
    await _aged(db, enviada.candidatura_id, 7)
    context = await browser.new_context(locale="es-MX", viewport={"width": 1000, "height": 700})
    page = await context.new_page()
    shots: list[Path] = []

    async def shot(name: str, locator: str | None = None) -> None:
        assert await axe_violations(page) == [], name
        path = folder / f"plazos-{len(shots) + 1:02d}-{name}.png"
        if locator:
            await page.locator(locator).screenshot(path=str(path))
        else:  # what the screen shows, from the top: the picture stays small
            await page.screenshot(path=str(path))
        shots.append(path)

    async with _closed_after_submit(db, enviada.candidatura_id):
        await login(page, base_url, "demo-coordinacion")
        await page.wait_for_load_state()
        await page.goto(f"{base_url}{PLAZOS}")
        await page.get_by_label("Postulante").select_option(str(postulante_id))
        await page.get_by_role("button", name="Filtrar").click()
        await expect(page.locator("#atrasados-instituto")).to_have_text("1")
        await shot("tablero")
        await page.evaluate("document.getElementById('lista').scrollIntoView()")
        await shot("lista")
        await page.get_by_role("button", name="Enviar recordatorio a las 3 candidaturas atrasadas").click()
        await expect(page.get_by_role("status")).to_contain_text("Se enviaron 3 recordatorios")
        await shot("recordatorio-enviado")
        await page.get_by_role("link", name="Ver las candidaturas omisas").click()
        await page.get_by_label("Postulante").select_option(str(postulante_id))
        await page.get_by_role("button", name="Filtrar").click()
        await expect(page.get_by_text("2 candidaturas omisas")).to_be_visible()
        await page.get_by_text("2 candidaturas omisas").scroll_into_view_if_needed()
        await page.evaluate("window.scrollBy(0, document.querySelector('main h2').getBoundingClientRect().top - 120)")
        await shot("omisos")
        await page.goto(f"{base_url}/validacion/proceso")
        await shot("ajustes", "fieldset:has(legend:text('Plazos de espera'))")
    await context.close()
    for path in shots:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and 5000 < path.stat().st_size < 150_000, path
