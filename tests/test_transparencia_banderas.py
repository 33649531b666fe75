"""Transparencia's queue of flags and the publication gate, through the gateway: a version with an open flag is never
published, whatever the validador did; clearing the last flag publishes it at once; confirming one returns the
rubro to the candidacy with the observation «datos sensibles»."""

from __future__ import annotations

import asyncio
import os
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import asyncpg
from playwright.async_api import Page

from services.common.curp import ficticia
from services.validacion import jobs

from . import factories
from .browser import axe_violations, login
from .helpers import CURRICULAR_COMPLETO, Client, eventually, fill_curricular, publish_requests

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "img" / "manual-personal"
PROPUESTAS = CURRICULAR_COMPLETO["propuestas"]


@dataclass(frozen=True)
class Envio:
    candidatura_id: int
    review_id: int
    candidata: Client


async def _submit(make_client: type[Client], db: asyncpg.Pool, **rubros: dict[str, str]) -> Envio:
    """A new candidacy fills in its cuestionario curricular and submits it; the review it opens."""
    person = await factories.candidata(db)
    candidata = make_client()
    await candidata.login(person.username)
    await fill_curricular(candidata, person.candidatura_id, **rubros)
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
    review_id = await _pending_review(db, person.candidatura_id)
    return Envio(person.candidatura_id, review_id, candidata)


async def _pending_review(db: asyncpg.Pool, candidatura_id: int) -> int:
    review_id: int = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.revisiones WHERE candidatura_id = $1 AND estado = 'pendiente'", candidatura_id
        ),
        what="the review of the submitted version",
    )
    return review_id


async def _flag(
    db: asyncpg.Pool,
    envio: Envio,
    rubro: str,
    campo: str,
    fragmento: str,
    *,
    tipo: str = "dato_sensible",
    clase: str = "curp",
    otra: int | None = None,
) -> int:
    """A flag as the automatic checks write it (helper A's job writes them on main; the test plants its own)."""
    texto: str = await db.fetchval(
        "SELECT datos #>> ARRAY[$2::text, $3::text] FROM validacion.revisiones WHERE id = $1",
        envio.review_id,
        rubro,
        campo,
    )
    inicio = texto.index(fragmento)
    flag_id: int = await db.fetchval(
        """INSERT INTO validacion.banderas
               (revision_id, candidatura_id, tipo, clase, rubro, campo, inicio, fin, fragmento, otra_candidatura_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (revision_id, tipo, clase, rubro, campo, inicio) DO UPDATE SET fin = EXCLUDED.fin
           RETURNING id""",
        envio.review_id,
        envio.candidatura_id,
        tipo,
        clase,
        rubro,
        campo,
        inicio,
        inicio + len(fragmento),
        fragmento,
        otra,
    )
    return flag_id


async def _staff(make_client: type[Client], db: asyncpg.Pool, role: str) -> Client:
    staff = make_client()
    await staff.login(await factories.cuenta(db, role))
    return staff


async def _approve(validador: Client, review_id: int) -> str:
    detail = f"/validacion/revisiones/{review_id}"
    response = await validador.submit(detail, f"{detail}/aprobar", {})
    assert response.status == 303, await response.text()
    return await (await validador.get(response.headers["Location"])).text()


async def _publish_requests(db: asyncpg.Pool, candidatura_id: int) -> int:
    return await publish_requests(db, candidatura_id)


async def _queue_page(db: asyncpg.Pool, flag_id: int) -> int:
    """The page of the queue (oldest first, 20 a page) that shows this open flag, whatever other tests left open."""
    before: int = await db.fetchval(
        """SELECT count(*) FROM validacion.banderas b, validacion.banderas f
           WHERE f.id = $1 AND b.estado = 'abierta' AND (b.created_at, b.id) < (f.created_at, f.id)""",
        flag_id,
    )
    return before // 20 + 1


async def _clear_others(db: asyncpg.Pool, transparencia: Client, review_id: int, *keep: int) -> None:
    """Clear every open flag of the review but ``keep``: the automatic checks (helper A's) may add their own."""
    for other in await db.fetch(
        "SELECT id FROM validacion.banderas WHERE revision_id = $1 AND estado = 'abierta' AND NOT id = ANY($2)",
        review_id,
        list(keep),
    ):
        assert await _decide(transparencia, other["id"], "descartar", motivo="Revisado por Transparencia.") == 303


async def _decide(transparencia: Client, flag_id: int, decision: str, **data: str) -> int:
    action = f"/validacion/transparencia/banderas/{flag_id}/{decision}"
    response = await transparencia.submit("/validacion/transparencia/", action, data)
    return response.status


async def test_three_flags_hold_the_approved_version_until_transparencia_decides(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    otra = await factories.candidata(db)
    curp = ficticia("mujer", date(1980, 1, 1), random.Random())
    propuestas = {
        **PROPUESTAS,
        "propuesta_1": f"Agua potable en cada colonia. Mi CURP es {curp} para cualquier trámite.",
        "propuesta_2": "Transporte escolar gratuito en todas las tenencias del municipio.",
    }
    profesional = {"historia_profesional": "Docente durante quince años; mi celular particular es 443 555 0199."}
    envio = await _submit(make_client, db, propuestas=propuestas, profesional=profesional)
    curp_flag = await _flag(db, envio, "propuestas", "propuesta_1", curp)
    phone_flag = await _flag(db, envio, "profesional", "historia_profesional", "443 555 0199", clase="telefono")
    copy_flag = await _flag(
        db,
        envio,
        "propuestas",
        "propuesta_2",
        propuestas["propuesta_2"],
        tipo="propuesta_copiada",
        clase="copia",
        otra=otra.candidatura_id,
    )

    validador = await _staff(make_client, db, "validador")
    review_page = await (await validador.get(f"/validacion/revisiones/{envio.review_id}")).text()
    assert "3 banderas abiertas: si lo apruebas, no se publicará" in review_page
    notice = await _approve(validador, envio.review_id)
    assert "espera la revisión de Transparencia" in notice
    review_page = await (await validador.get(f"/validacion/revisiones/{envio.review_id}")).text()
    assert "Aprobada; espera la revisión de Transparencia" in review_page

    # Approval alone does not publish: nothing was sent to publico, and the cron of the publication date skips it.
    assert await _publish_requests(db, envio.candidatura_id) == 0
    await jobs.publish_due({"db_pool": db})
    assert await _publish_requests(db, envio.candidatura_id) == 0
    assert await db.fetchval("SELECT count(*) FROM publico.candidaturas WHERE id = $1", envio.candidatura_id) == 0
    citizen = make_client()
    assert (await citizen.get(f"/candidaturas/{envio.candidatura_id}")).status == 404

    transparencia = await _staff(make_client, db, "transparencia")
    queue = await (await transparencia.get("/validacion/transparencia/")).text()
    assert f"<mark>{curp}</mark>" in queue
    assert "<mark>443 555 0199</mark>" in queue
    assert "Posible teléfono particular" in queue and "Propuesta igual a la de otra candidatura" in queue
    assert "Historia profesional y/o laboral" in queue

    # A reason is required to clear; the form comes back with the message.
    refused = await transparencia.submit(
        "/validacion/transparencia/", f"/validacion/transparencia/banderas/{phone_flag}/descartar", {"motivo": "  "}
    )
    assert refused.status == 422
    assert "Escribe por qué descartas esta bandera" in await refused.text()

    assert await _decide(transparencia, phone_flag, "descartar", motivo="Es el teléfono de la casa de campaña.") == 303
    assert await _decide(transparencia, copy_flag, "descartar", motivo="Plataforma común de la coalición.") == 303
    # Every other flag the checks may have raised on this text is cleared too: only the CURP is confirmed.
    await _clear_others(db, transparencia, envio.review_id, curp_flag)
    assert await _publish_requests(db, envio.candidatura_id) == 0  # the CURP is still open

    audited = await db.fetch(
        """SELECT details FROM audit.eventos
           WHERE action = 'descartar_bandera' AND entity_id = $1 ORDER BY id""",
        str(envio.candidatura_id),
    )
    motivos = {a["details"]["bandera"]: a["details"]["motivo"] for a in audited}
    assert motivos[phone_flag] == "Es el teléfono de la casa de campaña."
    assert motivos[copy_flag] == "Plataforma común de la coalición."

    assert await _decide(transparencia, curp_flag, "confirmar") == 303
    confirmed = await (await transparencia.get("/validacion/transparencia/?confirmada=" + str(curp_flag))).text()
    assert "Se confirmó la bandera" in confirmed
    assert await db.fetchval("SELECT estado FROM validacion.revisiones WHERE id = $1", envio.review_id) == "devuelta"
    assert await db.fetchval(
        "SELECT count(*) FROM audit.eventos WHERE action = 'confirmar_bandera' AND entity_id = $1",
        str(envio.candidatura_id),
    )
    assert await _publish_requests(db, envio.candidatura_id) == 0

    rubro = f"/captura/candidaturas/{envio.candidatura_id}/curricular/propuestas"

    async def observed() -> str | None:
        text = await (await envio.candidata.get(rubro)).text()
        return text if "datos sensibles" in text else None

    page = await eventually(observed, what="the observation «datos sensibles» in captura")
    assert "Contiene datos personales sensibles" in page

    # The candidate removes the CURP and submits again; without flags the approval publishes.
    version = await db.fetchval(
        "SELECT version FROM captura.respuestas WHERE candidatura_id = $1 AND rubro = 'propuestas'",
        envio.candidatura_id,
    )
    fixed = {**propuestas, "propuesta_1": "Agua potable en cada colonia."}
    assert (await envio.candidata.submit(rubro, rubro, {"version": str(version), **fixed})).status == 303
    overview = f"/captura/candidaturas/{envio.candidatura_id}/curricular"
    assert (await envio.candidata.submit(overview, f"{overview}/enviar", {})).status == 303
    second = await _pending_review(db, envio.candidatura_id)
    # The checks of the new version (helper A's, once merged) may flag other things: Transparencia clears them.
    await _clear_others(db, transparencia, second)
    await _approve(validador, second)

    async def published() -> str | None:
        response = await citizen.get(f"/candidaturas/{envio.candidatura_id}")
        return await response.text() if response.status == 200 else None

    profile = await eventually(published, what="the corrected version published")
    assert "Agua potable en cada colonia." in profile and curp not in profile


async def test_clearing_the_last_flag_of_an_approved_version_publishes_it_at_once(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    profesional = {"historia_profesional": "Docente; mi correo es maestra.privada@correo.invalid."}
    envio = await _submit(make_client, db, profesional=profesional)
    flag = await _flag(
        db, envio, "profesional", "historia_profesional", "maestra.privada@correo.invalid", clase="correo"
    )
    await _approve(await _staff(make_client, db, "validador"), envio.review_id)
    assert await _publish_requests(db, envio.candidatura_id) == 0

    transparencia = await _staff(make_client, db, "transparencia")
    await _clear_others(db, transparencia, envio.review_id, flag)
    assert await _publish_requests(db, envio.candidatura_id) == 0
    assert await _decide(transparencia, flag, "descartar", motivo="Es el correo público de la campaña.") == 303
    # Sent in the decision's own transaction, not left for the next run of the cron.
    assert await _publish_requests(db, envio.candidatura_id) == 1
    assert await db.fetchval(
        "SELECT publicacion_solicitada_at IS NOT NULL FROM validacion.revisiones WHERE id = $1", envio.review_id
    )
    citizen = make_client()
    assert await eventually(
        lambda: _status_is(citizen, f"/candidaturas/{envio.candidatura_id}", 200), what="the published profile"
    )


async def _status_is(client: Client, path: str, status: int) -> bool:
    return (await client.get(path)).status == status


async def test_two_decisions_on_one_flag_exactly_one_wins(make_client: type[Client], db: asyncpg.Pool) -> None:
    profesional = {"historia_profesional": "Docente; mi RFC es RAMN800101AB1 desde siempre."}
    envio = await _submit(make_client, db, profesional=profesional)
    flag = await _flag(db, envio, "profesional", "historia_profesional", "RAMN800101AB1", clase="rfc")
    first = await _staff(make_client, db, "transparencia")
    second = await _staff(make_client, db, "transparencia")
    tokens = [await c.csrf("/validacion/transparencia/") for c in (first, second)]
    base = f"/validacion/transparencia/banderas/{flag}"
    responses = await asyncio.gather(
        first.post(f"{base}/descartar", data={"csrf_token": tokens[0], "motivo": "No es un RFC."}),
        second.post(f"{base}/confirmar", data={"csrf_token": tokens[1]}),
    )
    statuses = sorted(r.status for r in responses)
    assert statuses == [303, 409], statuses
    loser = next(r for r in responses if r.status == 409)
    assert "Otra persona ya resolvió esta bandera" in await loser.text()
    estado = await db.fetchval("SELECT estado FROM validacion.banderas WHERE id = $1", flag)
    assert estado in ("descartada", "confirmada")
    decisions = await db.fetch(
        """SELECT action FROM audit.eventos WHERE action IN ('descartar_bandera', 'confirmar_bandera')
           AND (details->>'bandera')::bigint = $1""",
        flag,
    )
    assert [d["action"] for d in decisions] == [f"{'descartar' if estado == 'descartada' else 'confirmar'}_bandera"]
    # A late decision on a resolved flag is refused the same way.
    assert await _decide(first, flag, "descartar", motivo="Otra vez.") == 409


async def test_who_may_read_and_who_may_decide(make_client: type[Client], db: asyncpg.Pool) -> None:
    envio = await _submit(make_client, db)
    flag = await _flag(db, envio, "propuestas", "propuesta_1", "Agua potable")
    for role in ("admin", "coordinacion"):
        reader = await _staff(make_client, db, role)
        page = await reader.get("/validacion/transparencia/")
        text = await page.text()
        assert page.status == 200 and "<mark>Agua potable</mark>" in text
        assert "Descartar bandera" not in text
        assert await _decide(reader, flag, "descartar", motivo="No me toca.") == 403
    validador = await _staff(make_client, db, "validador")
    assert (await validador.get("/validacion/transparencia/")).status == 403
    candidata = envio.candidata
    assert (await candidata.get("/validacion/transparencia/")).status == 403
    assert await db.fetchval("SELECT estado FROM validacion.banderas WHERE id = $1", flag) == "abierta"
    transparencia = await _staff(make_client, db, "transparencia")
    assert (await transparencia.get("/validacion/transparencia/?pagina=zz")).status == 200
    assert (await transparencia.get("/validacion/transparencia/?pagina=99999999999999")).status == 200
    too_long = await transparencia.submit(
        "/validacion/transparencia/", f"/validacion/transparencia/banderas/{flag}/confirmar", {"nota": "x" * 1001}
    )
    assert too_long.status == 422
    assert await _decide(transparencia, 999999999, "descartar", motivo="No existe.") == 409


async def test_transparencia_clears_and_confirms_in_the_browser(
    page: Page, base_url: str, make_client: type[Client], db: asyncpg.Pool, tmp_path: Path
) -> None:
    # The staff manual's pictures (docs/manual-personal/transparencia.md) with CONOCELES_MANUAL_SCREENSHOTS=1.
    folder = SCREENSHOTS if os.environ.get("CONOCELES_MANUAL_SCREENSHOTS") == "1" else tmp_path
    await page.set_viewport_size({"width": 1000, "height": 700})
    profesional = {"historia_profesional": "Enfermera en Zamora; vivo en calle Hidalgo 25, colonia Centro."}
    propuestas = {**PROPUESTAS, "propuesta_1": "Agua potable en cada colonia; mi CURP es RANP800101MMNMXR09."}
    envio = await _submit(make_client, db, profesional=profesional, propuestas=propuestas)
    domicilio = await _flag(
        db, envio, "profesional", "historia_profesional", "calle Hidalgo 25, colonia Centro", clase="domicilio"
    )
    curp = await _flag(db, envio, "propuestas", "propuesta_1", "RANP800101MMNMXR09")

    await login(page, base_url, await factories.cuenta(db, "transparencia"))
    await page.get_by_role("link", name="Banderas de datos sensibles").click()
    await page.wait_for_url("**/validacion/transparencia/")
    assert await axe_violations(page) == []
    await page.goto(f"{base_url}/validacion/transparencia/?pagina={await _queue_page(db, domicilio)}")
    await page.screenshot(path=str(folder / "transparencia-banderas.png"))

    section = page.locator(f"#bandera-{domicilio}")
    await section.get_by_role("button", name="Descartar bandera").click()
    assert await page.locator("#errores").is_visible()
    assert await axe_violations(page) == []
    section = page.locator(f"#bandera-{domicilio}")
    await section.get_by_label("Motivo para descartar (obligatorio)").fill("Es la dirección de la casa de campaña.")
    await section.screenshot(path=str(folder / "transparencia-descartar.png"))
    await section.get_by_role("button", name="Descartar bandera").click()
    await page.get_by_text("Se descartó la bandera").wait_for()
    assert await axe_violations(page) == []

    section = page.locator(f"#bandera-{curp}")
    await section.get_by_label("Nota para la candidatura (opcional)").fill("Quita la CURP de la propuesta.")
    await section.get_by_role("button", name="Confirmar y devolver el rubro").click()
    await page.get_by_text("Se confirmó la bandera").wait_for()
    await page.screenshot(path=str(folder / "transparencia-confirmada.png"))
    assert await axe_violations(page) == []
    assert await db.fetchval("SELECT estado FROM validacion.revisiones WHERE id = $1", envio.review_id) == "devuelta"


async def test_two_people_clearing_the_last_two_flags_at_once_publish_it_once(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    profesional = {"historia_profesional": "Docente; correo maestra.uno@correo.invalid y tel. 443 555 0142."}
    envio = await _submit(make_client, db, profesional=profesional)
    correo = await _flag(db, envio, "profesional", "historia_profesional", "maestra.uno@correo.invalid", clase="correo")
    telefono = await _flag(db, envio, "profesional", "historia_profesional", "443 555 0142", clase="telefono")
    await _approve(await _staff(make_client, db, "validador"), envio.review_id)
    first = await _staff(make_client, db, "transparencia")
    await _clear_others(db, first, envio.review_id, correo, telefono)
    second = await _staff(make_client, db, "transparencia")
    tokens = [await c.csrf("/validacion/transparencia/") for c in (first, second)]
    responses = await asyncio.gather(
        first.post(
            f"/validacion/transparencia/banderas/{correo}/descartar",
            data={"csrf_token": tokens[0], "motivo": "Correo público."},
        ),
        second.post(
            f"/validacion/transparencia/banderas/{telefono}/descartar",
            data={"csrf_token": tokens[1], "motivo": "Teléfono de campaña."},
        ),
    )
    assert [r.status for r in responses] == [303, 303]
    # The decision that came second saw the first one (the review is locked by both): it published, once.
    assert await _publish_requests(db, envio.candidatura_id) == 1


async def test_the_cron_publishes_an_approved_version_once_its_flags_are_resolved(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    profesional = {"historia_profesional": "Docente; mi clave de elector es RMNZPR80010116M100 para todo."}
    envio = await _submit(make_client, db, profesional=profesional)
    await _flag(db, envio, "profesional", "historia_profesional", "RMNZPR80010116M100", clase="clave_elector")
    await _approve(await _staff(make_client, db, "validador"), envio.review_id)
    await jobs.publish_due({"db_pool": db})
    assert await _publish_requests(db, envio.candidatura_id) == 0
    # An approval that raced the last decision left the version approved, unflagged and unsent: the cron sends it.
    await db.execute(
        "UPDATE validacion.banderas SET estado = 'descartada', motivo = 'prueba' WHERE revision_id = $1",
        envio.review_id,
    )
    await jobs.publish_due({"db_pool": db})
    assert await _publish_requests(db, envio.candidatura_id) == 1
