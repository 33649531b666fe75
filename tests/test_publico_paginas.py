"""Page 1 (home) and page 9 (/privacidad, /ayuda) through the gateway: what the process is, its dates and the
acuerdo the coordinación records, counts and entry by cargo, the avisos de privacidad and the citizen's help."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import asyncpg

from services.common import contracts

from . import factories
from .helpers import Client, eventually

PROCESO = "/validacion/proceso"
FIELD = re.compile(r'name="([a-z_A-Z]+)" value="([^"]*)"')


async def _settings_form(client: Client) -> dict[str, str]:
    page = await (await client.get(PROCESO)).text()
    form = dict(FIELD.findall(page))
    form.pop("csrf_token", None)
    form.pop("validacion_partido", None)  # a checkbox: its value="1" is sent only when checked
    return form


async def test_home_shows_the_process_its_dates_and_the_acuerdo_set_by_the_coordinacion(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    citizen = make_client()
    staff = make_client()
    await staff.login("demo-coordinacion")
    original = await db.fetchrow(
        "SELECT id, acuerdo_publicacion_numero, acuerdo_publicacion_fecha FROM registro.procesos WHERE activo "
        "ORDER BY id DESC LIMIT 1"
    )
    nombre = await db.fetchval("SELECT nombre FROM registro.procesos WHERE id = $1", original["id"])
    home = await (await citizen.get("/")).text()
    assert nombre in home and "El proceso electoral" in home
    assert 'href="/ayuda"' in home and 'href="/privacidad"' in home
    numero = f"IEM-CG-{uuid.uuid4().hex[:6].upper()}/2027"
    form = await _settings_form(staff)
    try:
        # A date alone cites nothing: refused, with the input kept.
        refused = await staff.submit(
            PROCESO, PROCESO, {**form, "acuerdo_publicacion_numero": "", "acuerdo_publicacion_fecha": "2027-02-15"}
        )
        text = await refused.text()
        assert refused.status == 422 and "Escribe también el número del acuerdo" in text
        assert 'value="2027-02-15"' in text
        too_long = await staff.submit(PROCESO, PROCESO, {**form, "acuerdo_publicacion_numero": "X" * 121})
        assert too_long.status == 422 and "como máximo 120 caracteres" in await too_long.text()

        saved = await staff.submit(
            PROCESO,
            PROCESO,
            {**form, "acuerdo_publicacion_numero": f"  {numero} ", "acuerdo_publicacion_fecha": "2027-02-15"},
        )
        assert saved.status == 303, await saved.text()
        assert f'value="{numero}"' in await (await staff.get(PROCESO)).text()

        # Not a publication, yet visible on the next request: the home page is keyed by the process row too.
        async def cited() -> str | None:
            text = await (await citizen.get("/")).text()
            return text if numero in text else None

        home = await eventually(cited, what="the acuerdo on the home page")
        assert "Acuerdo que ordenó la publicación" in home and "15/02/2027" in home
    finally:
        await db.execute(
            "UPDATE registro.procesos SET acuerdo_publicacion_numero = $2, acuerdo_publicacion_fecha = $3 "
            "WHERE id = $1",
            *original.values(),
        )
    assert numero not in await (await citizen.get("/")).text()


async def test_home_counts_each_cargo_and_links_to_its_list(client: Client, db: asyncpg.Pool) -> None:
    candidata = await factories.candidata(db, cargo="PRES_MUN")
    now = datetime.now(UTC)
    async with db.acquire() as conn, conn.transaction():
        await contracts.send(
            conn,
            contracts.Publish(
                candidatura_id=candidata.candidatura_id,
                cuestionario="curricular",
                numero=1,
                version=contracts.Version(respuestas={"propuestas": {"propuesta_1": "Agua"}}),
                declarado_at=now,
                revisado_at=now,
            ),
        )
    nombre = await db.fetchval("SELECT nombre FROM registro.cargos WHERE clave = 'PRES_MUN'")

    async def counted() -> str | None:
        # Other tests publish too: the page must agree with the table at the moment it is read.
        text = await (await client.get("/")).text()
        total = await db.fetchval(
            "SELECT count(*) FROM publico.candidaturas WHERE cargo = 'PRES_MUN' AND curricular IS NOT NULL"
        )
        published = await db.fetchval("SELECT 1 FROM publico.candidaturas WHERE id = $1", candidata.candidatura_id)
        return text if published and f">{nombre}</a>: {total}<" in text else None

    home = await eventually(counted, what="the count per cargo")
    assert 'href="/candidaturas?cargo=PRES_MUN"' in home
    # The count's link lists that cargo; narrowed to her name, since other published candidacies fill its pages.
    listed = await client.get("/candidaturas", params={"cargo": "PRES_MUN", "q": candidata.nombre})
    assert listed.status == 200 and f"/candidaturas/{candidata.candidatura_id}" in await listed.text()


async def test_privacidad_shows_both_avisos_naming_the_institute_marked_as_default(client: Client) -> None:
    response = await client.get("/privacidad")
    text = await response.text()
    assert response.status == 200 and response.headers["ETag"]
    assert "Aviso de privacidad simplificado" in text and "Aviso de privacidad integral" in text
    assert "{instituto}" not in text
    assert text.count("Texto predeterminado del sistema") == 2
    assert "Instituto Electoral de Michoacán es responsable" in text  # the default deployment's name
    assert "Versión 1" in text
    again = await client.get("/privacidad", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status == 304


async def test_a_new_aviso_version_is_shown_at_once(client: Client, db: asyncpg.Pool) -> None:
    version = await db.fetchval("SELECT max(version) + 1 FROM publico.avisos_privacidad WHERE tipo = 'simplificado'")
    texto = f"Aviso oficial {uuid.uuid4().hex[:8]} de {{instituto}}."
    row = await db.fetchval(
        "INSERT INTO publico.avisos_privacidad (tipo, version, texto) VALUES ('simplificado', $1, $2) RETURNING id",
        version,
        texto,
    )
    try:
        text = await (await client.get("/privacidad")).text()
        assert texto.replace("{instituto}", "Instituto Electoral de Michoacán") in text
        assert f"Versión {version}" in text and text.count("Texto predeterminado del sistema") == 1
    finally:
        await db.execute("DELETE FROM publico.avisos_privacidad WHERE id = $1", row)


async def test_ayuda_answers_the_citizens_questions(client: Client) -> None:
    response = await client.get("/ayuda")
    text = await response.text()
    assert response.status == 200
    for pregunta in (
        "¿Qué es este sitio?",
        "¿Quién da la información?",
        "¿Cómo leer un perfil?",
        "¿Por qué las candidaturas aparecen en este orden?",
        "¿Cómo descargar y citar los datos?",
    ):
        assert pregunta in text
    assert "La candidatura no proporcionó información" in text and "Instituto Electoral de Michoacán" in text
    assert 'href="/ayuda"' in await (await client.get("/candidaturas")).text()  # in the public menu


async def test_a_renamed_process_shows_in_the_public_footer_within_a_second(client: Client, db: asyncpg.Pool) -> None:
    """publico keeps the process row of its pages up to a second (services/common/zona.py): a rename shows on
    an uncached public page within that bound, and the home page (keyed by the row) shows it on the next request.
    """
    proceso_id, nombre = await db.fetchrow(
        "SELECT id, nombre FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1"
    )
    await client.get("/candidaturas/999999999")  # the row is now kept by one publico process at least
    nuevo = f"Proceso renombrado {uuid.uuid4().hex[:8]}"
    await db.execute("UPDATE registro.procesos SET nombre = $2 WHERE id = $1", proceso_id, nuevo)
    try:
        home = await (await client.get("/")).text()
        assert nuevo in home
        started = datetime.now(UTC)

        async def renamed() -> str | None:
            missing = await client.get("/candidaturas/999999999")  # a 404: never cached
            text = await missing.text()
            return text if missing.status == 404 and nuevo in text else None

        await eventually(renamed, within=5, what="the new name on an uncached public page")
        assert (datetime.now(UTC) - started).total_seconds() < 3
    finally:
        await db.execute("UPDATE registro.procesos SET nombre = $2 WHERE id = $1", proceso_id, nombre)


async def test_a_new_time_zone_shows_on_the_home_page_on_the_next_request(client: Client, db: asyncpg.Pool) -> None:
    """The home page is keyed by the process row, its zone included, and renders in that row's zone: a zone
    changed on the settings screen gives its dates in the new zone at once, not after the next publication."""
    proceso_id, zona, captura_fin = await db.fetchrow(
        "SELECT id, zona_horaria, captura_fin FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1"
    )
    assert captura_fin is not None
    antes = captura_fin.astimezone(ZoneInfo(zona))
    # A zone that puts the close of capture on another day than the current zone does.
    nueva = "Pacific/Kiritimati" if antes.hour >= 4 else "Pacific/Pago_Pago"
    despues = captura_fin.astimezone(ZoneInfo(nueva))
    assert antes.date() != despues.date()
    assert antes.strftime("%d/%m/%Y") in await (await client.get("/")).text()  # the page with the old zone cached
    await db.execute("UPDATE registro.procesos SET zona_horaria = $2 WHERE id = $1", proceso_id, nueva)
    try:
        home = await (await client.get("/")).text()
        assert despues.strftime("%d/%m/%Y") in home and antes.strftime("%d/%m/%Y") not in home
    finally:
        await db.execute("UPDATE registro.procesos SET zona_horaria = $2 WHERE id = $1", proceso_id, zona)
