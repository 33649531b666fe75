"""Dates are stored in UTC and shown and read in the process's time zone, which staff set on the settings screen."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from playwright.async_api import Page, expect

from launcher.system import System

from . import factories
from .browser import axe_violations, login
from .helpers import Client, eventually

PAGE = "/validacion/proceso"
INPUT = re.compile(r'<input type="(?:text|number|datetime-local|date)" id="[^"]+" name="([^"]+)" value="([^"]*)"')
# 15:00 in Mexico City (UTC-6 all year since 2022) is 21:00 UTC; in Tijuana, 15 January is standard time (UTC-8).
CIERRE_LOCAL = "2030-01-15T15:00"
CIERRE_UTC = datetime(2030, 1, 15, 21, 0, tzinfo=UTC)
PROCESO_SQL = """
SELECT id, captura_inicio, captura_fin, publicacion_inicio, jornada_electoral, configuracion, zona_horaria
FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1
"""
RESTORE_SQL = """
UPDATE registro.procesos SET captura_inicio = $2, captura_fin = $3, publicacion_inicio = $4, jornada_electoral = $5,
       configuracion = $6, zona_horaria = $7
WHERE id = $1
"""


async def settings_form(client: Client) -> dict[str, str]:
    """What the settings screen shows in its fields, as a browser would post it back."""
    page = await client.get("/validacion/proceso")
    text = await page.text()
    assert page.status == 200, text
    form = dict(INPUT.findall(text))
    if re.search(r'name="validacion_partido" value="1" checked', text):
        form["validacion_partido"] = "1"
    return form


@pytest.fixture
async def proceso_original(db: asyncpg.Pool) -> AsyncIterator[asyncpg.Record]:
    # The demo process is shared by every test of the session: put it back whatever happens.
    original = await db.fetchrow(PROCESO_SQL)
    yield original
    await db.execute(RESTORE_SQL, *original.values())


async def test_the_close_typed_at_15_local_is_stored_in_utc_and_follows_the_zone(
    make_client: type[Client], db: asyncpg.Pool, proceso_original: asyncpg.Record
) -> None:
    coordinacion = make_client()
    await coordinacion.login("demo-coordinacion")
    persona = await factories.candidata(db)
    candidata = make_client()
    await candidata.login(persona.username)
    admin = make_client()
    await admin.login("demo-admin")
    cuenta = await factories.cuenta(db)
    cuenta_id = await db.fetchval(
        "UPDATE auth.users SET created_at = '2024-03-16 03:30+00' WHERE username = $1 RETURNING id", cuenta
    )

    await db.execute(
        "INSERT INTO captura.consentimientos (candidatura_id, tipo, otorgado, at) VALUES ($1, 1, true, $2)",
        persona.candidatura_id,
        datetime(2024, 3, 16, 3, 30, tzinfo=UTC),
    )
    consentimientos = f"/captura/candidaturas/{persona.candidatura_id}/consentimiento"

    form = await settings_form(coordinacion)
    assert form["zona_horaria"] == "America/Mexico_City"
    saved = await coordinacion.submit(PAGE, PAGE, {**form, "captura_fin": CIERRE_LOCAL})
    assert saved.status == 303, await saved.text()
    assert await db.fetchval("SELECT captura_fin FROM registro.procesos WHERE id = $1", proceso_original["id"]) == (
        CIERRE_UTC
    )
    settings = await (await coordinacion.get("/validacion/proceso")).text()
    assert f'value="{CIERRE_LOCAL}"' in settings and "hora del centro (America/Mexico_City)" in settings
    tablero = await (await candidata.get("/captura/")).text()
    assert "La captura cierra el 15/01/2030 a las 15:00 (hora del centro);" in tablero, tablero
    assert "21:00" not in tablero
    # Another service (auth) shows its dates in the same zone: 03:30 UTC on the 16th is the evening of the 15th.
    usuario = await (await admin.get(f"/cuenta/usuarios/{cuenta_id}")).text()
    assert "15/03/2024 21:30" in usuario
    consent = await (await candidata.get(consentimientos)).text()
    assert "Otorgada el 15/03/2024 a las 21:30." in consent and "15/03/2024 21:30:00" in consent

    # Moving the process to Baja California keeps the stored instants and moves what everyone reads.
    form = await settings_form(coordinacion)
    saved = await coordinacion.submit(
        "/validacion/proceso", "/validacion/proceso", {**form, "zona_horaria": "America/Tijuana"}
    )
    assert saved.status == 303, await saved.text()
    stored = await db.fetchrow(PROCESO_SQL)
    assert stored["zona_horaria"] == "America/Tijuana" and stored["captura_fin"] == CIERRE_UTC
    # The form works in minutes, so the demo's seconds are gone, but not one minute moved.
    assert stored["captura_inicio"] == proceso_original["captura_inicio"].replace(second=0, microsecond=0)
    tablero = await (await candidata.get("/captura/")).text()
    assert "La captura cierra el 15/01/2030 a las 13:00 (hora del noroeste);" in tablero, tablero
    settings = await (await coordinacion.get("/validacion/proceso")).text()
    assert 'value="2030-01-15T13:00"' in settings and "America/Tijuana" in settings
    usuario = await (await admin.get(f"/cuenta/usuarios/{cuenta_id}")).text()
    assert "15/03/2024 20:30" in usuario  # Tijuana is on daylight time (UTC-7) in March
    assert "Otorgada el 15/03/2024 a las 20:30." in await (await candidata.get(consentimientos)).text()

    # A time typed now is read in Tijuana's zone.
    form = await settings_form(coordinacion)
    saved = await coordinacion.submit(PAGE, PAGE, {**form, "captura_fin": CIERRE_LOCAL})
    assert saved.status == 303
    assert await db.fetchval("SELECT captura_fin FROM registro.procesos WHERE id = $1", proceso_original["id"]) == (
        datetime(2030, 1, 15, 23, 0, tzinfo=UTC)
    )


# (A NUL in any field is refused with a 400 before the form is read: tests/test_hostil.py.)
@pytest.mark.parametrize("zona", ["Hora de Michoacán", "America/Morelia", "America/Mexico City", "../etc/passwd"])
async def test_an_unknown_zone_is_refused_with_the_form_kept(
    make_client: type[Client], db: asyncpg.Pool, proceso_original: asyncpg.Record, zona: str
) -> None:
    coordinacion = make_client()
    await coordinacion.login("demo-coordinacion")
    form = await settings_form(coordinacion)
    refused = await coordinacion.submit("/validacion/proceso", "/validacion/proceso", {**form, "zona_horaria": zona})
    text = await refused.text()
    assert refused.status == 422, text
    assert "Escribe el nombre de una zona horaria" in text and 'href="#zona_horaria"' in text
    assert await db.fetchval("SELECT zona_horaria FROM registro.procesos WHERE id = $1", proceso_original["id"]) == (
        "America/Mexico_City"
    )


async def test_a_time_the_clock_skips_is_refused(
    make_client: type[Client], db: asyncpg.Pool, proceso_original: asyncpg.Record
) -> None:
    await db.execute("UPDATE registro.procesos SET zona_horaria = 'America/Tijuana' WHERE id = $1", proceso_original[0])
    coordinacion = make_client()
    await coordinacion.login("demo-coordinacion")
    form = await settings_form(coordinacion)
    refused = await coordinacion.submit(
        "/validacion/proceso", "/validacion/proceso", {**form, "captura_fin": "2030-03-10T02:30"}
    )
    assert refused.status == 422
    assert "Esa hora no existe en la zona del proceso" in await refused.text()


async def test_the_zone_field_is_labelled_and_its_error_reachable_in_chromium(
    page: Page, base_url: str, proceso_original: asyncpg.Record
) -> None:
    await login(page, base_url, "demo-coordinacion")
    await page.goto(base_url + PAGE)
    zona = page.get_by_label("Zona horaria del proceso (nombre IANA)")
    await expect(zona).to_have_value("America/Mexico_City")
    await expect(page.get_by_text("En hora del centro (America/Mexico_City).").first).to_be_visible()
    assert await axe_violations(page) == []
    await zona.fill("Hora de Michoacán")
    await page.get_by_role("button", name="Guardar los ajustes").click()
    await expect(page.get_by_role("alert")).to_contain_text("Escribe el nombre de una zona horaria")
    await expect(zona).to_have_value("Hora de Michoacán")
    assert await axe_violations(page) == []


async def test_the_recovery_mail_says_until_when_in_the_process_zone(
    system: System, client: Client, db: asyncpg.Pool, proceso_original: asyncpg.Record
) -> None:
    await db.execute("UPDATE registro.procesos SET zona_horaria = 'America/Tijuana' WHERE id = $1", proceso_original[0])
    username = await factories.cuenta(db)
    address = f"{username}@correo.invalid"
    before = datetime.now(UTC)
    sent = await client.submit("/cuenta/recuperar", "/cuenta/recuperar", {"usuario": username})
    assert sent.status == 303
    after = datetime.now(UTC)

    def mail() -> str | None:
        for path in sorted(system.maildir.glob("*.eml")):
            with path.open("rb") as f:
                message = BytesParser(policy=policy.default).parse(f)
            if isinstance(message, EmailMessage) and message["Delivered-To"] == address:
                body = message.get_body(preferencelist=("plain",))
                return body.get_content() if isinstance(body, EmailMessage) else None
        return None

    async def arrived() -> str | None:
        return mail()

    body = await eventually(arrived, within=30, what="the recovery mail")
    match = re.search(r"hasta el (\d{2}/\d{2}/\d{4}) a las (\d{2}:\d{2}), hora del noroeste", body)
    assert match, body
    tijuana = ZoneInfo("America/Tijuana")
    vence = datetime.strptime(" ".join(match.groups()), "%d/%m/%Y %H:%M").replace(tzinfo=tijuana)
    earliest = (before + timedelta(minutes=30)).astimezone(tijuana).replace(second=0, microsecond=0)
    assert earliest <= vence <= (after + timedelta(minutes=30)).astimezone(tijuana)
