"""Mail notices about a candidacy's questionnaires, end to end: the event in captura or validacion, the outbox,
``auth.notify`` (auth decides who receives it), ``auth.mail`` and the local SMTP sink."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import asyncpg
from yarl import URL

from launcher.system import System
from services.common import contracts

from . import factories
from .helpers import Client, approve_review, eventually, fill_curricular
from .test_identidad import submitted_for_review
from .test_validacion_partido import paso_del_partido

LINK = re.compile(r"https?://\S+")


def _mail_to(system: System, address: str) -> list[EmailMessage]:
    messages = []
    for path in sorted(system.maildir.glob("*.eml")):
        with path.open("rb") as f:
            message = BytesParser(policy=policy.default).parse(f)
        assert isinstance(message, EmailMessage)
        if message["Delivered-To"] == address:
            messages.append(message)
    return messages


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert isinstance(part, EmailMessage)
    return str(part.get_content())


async def _mail(system: System, address: str, subject: str) -> EmailMessage:
    """The one mail with ``subject`` that reached ``address``."""

    async def arrived() -> list[EmailMessage] | None:
        return [m for m in _mail_to(system, address) if m["Subject"] == subject] or None

    [message] = await eventually(arrived, within=30, what=f"«{subject}» to {address}")
    return message


def _paths(body: str, base_url: str) -> list[str]:
    links = LINK.findall(body)
    assert all(link.startswith(base_url) for link in links), body
    return [URL(link).path + "#" + URL(link).fragment for link in links]


async def _with_email(db: asyncpg.Pool, username: str) -> str:
    email = f"{username}@correo.invalid"
    await db.execute("UPDATE auth.users SET email = $2 WHERE username = $1", username, email)
    return email


async def _party_with_representative(db: asyncpg.Pool) -> tuple[str, str]:
    """A party of this test with its own representative (so no other test's candidacy mails it); siglas, e-mail."""
    _, siglas = await factories.postulante(db, "partido")
    postulante_id = await db.fetchval("SELECT id FROM registro.postulantes WHERE siglas = $1", siglas)
    representante = await factories.cuenta(db, "representante", postulante_id=postulante_id)
    return siglas, f"{representante}@correo.invalid"


async def _submitted(make_client: type[Client], db: asyncpg.Pool, siglas: str) -> tuple[factories.Candidata, Client]:
    person = await factories.candidata(db, siglas=siglas)
    candidata = make_client()
    await candidata.login(person.username)
    await fill_curricular(candidata, person.candidatura_id)
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
    return person, candidata


async def _mails_sent_for(db: asyncpg.Pool, clave: str) -> int:
    return int(await db.fetchval("SELECT count(*) FROM auth.avisos WHERE clave = $1", clave))


async def test_a_return_with_observations_mails_the_candidate_a_link_to_each_rubro(
    system: System, make_client: type[Client], db: asyncpg.Pool, base_url: str
) -> None:
    siglas, representante_email = await _party_with_representative(db)
    person, candidata = await _submitted(make_client, db, siglas)
    email = await _with_email(db, person.username)
    review_id = await eventually(
        lambda: db.fetchval("SELECT id FROM validacion.revisiones WHERE candidatura_id = $1", person.candidatura_id),
        what="the review task",
    )
    validador = make_client()
    await validador.login("demo-validador")
    detail = f"/validacion/revisiones/{review_id}"
    secreto = "Quita el teléfono particular de la historia."
    form = {
        "observar_propuestas": "1",
        "fundamento_propuestas": "eslogan",
        "texto_propuestas": "Quita el lema.",
        "observar_formacion": "1",
        "fundamento_formacion": "datos_sensibles",
        "texto_formacion": secreto,
    }
    assert (await validador.submit(detail, f"{detail}/devolver", form)).status == 303, "return"

    subject = "Conóceles: el Instituto hizo observaciones a tu cuestionario"
    mail = await _mail(system, email, subject)
    body = _body(mail)
    rubros = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    # In the questionnaire's order, each to the observation on its rubro's page.
    assert _paths(body, base_url) == [f"{rubros}/formacion#observacion", f"{rubros}/propuestas#observacion"]
    assert person.nombre in body and "Formación académica" in body and "Propuestas" in body
    assert secreto not in body  # what the observation says stays behind the login
    page = await (await candidata.get(f"{rubros}/formacion")).text()
    assert 'id="observacion"' in page and secreto in page
    # The representative of the candidacy's party captures for it too, and is told.
    assert "formacion#observacion" in _body(await _mail(system, representante_email, subject))

    # A notice handed over again (a crash before the outbox row was marked done) mails nobody twice.
    clave = f"observaciones:instituto:{person.candidatura_id}:curricular:1"
    assert await _mails_sent_for(db, clave) == 2
    args = await db.fetchval(
        "SELECT args FROM outbox.jobs WHERE function = $2 AND args->>'clave' = $1", clave, contracts.Notify.name
    )
    async with db.acquire() as conn, conn.transaction():
        again = await contracts.send(conn, contracts.Notify.model_validate(args))
    await eventually(
        lambda: db.fetchval("SELECT done_at IS NOT NULL FROM outbox.jobs WHERE id = $1", again),
        what="the repeated notice to run",
    )
    assert await _mails_sent_for(db, clave) == 2
    assert len([m for m in _mail_to(system, email) if m["Subject"] == subject]) == 1


async def test_a_returned_identity_questionnaire_links_to_the_dimension(
    system: System, make_client: type[Client], db: asyncpg.Pool, base_url: str
) -> None:
    person = await factories.candidata(db)
    email = await _with_email(db, person.username)
    candidata = make_client()
    await candidata.login(person.username)
    review_id = await submitted_for_review(candidata, db, person.candidatura_id)
    overview = f"/captura/candidaturas/{person.candidatura_id}/identidad"
    validador = make_client()
    await validador.login("demo-validador")
    detail = f"/validacion/revisiones/{review_id}"
    texto = "La lengua indicada no corresponde al pueblo."
    form = {"observar_indigena": "1", "fundamento_indigena": "respuesta_incongruente", "texto_indigena": texto}
    assert (await validador.submit(detail, f"{detail}/devolver", form)).status == 303

    body = _body(await _mail(system, email, "Conóceles: el Instituto hizo observaciones a tu cuestionario"))
    assert "cuestionario de identidad" in body
    assert _paths(body, base_url) == [f"{overview}/indigena#observacion"]
    assert texto not in body
    page = await (await candidata.get(f"{overview}/indigena")).text()
    assert 'id="observacion"' in page and texto in page


async def test_the_partys_return_mails_the_candidate_not_the_party(
    system: System, make_client: type[Client], db: asyncpg.Pool, base_url: str
) -> None:
    async with paso_del_partido(db):
        siglas, representante_email = await _party_with_representative(db)
        person, _ = await _submitted(make_client, db, siglas)
        email = await _with_email(db, person.username)
        representante = make_client()
        await representante.login(representante_email.split("@")[0])
        overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
        returned = await representante.submit(
            overview, f"{overview}/partido/devolver", {"comentario_propuestas": "Concreta la propuesta de género."}
        )
        assert returned.status == 303, await returned.text()

    subject = "Conóceles: tu partido devolvió tu cuestionario con comentarios"
    body = _body(await _mail(system, email, subject))
    assert _paths(body, base_url) == [f"{overview}/propuestas#observacion"]
    assert "La representación de" in body
    assert "Concreta la propuesta" not in body
    clave = f"observaciones:partido:{person.candidatura_id}:curricular:1"
    assert await _mails_sent_for(db, clave) == 1
    assert not [m for m in _mail_to(system, representante_email) if m["Subject"] == subject]


async def _published(make_client: type[Client], db: asyncpg.Pool) -> tuple[factories.Candidata, Client, str]:
    person = await factories.candidata(db)
    email = await _with_email(db, person.username)
    candidata, validador = make_client(), make_client()
    await candidata.login(person.username)
    await validador.login("demo-validador")
    await fill_curricular(candidata, person.candidatura_id)
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
    await approve_review(validador, db, person.candidatura_id)
    await eventually(
        lambda: db.fetchval(
            "SELECT estado = 'publicado' FROM captura.cuestionarios WHERE candidatura_id = $1", person.candidatura_id
        ),
        what="the publication",
    )
    page = f"{overview}/correccion"
    asked = await candidata.submit(page, page, {"rubro": "propuestas", "motivo": "Cambió mi propuesta 1."})
    assert asked.status == 303, await asked.text()
    return person, candidata, email


async def _decide(make_client: type[Client], db: asyncpg.Pool, candidatura_id: int, accion: str) -> None:
    solicitud = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.solicitudes_correccion WHERE candidatura_id = $1 AND estado = 'pendiente'",
            candidatura_id,
        ),
        what="the correction request in validacion",
    )
    staff = make_client()
    await staff.login("demo-validador")
    decided = await staff.submit("/validacion/correcciones", f"/validacion/correcciones/{solicitud}/{accion}", {})
    assert decided.status == 303, await decided.text()


async def test_a_correction_decision_mails_the_candidate(
    system: System, make_client: type[Client], db: asyncpg.Pool, base_url: str
) -> None:
    approved, candidata, email = await _published(make_client, db)
    await _decide(make_client, db, approved.candidatura_id, "aprobar")
    body = _body(await _mail(system, email, "Conóceles: el Instituto aprobó tu solicitud de corrección"))
    link = f"/captura/candidaturas/{approved.candidatura_id}/curricular/propuestas#contenido"
    assert _paths(body, base_url) == [link]
    page = await candidata.get(link.split("#")[0])
    assert page.status == 200
    assert "<fieldset >" in await page.text()  # open for editing, not disabled

    rejected, _, email = await _published(make_client, db)
    await _decide(make_client, db, rejected.candidatura_id, "rechazar")
    body = _body(await _mail(system, email, "Conóceles: el Instituto no aprobó tu solicitud de corrección"))
    assert _paths(body, base_url) == [
        f"/captura/candidaturas/{rejected.candidatura_id}/curricular/correccion#contenido"
    ]
    assert "la información publicada sigue igual" in body


async def test_the_approaching_close_reminds_once_whoever_has_not_submitted(
    system: System, make_client: type[Client], db: asyncpg.Pool, base_url: str
) -> None:
    nothing = await factories.candidata(db)
    nothing_email = await _with_email(db, nothing.username)
    curricular_sent, _ = await _submitted(make_client, db, "PAN")
    sent_email = await _with_email(db, curricular_sent.username)
    original = await db.fetchrow("SELECT id, captura_fin, configuracion FROM registro.procesos WHERE activo")
    # A prórroga past the close: that candidacy's capture is not closing now, so it gets no reminder.
    extended = await factories.candidata(db)
    await db.execute(
        "INSERT INTO registro.prorrogas (proceso_id, candidatura_id, fin, acuerdo, motivo, otorgada_por) "
        "VALUES ($1, $2, $3, 'IEM-CG-001/2024', 'Prórroga de prueba por acuerdo.', 'prueba')",
        original["id"],
        extended.candidatura_id,
        datetime.now(UTC) + timedelta(days=10),
    )
    # 47 hours before the close: the 48-hour reminder is due, the 24-hour one is not yet.
    await db.execute(
        "UPDATE registro.procesos SET captura_fin = $2, configuracion = configuracion || "
        "'{\"avisos_plazo_horas\": [48, 24]}'::jsonb WHERE id = $1",
        original["id"],
        datetime.now(UTC) + timedelta(hours=47),
    )
    try:
        async with db.acquire() as conn, conn.transaction():
            first = await contracts.send(conn, contracts.RemindDeadline())
        subject = "Conóceles: la captura cierra en menos de 48 horas"
        body = _body(await _mail(system, nothing_email, subject))
        base = f"/captura/candidaturas/{nothing.candidatura_id}"
        assert _paths(body, base_url) == [f"{base}/curricular#contenido", f"{base}/identidad#contenido"]
        assert nothing.nombre in body
        # The curricular was submitted: only the cuestionario de identidad is still missing.
        body = _body(await _mail(system, sent_email, subject))
        assert _paths(body, base_url) == [f"/captura/candidaturas/{curricular_sent.candidatura_id}/identidad#contenido"]

        async with db.acquire() as conn, conn.transaction():
            second = await contracts.send(conn, contracts.RemindDeadline())
        await eventually(
            lambda: db.fetchval(
                "SELECT bool_and(done_at IS NOT NULL) FROM outbox.jobs WHERE id = ANY($1::bigint[])", [first, second]
            ),
            what="both runs of the reminder",
        )
        assert (
            await db.fetchval(
                "SELECT count(*) FROM captura.avisos_plazo WHERE candidatura_id = $1", nothing.candidatura_id
            )
            == 1
        )
        assert len([m for m in _mail_to(system, nothing_email) if m["Subject"] == subject]) == 1
        assert not await db.fetchval(
            "SELECT count(*) FROM captura.avisos_plazo WHERE candidatura_id = $1", extended.candidatura_id
        )
    finally:
        # The demo process is shared with every other test.
        await db.execute(
            "UPDATE registro.procesos SET captura_fin = $2, configuracion = $3 WHERE id = $1", *original.values()
        )


async def test_the_reminder_hours_are_a_process_setting(make_client: type[Client], db: asyncpg.Pool) -> None:
    client = make_client()
    await client.login("demo-coordinacion")
    page = await (await client.get("/validacion/proceso")).text()
    assert 'name="avisos_plazo_horas" value="' in page
    original = await db.fetchval("SELECT configuracion FROM registro.procesos WHERE activo")
    form = dict(re.findall(r'name="([a-z_A-Z]+)" value="([^"]*)"', page))
    form.pop("csrf_token", None)
    form.pop("validacion_partido", None)  # a checkbox: its value="1" is sent only when checked
    try:
        wrong = await client.submit(
            "/validacion/proceso", "/validacion/proceso", {**form, "avisos_plazo_horas": "48, 0"}
        )
        assert wrong.status == 422
        assert "Cada aviso debe ser de 1 a 720 horas antes del cierre." in await wrong.text()
        saved = await client.submit(
            "/validacion/proceso", "/validacion/proceso", {**form, "avisos_plazo_horas": "24; 72, 24"}
        )
        assert saved.status == 303, await saved.text()
        stored = await db.fetchval("SELECT configuracion FROM registro.procesos WHERE activo")
        assert stored["avisos_plazo_horas"] == [72, 24]
    finally:
        await db.execute("UPDATE registro.procesos SET configuracion = $1 WHERE activo", original)
