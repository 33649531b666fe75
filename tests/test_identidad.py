"""Cuestionario de identidad and the three consents, through the gateway, with real jobs and (once) Chromium."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import asyncpg
from playwright.async_api import Browser, expect

from services.common import contracts

from . import factories
from .browser import axe_violations, login
from .helpers import Client, eventually

DIMENSIONES = (
    "indigena",
    "discapacidad",
    "afromexicana",
    "diversidad_sexual",
    "migrante",
    "joven",
    "persona_mayor",
    "ingreso",
)
# One complete set of answers: indigenous (P'urhépecha), LGBTTTIQ+ (sub-identity "Hombre gay"), the rest "No".
RESPUESTAS: dict[str, dict[str, str]] = {
    "indigena": {"indigena": "si", "indigena_pueblo": "purepecha", "indigena_lengua_habla": "no"},
    "discapacidad": {"discapacidad": "no"},
    "afromexicana": {"afromexicana": "no"},
    "diversidad_sexual": {"diversidad_sexual": "si", "diversidad_identidad": "gay"},
    "migrante": {"migrante": "prefiero_no_contestar"},
    "joven": {"joven": "no"},
    "persona_mayor": {"persona_mayor": "no"},
    "ingreso": {"ingreso_mensual": "25001_50000"},
}


async def _candidata(make_client: type[Client], db: asyncpg.Pool) -> tuple[Client, int]:
    candidata = await factories.candidata(db)
    client = make_client()
    await client.login(candidata.username)
    return client, candidata.candidatura_id


async def _save(client: Client, candidatura_id: int, dimension: str, data: dict[str, str]) -> None:
    path = f"/captura/candidaturas/{candidatura_id}/identidad/{dimension}"
    version = re.search(r'name="version" value="(\d+)"', await (await client.get(path)).text())
    assert version
    response = await client.submit(path, path, {"version": version.group(1), **data})
    assert response.status == 303, await response.text()


async def _consentir(client: Client, candidatura_id: int, *tipos: int) -> None:
    page = f"/captura/candidaturas/{candidatura_id}/consentimiento"
    data = {f"consentimiento_{t}": "1" for t in tipos}
    response = await client.submit(page, f"{page}/autorizaciones", data)
    assert response.status == 303, await response.text()


async def submitted_for_review(client: Client, db: asyncpg.Pool, candidatura_id: int) -> int:
    """The candidate (logged in on ``client``) answers every dimension, gives consent 1 and submits; the id of the
    review that opens."""
    for dimension, data in RESPUESTAS.items():
        await _save(client, candidatura_id, dimension, data)
    await _consentir(client, candidatura_id, 1)
    overview = f"/captura/candidaturas/{candidatura_id}/identidad"
    assert (await client.submit(overview, f"{overview}/enviar", {})).status == 303
    review_id: int = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.revisiones WHERE candidatura_id = $1 AND cuestionario = 'identidad'",
            candidatura_id,
        ),
        what="the identity review",
    )
    return review_id


async def _datos(db: asyncpg.Pool, candidatura_id: int, dimension: str) -> dict[str, object]:
    datos: dict[str, object] = await db.fetchval(
        "SELECT datos FROM captura.respuestas WHERE candidatura_id = $1 AND cuestionario = 'identidad' AND rubro = $2",
        candidatura_id,
        dimension,
    )
    return datos


async def _publish_curricular(db: asyncpg.Pool, candidatura_id: int) -> None:
    """What validacion sends when a curricular is approved (the curricular path has its own tests)."""
    now = datetime.now(UTC).isoformat()
    async with db.acquire() as conn, conn.transaction():
        await contracts.send(
            conn,
            contracts.Publish(
                candidatura_id=candidatura_id,
                cuestionario="curricular",
                numero=1,
                version=contracts.Version(respuestas={"propuestas": {"propuesta_1": "Agua para todas las tenencias"}}),
                declarado_at=now,
                revisado_at=now,
            ),
        )


async def test_the_eight_dimensions_render_from_the_question_set(make_client: type[Client], db: asyncpg.Pool) -> None:
    client, candidatura_id = await _candidata(make_client, db)
    overview = await client.get(f"/captura/candidaturas/{candidatura_id}/identidad")
    text = await overview.text()
    assert overview.status == 200, text
    for dimension in DIMENSIONES:
        assert f"/captura/candidaturas/{candidatura_id}/identidad/{dimension}" in text
        page = await client.get(f"/captura/candidaturas/{candidatura_id}/identidad/{dimension}")
        body = await page.text()
        assert page.status == 200, body
        fieldsets = body.count('<fieldset class="opciones" id=')
        assert fieldsets >= 1
        # Every question offers "Prefiero no contestar".
        assert body.count('value="prefiero_no_contestar"') == fieldsets, dimension
        assert body.count("<legend>") >= fieldsets
    discapacidad = await (await client.get(f"/captura/candidaturas/{candidatura_id}/identidad/discapacidad")).text()
    assert "Sensorial: ¿cuál?" in discapacidad and 'value="visual"' in discapacidad
    migrante = await (await client.get(f"/captura/candidaturas/{candidatura_id}/identidad/migrante")).text()
    assert "¿En qué país reside?" in migrante and "De 6 a 15 años" in migrante
    # The dashboard links the questionnaire.
    assert f"/captura/candidaturas/{candidatura_id}/identidad" in await (await client.get("/captura/")).text()


async def test_skip_rules_store_no_aplica(make_client: type[Client], db: asyncpg.Pool) -> None:
    client, candidatura_id = await _candidata(make_client, db)
    # A "No" skips the follow-up questions, whatever the form sent for them.
    await _save(client, candidatura_id, "discapacidad", {"discapacidad": "no", "discapacidad_tipo": "fisica"})
    assert await _datos(db, candidatura_id, "discapacidad") == {
        "discapacidad": "no",
        "discapacidad_temporalidad": "no_aplica",
        "discapacidad_tipo": "no_aplica",
        "discapacidad_limitacion": "no_aplica",
    }
    # "Prefiero no contestar" skips them too; a "Sí" keeps them, and a sub-option brings its option.
    await _save(client, candidatura_id, "migrante", {"migrante": "prefiero_no_contestar", "migrante_pais": "EUA"})
    assert (await _datos(db, candidatura_id, "migrante"))["migrante_pais"] == "no_aplica"
    path = f"/captura/candidaturas/{candidatura_id}/identidad/discapacidad"
    token = await client.csrf(path)
    response = await client.post(
        path,
        data=[
            ("csrf_token", token),
            ("version", "1"),
            ("discapacidad", "si"),
            ("discapacidad_temporalidad", "permanente"),
            ("discapacidad_tipo", "visual"),
            ("discapacidad_tipo", "otra"),
            ("discapacidad_tipo_otro", "Crónica"),
        ],
    )
    assert response.status == 303, await response.text()
    datos = await _datos(db, candidatura_id, "discapacidad")
    assert datos["discapacidad_tipo"] == ["sensorial", "visual", "otra"]
    assert datos["discapacidad_tipo_otro"] == "Crónica"
    assert "discapacidad_limitacion" not in datos  # applies, not answered yet
    overview = await (await client.get(f"/captura/candidaturas/{candidatura_id}/identidad")).text()
    assert "1 pregunta pendiente" in overview


async def test_invalid_option_is_refused_and_the_input_kept(make_client: type[Client], db: asyncpg.Pool) -> None:
    client, candidatura_id = await _candidata(make_client, db)
    path = f"/captura/candidaturas/{candidatura_id}/identidad/indigena"
    response = await client.submit(
        path, path, {"version": "0", "indigena": "quizas", "indigena_lengua_habla": "si", "indigena_lengua": "otomi"}
    )
    text = await response.text()
    assert response.status == 422, text
    assert "Elige una de las opciones de la lista" in text
    assert re.search(r'id="indigena_lengua_habla-si"[^>]*checked', text)
    assert re.search(r'id="indigena_lengua-otomi"[^>]*checked', text)
    assert await _datos(db, candidatura_id, "indigena") is None
    both = await client.submit(path, path, {"version": "0", "indigena": "prefiero_no_contestar"})
    assert both.status == 303


async def test_a_stale_save_is_refused(make_client: type[Client], db: asyncpg.Pool) -> None:
    client, candidatura_id = await _candidata(make_client, db)
    path = f"/captura/candidaturas/{candidatura_id}/identidad/joven"
    assert (await client.submit(path, path, {"version": "0", "joven": "si"})).status == 303
    stale = await client.submit(path, path, {"version": "0", "joven": "no"})
    text = await stale.text()
    assert stale.status == 409, text
    assert "Alguien más guardó esta sección" in text
    assert await _datos(db, candidatura_id, "joven") == {"joven": "si"}


async def test_incomplete_submit_is_refused(make_client: type[Client], db: asyncpg.Pool) -> None:
    client, candidatura_id = await _candidata(make_client, db)
    await _consentir(client, candidatura_id, 1)
    await _save(client, candidatura_id, "joven", {"joven": "no"})
    overview = f"/captura/candidaturas/{candidatura_id}/identidad"
    assert "Enviar a validación" not in await (await client.get(overview)).text()
    response = await client.submit(overview, f"{overview}/enviar", {})
    text = await response.text()
    assert response.status == 422, text
    assert "Responde las preguntas pendientes de «Persona indígena»" in text
    assert not await db.fetchval("SELECT count(*) FROM captura.envios WHERE candidatura_id = $1", candidatura_id)


async def test_approved_identity_is_public_only_with_consent_2(make_client: type[Client], db: asyncpg.Pool) -> None:
    client, candidatura_id = await _candidata(make_client, db)
    for dimension, data in RESPUESTAS.items():
        await _save(client, candidatura_id, dimension, data)
    overview = f"/captura/candidaturas/{candidatura_id}/identidad"
    # Consent 1 is required before submit.
    refused = await client.submit(overview, f"{overview}/enviar", {})
    assert refused.status == 422 and "aviso de privacidad" in await refused.text()
    await _consentir(client, candidatura_id, 1, 2)
    sent = await client.submit(overview, f"{overview}/enviar", {})
    assert sent.status == 303, await sent.text()
    assert "Enviado a validación" in await (await client.get(overview)).text()

    review_id = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.revisiones WHERE candidatura_id = $1 AND cuestionario = 'identidad'",
            candidatura_id,
        ),
        what="the identity review",
    )
    validador = make_client()
    await validador.login("demo-validador")
    detail = f"/validacion/revisiones/{review_id}"
    page = await (await validador.get(detail)).text()
    assert "P&#39;urhépecha" in page or "P'urhépecha" in page
    assert "Hombre gay" in page and "No aplica" in page
    approved = await validador.submit(detail, f"{detail}/aprobar", {})
    assert approved.status == 303, await approved.text()

    # Approved before the curricular: stored, but the candidacy is not on the public site yet.
    assert await eventually(
        lambda: db.fetchval("SELECT identidad IS NOT NULL FROM publico.candidaturas WHERE id = $1", candidatura_id),
        what="the identity in publico",
    )
    citizen = make_client()
    assert (await citizen.get(f"/candidaturas/{candidatura_id}")).status == 404
    await _publish_curricular(db, candidatura_id)

    async def profile() -> str | None:
        response = await citizen.get(f"/candidaturas/{candidatura_id}")
        return await response.text() if response.status == 200 else None

    text = await eventually(profile, what="the published profile")
    assert "Agua para todas las tenencias" in text  # the curricular kept; identity did not overwrite it
    assert "Persona indígena" in text and "Persona de la diversidad sexual" in text
    assert "Hombre gay" not in text and "urhépecha" not in text  # groups only, never the sub-identity

    # Revoking consent 2 hides the groups within seconds; granting it again shows them.
    await _consentir(client, candidatura_id, 1)

    async def hidden() -> bool:
        return "Persona indígena" not in (await profile() or "Persona indígena")

    assert await eventually(hidden, within=10, what="the identity hidden after revocation")
    await _consentir(client, candidatura_id, 1, 2)

    async def shown() -> bool:
        return "Persona indígena" in (await profile() or "")

    assert await eventually(shown, within=10, what="the identity shown again")
    events = await db.fetch(
        "SELECT action, details FROM audit.eventos WHERE entity_id = $1::text AND action LIKE '%consentimiento'",
        str(candidatura_id),
    )
    assert [e["action"] for e in events].count("revocar_consentimiento") == 1
    history = await db.fetch(
        "SELECT tipo, otorgado FROM captura.consentimientos WHERE candidatura_id = $1 ORDER BY id", candidatura_id
    )
    assert [(r["tipo"], r["otorgado"]) for r in history] == [(1, True), (2, True), (2, False), (2, True)]


async def test_accion_afirmativa_shows_only_the_group(db: asyncpg.Pool, make_client: type[Client]) -> None:
    candidata = await factories.candidata(db)
    await db.execute(
        "UPDATE registro.candidaturas SET accion_afirmativa = 'Indígena' WHERE id = $1", candidata.candidatura_id
    )
    now = datetime.now(UTC).isoformat()
    async with db.acquire() as conn, conn.transaction():
        # An approved identity without consent 2 (what validacion sends), then the curricular.
        await contracts.send(
            conn,
            contracts.Publish(
                candidatura_id=candidata.candidatura_id,
                cuestionario="identidad",
                numero=1,
                version=contracts.Version(
                    respuestas=RESPUESTAS,
                    consentimientos=contracts.Consentimientos(publicacion=False, estadistica=True, seq=1),
                ),
                declarado_at=now,
                revisado_at=now,
            ),
        )
    await _publish_curricular(db, candidata.candidatura_id)
    citizen = make_client()

    async def profile() -> str | None:
        response = await citizen.get(f"/candidaturas/{candidata.candidatura_id}")
        text = await response.text()
        return text if response.status == 200 and "Agua para todas" in text else None

    text = await eventually(profile, what="the published profile")
    assert await eventually(
        lambda: db.fetchval(
            "SELECT identidad IS NOT NULL FROM publico.candidaturas WHERE id = $1", candidata.candidatura_id
        ),
        what="the identity in publico",
    )
    text = await profile() or ""
    assert "Persona indígena" in text
    assert "diversidad sexual" not in text and "Hombre gay" not in text and "urhépecha" not in text


async def test_answering_one_dimension_in_chromium(browser: Browser, base_url: str, db: asyncpg.Pool) -> None:
    candidata = await factories.candidata(db)
    context = await browser.new_context(locale="es-MX")
    page = await context.new_page()
    await login(page, base_url, candidata.username)
    await page.get_by_role("link", name="Cuestionario de identidad").click()
    await expect(page.get_by_role("heading", name="Cuestionario de identidad")).to_be_visible()
    assert await axe_violations(page) == []
    await page.get_by_role("link", name="Persona con discapacidad").click()
    group = page.get_by_role("group", name="¿Tiene alguna discapacidad?")
    await group.get_by_label("Sí").check()
    await page.get_by_role("group", name="Su discapacidad es").get_by_label("Permanente").check()
    await page.get_by_label("Visual").check()
    await page.get_by_label("Ver (aunque use lentes)").check()
    await page.get_by_role("button", name="Guardar respuestas").click()
    await expect(page.get_by_role("status")).to_have_text("Se guardaron tus respuestas.")
    await expect(page.get_by_label("Visual")).to_be_checked()
    assert await axe_violations(page) == []
    await page.goto(f"{base_url}/captura/candidaturas/{candidata.candidatura_id}/consentimiento")
    await page.get_by_label(re.compile("publicación de mis respuestas")).check()
    await page.get_by_role("button", name="Guardar autorizaciones").click()
    await expect(page.get_by_text("Se guardaron tus autorizaciones.")).to_be_visible()
    assert await axe_violations(page) == []
    await context.close()
    datos = await _datos(db, candidata.candidatura_id, "discapacidad")
    assert datos["discapacidad_tipo"] == ["sensorial", "visual"]
