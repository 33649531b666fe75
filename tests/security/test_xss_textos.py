"""Attack 2, the other free texts: the XSS corpus typed through the real forms by a role that may use them
(especificar texts of the identity questionnaire, observations, prórroga motive and acuerdo, flag decisions,
pause reason, monthly incidents, names in a registry import, the motive of a cancellation or substitution, the
party representative's comments), then every page that shows the text: the escaped text is there and the raw
markup never is; in PDFs the text is drawn literally.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest

from services.common import tiempo

from .. import factories
from ..helpers import Client, eventually, fill_curricular
from ..pdf_text import pdf_text
from ..test_identidad import RESPUESTAS, _consentir, _save
from ..test_publicacion_control import _approved
from ..test_registro import COORDINACION, apply, csv_bytes, curp, persona, preview
from ..test_reportes_avance import AVANCE, zona
from ..test_reportes_avance import render as render_avance
from ..test_reportes_mensual import MENSUAL
from ..test_reportes_mensual import render as render_mensual
from ..test_transparencia_banderas import _queue_page
from ..test_validacion_partido import _submitted as _submitted_to_the_party
from ..test_validacion_partido import paso_del_partido
from .corpus import XSS
from .test_xss import _assert_escaped

pytestmark = pytest.mark.usefixtures("quiet_log")


def _text(tag: str, *indices: int) -> str:
    """Some corpus lines and a tag that says which field they were typed into."""
    return " ".join(XSS[i] for i in indices) + f" {tag}"


async def _staff(make_client: type[Client], db: asyncpg.Pool, role: str) -> Client:
    client = make_client()
    await client.login(await factories.cuenta(db, role))
    return client


async def _pages(pages: list[tuple[Client, str, list[str]]]) -> None:
    for who, path, texts in pages:
        response = await who.get(path)
        html = await response.text()
        assert response.status == 200, (path, html[:2000])
        _assert_escaped(html, texts, path)


async def _submitted(make_client: type[Client], db: asyncpg.Pool) -> tuple[Client, int, int]:
    """A candidate who filled in and submitted the curricular; her client, the candidacy and its pending review."""
    person = await factories.candidata(db)
    candidata = make_client()
    await candidata.login(person.username)
    await fill_curricular(candidata, person.candidatura_id)
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
    review: int = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.revisiones WHERE candidatura_id = $1 AND estado = 'pendiente'",
            person.candidatura_id,
        ),
        what="the pending review",
    )
    return candidata, person.candidatura_id, review


ESPECIFICAR = {
    # A telephone number makes the automatic checks flag the text, so it reaches the transparencia queue too.
    "indigena": {"indigena_pueblo": "otro", "indigena_pueblo_otro": _text("xss-esp-1", 0, 1) + " tel 443 312 4567"},
    "diversidad_sexual": {"diversidad_identidad": "otra", "diversidad_identidad_otro": _text("xss-esp-2", 2, 3)},
}


async def test_especificar_texts_of_the_identity_questionnaire(make_client: type[Client], db: asyncpg.Pool) -> None:
    person = await factories.candidata(db)
    cid = person.candidatura_id
    candidata = make_client()
    await candidata.login(person.username)
    texts = [v for answers in ESPECIFICAR.values() for k, v in answers.items() if k.endswith("_otro")]
    for dimension, data in RESPUESTAS.items():
        await _save(candidata, cid, dimension, {**data, **ESPECIFICAR.get(dimension, {})})
    await _consentir(candidata, cid, 1)
    overview = f"/captura/candidaturas/{cid}/identidad"
    _assert_escaped(await (await candidata.get(f"{overview}/indigena")).text(), texts[:1], "captura identidad")
    assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
    review = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.revisiones WHERE candidatura_id = $1 AND cuestionario = 'identidad'", cid
        ),
        what="the identity review",
    )
    validador = make_client()
    await validador.login("demo-validador")
    await _pages([(validador, f"/validacion/revisiones/{review}", texts)])
    flag = await eventually(
        lambda: db.fetchval("SELECT id FROM validacion.banderas WHERE revision_id = $1 AND estado = 'abierta'", review),
        within=30,
        what="the flag of the telephone number",
    )
    transparencia = await _staff(make_client, db, "transparencia")
    # The queue marks the number: the text before it is shown whole, escaped.
    await _pages(
        [
            (
                transparencia,
                f"/validacion/transparencia/?pagina={await _queue_page(db, flag)}",
                [_text("xss-esp-1", 0, 1)],
            )
        ]
    )


async def test_observations_reach_the_candidate_escaped_and_never_the_mail(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    candidata, cid, review = await _submitted(make_client, db)
    observacion = _text("xss-obs-1", 0, 1, 2, 3, 4)
    validador = make_client()
    await validador.login("demo-validador")
    detail = f"/validacion/revisiones/{review}"
    returned = await validador.submit(
        detail,
        f"{detail}/devolver",
        {"observar_propuestas": "1", "fundamento_propuestas": "incompleto", "texto_propuestas": observacion},
    )
    assert returned.status == 303, await returned.text()
    rubro = f"/captura/candidaturas/{cid}/curricular/propuestas"

    async def observed() -> bool:
        return "xss-obs-1" in await (await candidata.get(rubro)).text()

    await eventually(observed, what="the observation in captura")
    await _pages(
        [
            (candidata, rubro, [observacion]),
            (candidata, f"/captura/candidaturas/{cid}/curricular", []),
            (validador, detail, []),  # a returned review lists the rubros it observed, not the texts
        ]
    )
    notice = await eventually(
        lambda: db.fetchval(
            "SELECT args::text FROM outbox.jobs WHERE function = 'auth.mail' AND strpos(args::text, $1) > 0",
            rubro,
        ),
        within=30,
        what="the mail notice of the observations",
    )
    assert "xss-obs-1" not in notice and "alert(" not in notice  # it links the rubro, never quotes the text


async def test_prorroga_motive_and_acuerdo(make_client: type[Client], db: asyncpg.Pool) -> None:
    person = await factories.candidata(db)
    cid = person.candidatura_id
    coordinacion = await _staff(make_client, db, "coordinacion")
    tz = await zona(db)
    fin_general = await db.fetchval("SELECT captura_fin FROM registro.procesos WHERE activo")
    fin = (fin_general + timedelta(days=2)).astimezone(tz)
    acuerdo = _text("xss-acu", 0, 1)[:200]
    motivo = _text("xss-mot", 2, 3, 4, 6, 7)
    page = "/validacion/prorrogas"
    granted = await coordinacion.submit(
        page,
        page,
        {
            "destino": "candidatura",
            "candidatura_id": str(cid),
            "fin": f"{fin:%Y-%m-%dT%H:%M}",
            "acuerdo": acuerdo,
            "motivo": motivo,
        },
    )
    assert granted.status == 303, await granted.text()
    await _pages(
        [
            (coordinacion, f"{page}?candidatura={cid}", [acuerdo, motivo]),
            (coordinacion, f"/validacion/registro/candidaturas/{cid}/auditoria", [acuerdo, motivo]),
        ]
    )


async def test_flag_decisions(make_client: type[Client], db: asyncpg.Pool) -> None:
    telefono = f"443 {random.randint(100, 999)} {random.randint(1000, 9999)}"
    person = await factories.candidata(db)
    cid = person.candidatura_id
    candidata = make_client()
    await candidata.login(person.username)
    profesional = {"historia_profesional": f"Llámame al {telefono} y al correo yo{cid}@campana.invalid."}
    await fill_curricular(candidata, cid, profesional=profesional)
    overview = f"/captura/candidaturas/{cid}/curricular"
    assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
    flags = await eventually(
        lambda: db.fetch("SELECT id FROM validacion.banderas WHERE candidatura_id = $1 AND estado = 'abierta'", cid),
        within=30,
        what="the flags of the automatic checks",
    )
    transparencia = await _staff(make_client, db, "transparencia")
    motivo = _text("xss-desc", 0, 1, 2)
    nota = _text("xss-nota", 3, 4, 6)
    refused = await transparencia.submit(
        "/validacion/transparencia/",
        f"/validacion/transparencia/banderas/{flags[0]['id']}/descartar",
        {"motivo": motivo + " " + "x" * 1000},
    )
    assert refused.status == 422  # too long: the queue comes back with what was typed
    _assert_escaped(await refused.text(), [motivo], "refused decision")
    assert len(flags) >= 2, flags  # the telephone and the e-mail address
    decisions = [("descartar", {"motivo": motivo}), ("confirmar", {"nota": nota})]
    for flag, (decision, data) in zip(flags, decisions, strict=False):
        action = f"/validacion/transparencia/banderas/{flag['id']}/{decision}"
        response = await transparencia.submit("/validacion/transparencia/", action, data)
        assert response.status == 303, await response.text()
    said = [motivo, nota]
    review = await db.fetchval("SELECT id FROM validacion.revisiones WHERE candidatura_id = $1", cid)
    validador = make_client()
    await validador.login("demo-validador")
    await _pages(
        [
            (transparencia, f"/validacion/registro/candidaturas/{cid}/auditoria", said),
            (validador, f"/validacion/revisiones/{review}", []),
        ]
    )
    # The confirmation's note goes back to the candidate with the returned rubro.
    rubro = f"/captura/candidaturas/{cid}/curricular/profesional"

    async def noted() -> bool:
        return "xss-nota" in await (await candidata.get(rubro)).text()

    await eventually(noted, what="the note in captura")
    await _pages([(candidata, rubro, [nota])])


async def test_pause_reason(make_client: type[Client], db: asyncpg.Pool) -> None:
    person, _review = await _approved(db, make_client)
    cid = person.candidatura_id
    coordinacion = await _staff(make_client, db, "coordinacion")
    base = f"/validacion/registro/candidaturas/{cid}"
    motivo = _text("xss-pausa", 0, 1, 2, 3)
    citizen = make_client()

    async def published() -> bool:
        return (await citizen.get(f"/api/v1/candidaturas/{cid}")).status == 200

    await eventually(published, what="the published profile")
    paused = await coordinacion.submit(f"{base}/publicacion", f"{base}/pausar", {"motivo": motivo})
    assert paused.status == 303, await paused.text()
    await _pages([(coordinacion, f"{base}/publicacion", [motivo]), (coordinacion, f"{base}/auditoria", [motivo])])


async def test_monthly_incidents_on_the_page_and_in_its_pdf(make_client: type[Client], db: asyncpg.Pool) -> None:
    mes = tiempo.today(datetime.now(UTC), await zona(db)).replace(day=1)
    before = await db.fetchval("SELECT texto FROM reportes.incidencias WHERE mes = $1", mes)
    coordinacion = await _staff(make_client, db, "coordinacion")
    texto = _text("xss-inc", 0, 1, 8)
    path = f"{MENSUAL}?mes={mes:%Y-%m}"
    try:
        saved = await coordinacion.submit(path, MENSUAL + "/incidencias", {"mes": f"{mes:%Y-%m}", "incidencias": texto})
        assert saved.status == 303, await saved.text()
        await _pages([(coordinacion, path, [texto])])
        drawn = re.sub(r"\s+", "", pdf_text(await render_mensual(coordinacion, mes, None, "pdf")))
        assert re.sub(r"\s+", "", texto) in drawn
    finally:
        if before is None:
            await db.execute("DELETE FROM reportes.incidencias WHERE mes = $1", mes)
        else:
            await db.execute("UPDATE reportes.incidencias SET texto = $2 WHERE mes = $1", mes, before)


async def test_names_from_a_registry_import(make_client: type[Client], db: asyncpg.Pool) -> None:
    tag = random.randint(100000, 999999)
    postulante = f"Coalición <img src=x onerror=alert(22)> {tag}"
    nombre = f"Imp<script>alert({tag})</script>"
    municipio = await db.fetchval("SELECT clave FROM registro.municipios WHERE elige_ayuntamiento LIMIT 1")
    ambito = {"municipio": str(municipio), "partidos": "PT-PVEM"}
    rows = [
        persona("REG_RP", ambito, postulante, 900, "propietaria", nombre),
        persona("REG_RP", ambito, postulante, 900, "suplente", nombre + "s"),
    ]
    coordinacion = make_client()
    await coordinacion.login(COORDINACION)
    importacion_id, html = await preview(coordinacion, "xss.csv", csv_bytes(rows))
    _assert_escaped(html, [postulante, nombre], "import preview")
    assert "Lista para aplicar" in html, html[:3000]
    applied = await apply(coordinacion, importacion_id, crear_cuentas=False)
    assert applied.status == 303, await applied.text()
    postulante_id = await db.fetchval("SELECT id FROM registro.postulantes WHERE nombre = $1", postulante)
    try:
        hoy = tiempo.today(datetime.now(UTC), await zona(db))
        await _pages(
            [
                (coordinacion, f"/validacion/registro/candidaturas?q={tag}", [nombre]),
                (coordinacion, f"{AVANCE}?fecha={hoy.isoformat()}&postulante={postulante_id}", [postulante]),
            ]
        )
        _sha, pdf, _page = await render_avance(coordinacion, hoy, postulante_id, "pdf")
        assert re.sub(r"\s+", "", postulante) in re.sub(r"\s+", "", pdf_text(pdf))
    finally:
        await db.execute("DELETE FROM registro.candidaturas WHERE postulante_id = $1", postulante_id)


async def test_correction_request_motive(make_client: type[Client], db: asyncpg.Pool) -> None:
    person, _review = await _approved(db, make_client)
    cid = person.candidatura_id
    await eventually(
        lambda: db.fetchval("SELECT estado = 'publicado' FROM captura.cuestionarios WHERE candidatura_id = $1", cid),
        what="the publication",
    )
    candidata = make_client()
    await candidata.login(person.username)
    motivo = _text("xss-corr", 0, 1, 2, 3)
    page = f"/captura/candidaturas/{cid}/curricular/correccion"
    refused = await candidata.submit(page, page, {"motivo": motivo})  # no rubro marked: the form comes back
    assert refused.status == 422
    _assert_escaped(await refused.text(), [motivo], "correction form re-rendered")
    sent = await candidata.submit(page, page, {"rubro": "propuestas", "motivo": motivo})
    assert sent.status == 303, await sent.text()
    validador = make_client()
    await validador.login("demo-validador")

    async def listed() -> bool:
        return "xss-corr" in await (await validador.get("/validacion/correcciones")).text()

    await eventually(listed, what="the request in the staff list")
    await _pages([(validador, "/validacion/correcciones", [motivo])])


async def test_cancellation_and_substitution_motive(make_client: type[Client], db: asyncpg.Pool) -> None:
    # The motive is stored as registro.candidaturas.motivo_baja: the staff candidacy page shows it beside the
    # status, the audit page in the event's details, and a refused form gives it back in its textarea.
    postulante_id, _ = await factories.postulante(db)
    formula = await factories.formula_sin_cuentas(db, postulante_id)
    coordinacion = await _staff(make_client, db, "coordinacion")
    base = "/validacion/registro/candidaturas"
    cancelada, sustituida = formula.suplente, formula.propietaria
    baja = _text("xss-baja", 0, 1, 2, 3)
    page = f"{base}/{cancelada}"
    refused = await coordinacion.submit(page, f"{page}/cancelar", {"motivo": baja + " " + "x" * 1000})
    assert refused.status == 422  # too long: the form comes back with what was typed
    _assert_escaped(await refused.text(), [baja], "refused cancellation")
    cancelled = await coordinacion.submit(page, f"{page}/cancelar", {"motivo": baja})
    assert cancelled.status == 303, await cancelled.text()

    sustitucion = _text("xss-sust", 4, 6, 7, 8)
    nacimiento = date(1980, 1, 1) + timedelta(days=random.randint(0, 5000))
    page = f"{base}/{sustituida}"
    persona_nueva = {
        "nombre": "Renata",
        "primer_apellido": "Quiroz",
        "sexo": "mujer",
        "fecha_nacimiento": nacimiento.isoformat(),
        "curp": curp(nacimiento),
        "motivo": sustitucion,
    }
    done = await coordinacion.submit(page, f"{page}/sustituir", persona_nueva)
    assert done.status == 303, await done.text()
    stored = await db.fetch(
        "SELECT motivo_baja FROM registro.candidaturas WHERE id = ANY($1::int[]) ORDER BY id",
        sorted((cancelada, sustituida)),
    )
    assert {r["motivo_baja"] for r in stored} == {baja, sustitucion}
    await _pages(
        [
            (coordinacion, f"{base}/{cancelada}", [baja]),
            (coordinacion, f"{base}/{cancelada}/auditoria", [baja]),
            (coordinacion, f"{base}/{sustituida}", [sustitucion]),
            (coordinacion, f"{base}/{sustituida}/auditoria", [sustitucion]),
        ]
    )


async def test_party_representative_comments(make_client: type[Client], db: asyncpg.Pool) -> None:
    # Stored as captura.observaciones (fundamento "partido"): the candidate's overview, the returned rubro and
    # the history show them, to the candidate and to the representante; a refused return gives them back.
    async with paso_del_partido(db):
        person, candidata, overview = await _submitted_to_the_party(make_client, db)
        representante = make_client()
        await representante.login("demo-representante")
        comentario = _text("xss-partido", 0, 1, 2, 3, 4)
        devolver = f"{overview}/partido/devolver"
        refused = await representante.submit(
            overview, devolver, {"comentario_propuestas": comentario + " " + "x" * 2000}
        )
        assert refused.status == 422  # too long: the form comes back with what was typed
        _assert_escaped(await refused.text(), [comentario], "refused return")
        returned = await representante.submit(overview, devolver, {"comentario_propuestas": comentario})
        assert returned.status == 303, await returned.text()
        historial = f"/captura/candidaturas/{person.candidatura_id}/historial"
        await _pages(
            [
                (who, path, [comentario])
                for who in (candidata, representante)
                for path in (overview, f"{overview}/propuestas", historial)
            ]
        )
