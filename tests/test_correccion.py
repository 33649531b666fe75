"""Correction after publication: per rubro, approved by the institute, limited to the configured rounds."""

from __future__ import annotations

import asyncpg

from . import factories
from .helpers import CURRICULAR_COMPLETO, Client, approve_review, eventually, fill_curricular
from .uploads import encode, halves, upload


async def _publish(candidata: Client, validador: Client, db: asyncpg.Pool, candidatura_id: int) -> None:
    overview = f"/captura/candidaturas/{candidatura_id}/curricular"
    assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
    await approve_review(validador, db, candidatura_id)
    await eventually(
        lambda: db.fetchval(
            "SELECT estado = 'publicado' FROM captura.cuestionarios WHERE candidatura_id = $1", candidatura_id
        ),
        what="the publication",
    )


async def test_correction_round_trip(make_client: type[Client], db: asyncpg.Pool) -> None:
    person = await factories.candidata(db)
    candidata, validador, citizen = make_client(), make_client(), make_client()
    await candidata.login(person.username)
    await validador.login("demo-validador")
    await fill_curricular(candidata, person.candidatura_id)
    await _publish(candidata, validador, db, person.candidatura_id)

    page = f"/captura/candidaturas/{person.candidatura_id}/curricular/correccion"
    bad = await candidata.submit(page, page, {"motivo": "corto"})
    assert bad.status == 422
    text = await bad.text()
    assert "Marca el o los rubros" in text and "Explica en 10 a 1,000 caracteres" in text
    token = await candidata.csrf(page)
    sent = await candidata.post(
        page, data={"csrf_token": token, "rubro": "propuestas", "motivo": "Cambió mi propuesta 1."}
    )
    assert sent.status == 303, await sent.text()
    again = await candidata.post(
        page, data={"csrf_token": token, "rubro": "propuestas", "motivo": "Otra vez lo mismo."}
    )
    assert again.status == 409  # one open request at a time
    assert "Ya tienes una solicitud de corrección en espera" in await again.text()

    async def listed() -> str | None:
        text = await (await validador.get("/validacion/correcciones")).text()
        return text if "Cambió mi propuesta 1." in text else None

    await eventually(listed, what="the request in the staff list")
    # Other tests leave requests of their own in the list: decide this candidacy's one.
    solicitud = await db.fetchval(
        "SELECT id FROM validacion.solicitudes_correccion WHERE candidatura_id = $1 AND estado = 'pendiente'",
        person.candidatura_id,
    )
    decided = await validador.submit("/validacion/correcciones", f"/validacion/correcciones/{solicitud}/aprobar", {})
    assert decided.status == 303
    # The success message names the person, never the request's internal id.
    notice = await (await validador.get(decided.headers["Location"])).text()
    assert f"Se aprobó la solicitud de corrección de {person.nombre}." in notice
    assert f"solicitud {solicitud}" not in notice
    await eventually(
        lambda: db.fetchval(
            "SELECT estado = 'en_correccion' FROM captura.cuestionarios WHERE candidatura_id = $1",
            person.candidatura_id,
        ),
        what="captura to open the correction",
    )
    trayectoria = f"/captura/candidaturas/{person.candidatura_id}/curricular/trayectoria"
    refused = await candidata.submit(trayectoria, trayectoria, {"version": "1", **CURRICULAR_COMPLETO["trayectoria"]})
    assert refused.status == 409
    assert "Solo puedes modificar los rubros cuya corrección aprobó" in await refused.text()
    nueva = {**CURRICULAR_COMPLETO["propuestas"], "propuesta_1": "Mercado municipal renovado."}
    propuestas = f"/captura/candidaturas/{person.candidatura_id}/curricular/propuestas"
    assert (await candidata.submit(propuestas, propuestas, {"version": "1", **nueva})).status == 303
    # Until the corrected version is approved, the public profile keeps the published one.
    profile = await (await citizen.get(f"/candidaturas/{person.candidatura_id}")).text()
    assert CURRICULAR_COMPLETO["propuestas"]["propuesta_1"] in profile
    await _publish(candidata, validador, db, person.candidatura_id)

    async def corrected() -> bool:
        return (
            "Mercado municipal renovado." in await (await citizen.get(f"/candidaturas/{person.candidatura_id}")).text()
        )

    await eventually(corrected, what="the corrected version on the public site")

    original = await db.fetchval("SELECT configuracion FROM registro.procesos WHERE activo")
    await db.execute(
        "UPDATE registro.procesos SET configuracion = configuracion || '{\"rondas_correccion\": 1}' WHERE activo"
    )
    try:
        exhausted = await candidata.submit(page, page, {"rubro": "propuestas", "motivo": "Una más, por favor."})
        assert exhausted.status == 422
        assert "Ya usaste la única solicitud de corrección" in await exhausted.text()
    finally:
        await db.execute("UPDATE registro.procesos SET configuracion = $1 WHERE activo", original)


async def test_the_photo_stays_while_a_correction_of_another_rubro_is_open(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    """One rule book for every write: the photo belongs to rubro 1, so a correction of Propuestas does not open it."""
    person = await factories.candidata(db)
    candidata, validador = make_client(), make_client()
    await candidata.login(person.username)
    await validador.login("demo-validador")
    await fill_curricular(candidata, person.candidatura_id)
    await _publish(candidata, validador, db, person.candidatura_id)
    page = f"/captura/candidaturas/{person.candidatura_id}/curricular/correccion"
    sent = await candidata.submit(page, page, {"rubro": "propuestas", "motivo": "Cambió mi propuesta 2."})
    assert sent.status == 303, await sent.text()
    solicitud = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.solicitudes_correccion WHERE candidatura_id = $1 AND estado = 'pendiente'",
            person.candidatura_id,
        ),
        what="the request in validacion",
    )
    approved = await validador.submit("/validacion/correcciones", f"/validacion/correcciones/{solicitud}/aprobar", {})
    assert approved.status == 303
    await eventually(
        lambda: db.fetchval(
            "SELECT estado = 'en_correccion' FROM captura.cuestionarios WHERE candidatura_id = $1",
            person.candidatura_id,
        ),
        what="captura to open the correction",
    )
    foto = f"/captura/candidaturas/{person.candidatura_id}/foto"
    form = await (await candidata.get(foto)).text()
    assert "<fieldset disabled>" in form and "Solo puedes modificar los rubros cuya corrección aprobó" in form
    refused = await upload(candidata, foto, foto, "foto", encode(halves(), "JPEG"), "nueva.jpg", "image/jpeg")
    assert refused.status == 409
    assert "Solo puedes modificar los rubros cuya corrección aprobó" in await refused.text()
    assert await db.fetchval("SELECT count(*) FROM captura.fotos WHERE candidatura_id = $1", person.candidatura_id) == 0
    # The approved rubro still opens.
    propuestas = f"/captura/candidaturas/{person.candidatura_id}/curricular/propuestas"
    nueva = {**CURRICULAR_COMPLETO["propuestas"], "propuesta_2": "Becas para estudiantes de las tenencias."}
    assert (await candidata.submit(propuestas, propuestas, {"version": "1", **nueva})).status == 303
