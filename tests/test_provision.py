"""Bulk provisioning of accounts from the registry, through the gateway, the outbox and the auth worker.

The demo data has candidacies without accounts too: every lote also provisions whatever else is pending, so
these tests assert about the rows they made and about the lote's own sheet, never about global counts.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import asyncpg
import pytest
from playwright.async_api import Page, expect

from launcher.system import System
from services.auth import credenciales, provision
from services.auth.passwords import Hasher
from services.auth.provision import candidatura_username, initials, representante_username, slug
from services.common.contracts import Provision

from . import factories
from .browser import axe_violations, login
from .helpers import Client, eventually

LOTES = "/cuenta/lotes"
LOTE_PATH = re.compile(r"/cuenta/lotes/(\d+)")
PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")


async def _start_lote(client: Client) -> int:
    response = await client.submit(LOTES, LOTES, {})
    assert response.status == 303, await response.text()
    match = LOTE_PATH.fullmatch(response.headers["Location"].split("?")[0])
    assert match, response.headers["Location"]
    return int(match.group(1))


async def _finished(db: asyncpg.Pool, lote_id: int) -> asyncpg.Record:
    async def done() -> asyncpg.Record | None:
        row = await db.fetchrow("SELECT * FROM auth.lotes_cuentas WHERE id = $1", lote_id)
        assert row["estado"] != "error", row["error"]
        return row if row["estado"] == "terminado" else None

    return await eventually(done, within=120, what=f"lote {lote_id} terminado")


def _rows(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(credenciales.BOM), "Excel needs the BOM to read the accents"
    reader = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    assert tuple(reader.fieldnames or ()) == credenciales.COLUMNS
    return list(reader)


def test_usernames_are_readable() -> None:
    assert initials("Rosa María", "Tapia", "Ochoa") == "rmto"
    assert initials("Ñeli", "Ávila", "") == "na"
    assert candidatura_username(57, "Lucía", "Hernández", "Zavala") == "c57-lhz"
    assert candidatura_username(58, "", "", "") == "c58"
    assert representante_username(3, "PT-MORENA") == "rep-pt-morena"
    assert representante_username(9, "¿?") == "rep-9"
    assert slug("Candidatura Común Michoacán Primero") == "candidatura-comu"


async def test_coordinacion_provisions_accounts_and_downloads_the_sheet(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    postulante_id, siglas = await factories.postulante(db)
    shared = f"{siglas.lower()}@correo.invalid"
    formula = await factories.formula_sin_cuentas(db, postulante_id, correo=shared)
    other = await factories.formula_sin_cuentas(db, postulante_id, municipio=16102)
    mine = (formula.propietaria, formula.suplente, other.propietaria, other.suplente)
    # An unrelated account already holds the representative's natural username: the job must pick another.
    taken = representante_username(postulante_id, siglas)
    await db.execute(
        "INSERT INTO auth.users (username, password_hash, role, nombre) VALUES ($1, 'x', 'validador', 'Otra')", taken
    )

    coordinacion = make_client()
    await coordinacion.login("demo-coordinacion")
    listing = await coordinacion.get(LOTES)
    assert listing.status == 200, await listing.text()
    assert "Generar cuentas para las candidaturas registradas" in await listing.text()

    lote_id = await _start_lote(coordinacion)
    page = await coordinacion.get(f"{LOTES}/{lote_id}")
    text = await page.text()
    assert page.status == 200, text
    assert "<progress" in text
    lote = await _finished(db, lote_id)
    assert lote["creadas"] >= 5 and lote["procesadas"] == lote["total"] >= lote["creadas"]

    # Every person got exactly one account that must be changed at first login; the postulante a representative.
    accounts = await db.fetch(
        "SELECT candidatura_id, username, email, must_change_password FROM auth.users WHERE candidatura_id = ANY($1)",
        list(mine),
    )
    assert sorted(a["candidatura_id"] for a in accounts) == sorted(mine)
    assert all(a["must_change_password"] for a in accounts)
    by_candidatura = {a["candidatura_id"]: a for a in accounts}
    assert by_candidatura[formula.propietaria]["email"] == shared
    assert by_candidatura[formula.suplente]["email"] is None, "an e-mail already used is not given twice"
    representante = await db.fetchrow(
        "SELECT username, must_change_password FROM auth.users WHERE role = 'representante' AND postulante_id = $1",
        postulante_id,
    )
    assert representante["username"] == f"{taken}-2"
    assert representante["must_change_password"]

    page = await coordinacion.get(f"{LOTES}/{lote_id}")
    text = await page.text()
    assert "actualizar.js" not in text, "a finished lote stops reloading"
    assert f"{lote['procesadas']} de {lote['total']} procesadas" in text
    assert f"{LOTES}/{lote_id}/credenciales.csv" in text and f"{LOTES}/{lote_id}/credenciales.pdf" in text

    sheet = await coordinacion.get(f"{LOTES}/{lote_id}/credenciales.csv")
    assert sheet.status == 200, await sheet.text()
    assert sheet.headers["Cache-Control"] == "no-store"
    assert sheet.headers["Content-Disposition"] == f'attachment; filename="credenciales-lote-{lote_id}.csv"'
    rows = _rows(await sheet.read())
    assert len(rows) == lote["creadas"], "the sheet lists exactly the accounts this lote created"
    passwords = {r["usuario"]: r["contraseña"] for r in rows}
    for account in accounts:
        assert account["username"] in passwords
    assert representante["username"] in passwords
    row = next(r for r in rows if r["usuario"] == by_candidatura[formula.propietaria]["username"])
    assert row["postulante"] == siglas
    assert row["nombre"] == formula.nombres[0]
    assert (row["tipo"], row["cargo"], row["ámbito"]) == ("propietaria", "Presidencia municipal", "Morelia")
    ours = [r["usuario"] for r in rows if r["postulante"] == siglas]
    assert ours[0] == representante["username"], "the representative heads its postulante's rows"

    # The printed passwords are the real ones: each person logs in and is sent to change it.
    for username in (by_candidatura[formula.suplente]["username"], representante["username"]):
        person = make_client()
        response = await person.submit(
            "/cuenta/entrar", "/cuenta/entrar", {"usuario": username, "contrasena": passwords[username]}
        )
        assert response.status == 303, await response.text()
        assert response.headers["Location"] == "/cuenta/contrasena"

    pdf = await coordinacion.get(f"{LOTES}/{lote_id}/credenciales.pdf")
    body = await pdf.read()
    assert pdf.status == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Cache-Control"] == "no-store"
    assert body.startswith(b"%PDF")
    groups = Counter(r["postulante"] for r in rows)
    pages = len(PAGE.findall(body))
    # One page per postulante while its rows fit on one (the demo and these tests have a handful each).
    assert pages == len(groups) if max(groups.values()) <= 10 else pages >= len(groups)

    events = await db.fetch(
        "SELECT action, actor_username, details FROM audit.eventos WHERE entity = 'lote_cuentas' AND entity_id = $1",
        str(lote_id),
    )
    actions = Counter(e["action"] for e in events)
    assert actions == {"crear_lote_cuentas": 1, "provision_cuentas": 1, "descargar_credenciales": 2}
    provisioned = next(e for e in events if e["action"] == "provision_cuentas")
    assert provisioned["actor_username"] == "demo-coordinacion"
    assert set(provisioned["details"]["usuarios"]) == set(passwords)
    assert provisioned["details"]["creadas"] == lote["creadas"]

    # Again: nothing new to create, and the new lote's sheet is empty.
    again = await _start_lote(coordinacion)
    assert again != lote_id
    second = await _finished(db, again)
    assert (second["creadas"], second["total"]) == (0, 0)
    empty = await coordinacion.get(f"{LOTES}/{again}/credenciales.csv")
    assert _rows(await empty.read()) == []
    assert await db.fetchval("SELECT count(*) FROM auth.users WHERE candidatura_id = ANY($1)", list(mine)) == 4
    assert (
        await db.fetchval(
            "SELECT count(*) FROM auth.users WHERE role = 'representante' AND postulante_id = $1", postulante_id
        )
        == 1
    )

    # Once handed over, the sheet is erased; downloads answer 410 from then on.
    erased = await coordinacion.submit(f"{LOTES}/{lote_id}", f"{LOTES}/{lote_id}/eliminar", {})
    assert erased.status == 303, await erased.text()
    assert "se eliminó" in await (await coordinacion.get(f"{LOTES}/{lote_id}")).text()
    for fmt in ("csv", "pdf"):
        gone = await coordinacion.get(f"{LOTES}/{lote_id}/credenciales.{fmt}")
        assert gone.status == 410, await gone.text()
    row = await db.fetchrow("SELECT hoja_csv, hoja_pdf, deleted_at FROM auth.lotes_cuentas WHERE id = $1", lote_id)
    assert (row["hoja_csv"], row["hoja_pdf"]) == (None, None) and row["deleted_at"] is not None
    assert await db.fetchval(
        "SELECT count(*) FROM audit.eventos WHERE action = 'eliminar_credenciales' AND entity_id = $1", str(lote_id)
    )
    missing = await coordinacion.get(f"{LOTES}/999999999/credenciales.csv")
    assert missing.status == 404


async def test_only_admin_and_coordinacion_reach_the_lotes(make_client: type[Client], db: asyncpg.Pool) -> None:
    lote_id = await db.fetchval("SELECT id FROM auth.lotes_cuentas ORDER BY id LIMIT 1") or 1
    paths = (LOTES, f"{LOTES}/{lote_id}", f"{LOTES}/{lote_id}/credenciales.csv", f"{LOTES}/{lote_id}/credenciales.pdf")

    anonymous = make_client()
    for path in paths:
        response = await anonymous.get(path)
        assert response.status == 303, path
        assert response.headers["Location"].startswith("/cuenta/entrar?siguiente=")

    for username, home in (("demo-validador", "/validacion/"), ("demo-candidata", "/captura/")):
        person = make_client()
        await person.login(username)
        for path in paths:
            response = await person.get(path)
            assert response.status == 403, f"{username} {path}"
        token = await person.csrf(home)
        for action in (LOTES, f"{LOTES}/{lote_id}/eliminar"):
            response = await person.post(action, data={"csrf_token": token})
            assert response.status == 403, f"{username} {action}"

    admin = make_client()
    await admin.login("demo-admin")
    assert (await admin.get(LOTES)).status == 200


async def test_a_running_lote_reloads_its_page_and_blocks_a_second_one(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    # A lote row that no job works on, to look at the page mid-way deterministically.
    lote_id = await db.fetchval(
        "INSERT INTO auth.lotes_cuentas (estado, total, procesadas, creadas) VALUES ('en_proceso', 10, 4, 3) "
        "RETURNING id"
    )
    try:
        coordinacion = make_client()
        await coordinacion.login("demo-coordinacion")
        text = await (await coordinacion.get(f"{LOTES}/{lote_id}")).text()
        assert '<script src="/static/actualizar.js" data-segundos="2" defer></script>' in text
        assert 'max="10" value="4"' in text and "4 de 10 procesadas; 3 cuentas creadas" in text
        stopped = await (await coordinacion.get(f"{LOTES}/{lote_id}?auto=0")).text()
        assert "actualizar.js" not in stopped
        response = await coordinacion.submit(LOTES, LOTES, {})
        assert response.status == 303
        assert response.headers["Location"] == f"{LOTES}/{lote_id}?en_curso=1"
        for fmt in ("csv", "pdf"):
            assert (await coordinacion.get(f"{LOTES}/{lote_id}/credenciales.{fmt}")).status == 409
        refused = await coordinacion.submit(f"{LOTES}/{lote_id}", f"{LOTES}/{lote_id}/eliminar", {})
        assert refused.status == 409
    finally:
        await db.execute("DELETE FROM audit.eventos WHERE entity = 'lote_cuentas' AND entity_id = $1", str(lote_id))
        await db.execute("DELETE FROM auth.lotes_cuentas WHERE id = $1", lote_id)


async def test_a_long_lote_continues_in_a_new_job_and_repeats_harmlessly(
    system: System, db: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    postulante_id, siglas = await factories.postulante(db)
    formulas = [await factories.formula_sin_cuentas(db, postulante_id) for _ in range(3)]
    mine = [i for f in formulas for i in (f.propietaria, f.suplente)]
    lote_id = await db.fetchval(
        "INSERT INTO auth.lotes_cuentas (requested_by) SELECT id FROM auth.users WHERE username = 'demo-admin' "
        "RETURNING id"
    )
    # This run (here, not in the worker) does one small batch, then hands the rest to the auth worker.
    monkeypatch.setattr(provision, "BATCH_SIZE", 2)
    monkeypatch.setattr(provision, "SLICE_SECONDS", 0)
    hasher = Hasher()
    ctx = {"db_pool": db, "settings": system.settings(), provision.HASHER_KEY: hasher}
    assert await provision.provision(ctx, Provision(lote_id=lote_id)) == {"continua": 1}
    midway = await db.fetchrow("SELECT estado, procesadas, total FROM auth.lotes_cuentas WHERE id = $1", lote_id)
    assert midway["estado"] in ("en_proceso", "terminado") and midway["total"] >= 7

    lote = await _finished(db, lote_id)
    rows = credenciales.parse_csv(lote["hoja_csv"])
    assert lote["creadas"] == len(rows) >= 7 and lote["procesadas"] == lote["total"]
    assert len({r.usuario for r in rows}) == len(rows)
    created = {
        r["username"] for r in await db.fetch("SELECT username FROM auth.users WHERE candidatura_id = ANY($1)", mine)
    }
    assert len(created) == 6 and created <= {r.usuario for r in rows}
    assert lote["hoja_pdf"].startswith(b"%PDF")

    # A repeated delivery of a finished lote changes nothing.
    assert await provision.provision(ctx, Provision(lote_id=lote_id)) == {}
    after = await db.fetchrow("SELECT creadas, hoja_csv FROM auth.lotes_cuentas WHERE id = $1", lote_id)
    assert (after["creadas"], after["hoja_csv"]) == (lote["creadas"], lote["hoja_csv"])
    assert siglas in {r.postulante for r in rows}
    hasher.close()


@pytest.mark.browser
async def test_lote_pages_in_chromium(page: Page, base_url: str) -> None:
    await login(page, base_url, "demo-coordinacion", path=f"?siguiente={LOTES}")
    await expect(page.get_by_role("heading", name="Cuentas en bloque")).to_be_visible()
    assert await axe_violations(page) == []
    await page.get_by_role("button", name="Generar cuentas para las candidaturas registradas").click()
    # No reload from the test: the page's own refresh brings the end.
    await expect(page.get_by_text("Terminado", exact=True)).to_be_visible(timeout=60_000)
    await expect(page.get_by_role("link", name="Descargar la hoja en PDF", exact=False)).to_be_visible()
    assert await axe_violations(page) == []
