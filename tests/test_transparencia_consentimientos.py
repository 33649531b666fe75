"""The Unidad de Transparencia's consents screens (served by captura under /validacion/transparencia/consentimientos)
and the avisos de privacidad (served by publico under /validacion/transparencia/avisos), through the gateway."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
from redis.asyncio import Redis

from launcher.system import System
from services.common import contracts
from services.publico.identidad import PUBLISH_IDENTIDAD_SQL
from services.publico.sql import PUBLISH_SQL

from . import factories
from .helpers import Client, eventually
from .test_identidad import RESPUESTAS, _consentir
from .uploads import upload

LISTA = "/validacion/transparencia/consentimientos"
AVISOS = "/validacion/transparencia/avisos"
SIGNED_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
INDIGENA, DIVERSIDAD = "Persona indígena", "Persona de la diversidad sexual (LGBTTTIQ+)"


def _detalle(candidatura_id: int) -> str:
    return f"{LISTA}/{candidatura_id}"


async def _transparencia(make_client: type[Client]) -> Client:
    client = make_client()
    await client.login("demo-transparencia")
    return client


async def _revocar(client: Client, candidatura_id: int, tipo: int, folio: str, **extra: str) -> Any:
    # Yesterday: today in UTC may already be tomorrow in the process's zone.
    ayer = (date.today() - timedelta(days=1)).isoformat()
    data = {"tipo": str(tipo), "fecha_solicitud": ayer, "folio": folio, **extra}
    return await client.submit(_detalle(candidatura_id), f"{_detalle(candidatura_id)}/revocar", data)


async def _publicada_por_la_candidata(
    make_client: type[Client], db: asyncpg.Pool, siglas: str, accion_afirmativa: str | None = None
) -> int:
    """A candidacy that granted consents 1, 2 and 3 on its own page, with its identity and curricular published
    (the jobs validacion sends on approval; the review path has its own tests)."""
    candidata = await factories.candidata(db, siglas=siglas)
    cid = candidata.candidatura_id
    if accion_afirmativa:
        await db.execute(
            "UPDATE registro.candidaturas SET accion_afirmativa = $2 WHERE id = $1", cid, accion_afirmativa
        )
    client = make_client()
    await client.login(candidata.username)
    await _consentir(client, cid, 1, 2, 3)
    seq = await db.fetchval("SELECT max(id) FROM captura.consentimientos WHERE candidatura_id = $1", cid)
    now = datetime.now(UTC).isoformat()
    async with db.acquire() as conn, conn.transaction():
        for cuestionario, version in (
            (
                "identidad",
                contracts.Version(
                    respuestas=RESPUESTAS,
                    consentimientos=contracts.Consentimientos(publicacion=True, estadistica=True, seq=seq),
                ),
            ),
            ("curricular", contracts.Version(respuestas={"propuestas": {"propuesta_1": "Agua para las tenencias"}})),
        ):
            await contracts.send(
                conn,
                contracts.Publish(
                    candidatura_id=cid,
                    cuestionario=cuestionario,
                    numero=1,
                    version=version,
                    declarado_at=now,
                    revisado_at=now,
                ),
            )
    return cid


async def _fondo_estadistico(db: asyncpg.Pool, siglas: str, n: int) -> None:
    """``n`` published indigenous candidacies with consent 3, so the group's cell is over the suppression limit."""
    now = datetime.now(UTC)
    for _ in range(n):
        cid = (await factories.candidata(db, siglas=siglas)).candidatura_id
        await db.execute(PUBLISH_SQL, cid, "fondo", {"formacion": {"grado_maximo": "Licenciatura"}}, 1, now, now, None)
        identidad = {"grupos": [INDIGENA], "respuestas": {}, "revisado_at": ""}
        await db.execute(PUBLISH_IDENTIDAD_SQL, cid, "fondo", identidad, 1, False, True, 1)


async def _perfil(citizen: Client, cid: int) -> str:
    response = await citizen.get(f"/candidaturas/{cid}")
    text = await response.text()
    return text if response.status == 200 and "Agua para las tenencias" in text else ""


async def _grupos(citizen: Client, siglas: str) -> dict[str, Any]:
    body = await (await citizen.get("/api/v1/estadisticas", params={"postulante": siglas})).json()
    return {c["etiqueta"]: c["valor"] for c in body["tablas"]["grupos"]["celdas"]}


async def _en_grupo(citizen: Client, siglas: str, grupo: str) -> set[int]:
    response = await citizen.get("/api/v1/candidaturas", params={"postulante": siglas, "grupo": grupo})
    body = await response.json()
    assert response.status == 200, body
    return {r["id"] for r in body["resultados"]}


async def test_a_written_revocation_takes_identity_off_the_public_site_except_the_affirmative_action_group(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    _, siglas = await factories.postulante(db, "partido")
    await _fondo_estadistico(db, siglas, 5)
    cid = await _publicada_por_la_candidata(make_client, db, siglas)
    aa = await _publicada_por_la_candidata(make_client, db, siglas, accion_afirmativa="Indígena")
    citizen = make_client()
    for c in (cid, aa):
        perfil = await eventually(lambda c=c: _perfil(citizen, c), what="the published profile")
        assert INDIGENA in perfil and DIVERSIDAD in perfil
    assert {cid, aa} <= await _en_grupo(citizen, siglas, DIVERSIDAD)
    assert (await _grupos(citizen, siglas))[INDIGENA] == 7

    staff = await _transparencia(make_client)
    page = await (await staff.get(_detalle(cid))).text()
    assert "Registrar una revocación solicitada por escrito" in page
    folio = f"UT/{uuid.uuid4().hex[:6]}/2027"
    revoked = await _revocar(staff, cid, 2, folio, nota="Escrito entregado en oficialía de partes.")
    assert revoked.status == 303, await revoked.text()
    detalle = await (await staff.get(revoked.headers["Location"])).text()
    assert "Quedó registrada la revocación" in detalle
    assert f"Solicitud por escrito, folio {folio}" in detalle and "oficialía de partes" in detalle

    async def sin_identidad() -> str:
        perfil = await _perfil(citizen, cid)
        return perfil if perfil and INDIGENA not in perfil and DIVERSIDAD not in perfil else ""

    await eventually(sin_identidad, within=10, what="the identity off the profile")
    assert cid not in await _en_grupo(citizen, siglas, DIVERSIDAD)
    assert (await _grupos(citizen, siglas))[INDIGENA] == 7  # consent 3 still stands: still counted

    assert (await _revocar(staff, cid, 3, folio + "-b")).status == 303

    async def descontada() -> bool:
        return (await _grupos(citizen, siglas))[INDIGENA] == 6

    assert await eventually(descontada, within=10, what="the statistics without the revoked consent 3")

    # The acción afirmativa registration: its group stays on the profile and in the statistics.
    assert (await _revocar(staff, aa, 2, folio + "-c")).status == 303
    assert (await _revocar(staff, aa, 3, folio + "-d")).status == 303

    async def solo_el_grupo_de_la_accion() -> str:
        perfil = await _perfil(citizen, aa)
        return perfil if perfil and DIVERSIDAD not in perfil else ""

    perfil = await eventually(solo_el_grupo_de_la_accion, within=10, what="the AA profile without the other groups")
    assert INDIGENA in perfil
    assert await eventually(
        lambda: db.fetchval(
            "SELECT NOT identidad_estadistica AND NOT identidad_publica FROM publico.candidaturas WHERE id = $1", aa
        ),
        what="the AA revocations applied",
    )
    assert (await _grupos(citizen, siglas))[INDIGENA] == 6
    assert aa not in await _en_grupo(citizen, siglas, DIVERSIDAD)
    assert aa in await _en_grupo(citizen, siglas, INDIGENA)

    events = await db.fetch(
        "SELECT actor_username, details FROM audit.eventos WHERE action = 'revocar_consentimiento' "
        "AND entity_id = $1::text AND details->>'origen' = 'solicitud_escrita' ORDER BY id",
        str(cid),
    )
    assert [(e["actor_username"], e["details"]["tipo"], e["details"]["folio"]) for e in events] == [
        ("demo-transparencia", 2, folio),
        ("demo-transparencia", 3, folio + "-b"),
    ]
    history = await db.fetch(
        "SELECT c.tipo, c.otorgado, r.folio FROM captura.consentimientos c "
        "LEFT JOIN captura.revocaciones_escritas r ON r.consentimiento_id = c.id WHERE c.candidatura_id = $1 "
        "ORDER BY c.id",
        cid,
    )
    assert [tuple(r.values()) for r in history] == [
        (1, True, None),
        (2, True, None),
        (3, True, None),
        (2, False, folio),
        (3, False, folio + "-b"),
    ]


async def test_a_bad_revocation_is_refused_with_the_input_kept(make_client: type[Client], db: asyncpg.Pool) -> None:
    candidata = await factories.candidata(db)
    cid = candidata.candidatura_id
    client = make_client()
    await client.login(candidata.username)
    await _consentir(client, cid, 1, 2)
    staff = await _transparencia(make_client)
    before = await db.fetchval("SELECT count(*) FROM captura.consentimientos WHERE candidatura_id = $1", cid)

    missing = await _revocar(staff, cid, 2, "  ", nota="Nota que se conserva")
    text = await missing.text()
    assert missing.status == 422 and "Escribe el folio o la referencia del escrito." in text
    assert "Nota que se conserva" in text and re.search(r'value="2"\s+checked', text)
    manana = (date.today() + timedelta(days=2)).isoformat()
    future = await _revocar(staff, cid, 2, "F-1", fecha_solicitud=manana)
    text = await future.text()
    assert future.status == 422 and "no puede ser posterior a hoy" in text and f'value="{manana}"' in text
    not_granted = await _revocar(staff, cid, 3, "F-2")
    assert not_granted.status == 409
    assert "La autorización 3 no está otorgada ahora" in await not_granted.text()
    consent_1 = await _revocar(staff, cid, 1, "F-3")
    assert consent_1.status == 422 and "la 2 (publicación) o la 3" in await consent_1.text()
    token = await staff.csrf(_detalle(cid))
    unknown = await staff.post(
        f"{LISTA}/2000000000/revocar",
        data={"csrf_token": token, "tipo": "2", "fecha_solicitud": "2027-01-01", "folio": "F-4"},
    )
    assert unknown.status == 404
    assert (await staff.get(f"{LISTA}/2000000000")).status == 404
    assert await db.fetchval("SELECT count(*) FROM captura.consentimientos WHERE candidatura_id = $1", cid) == before

    # Once recorded, the candidate's own page says who withdrew it and why, and the box is unticked.
    assert (await _revocar(staff, cid, 2, "UT/77")).status == 303
    own = await (await client.get(f"/captura/candidaturas/{cid}/consentimiento")).text()
    assert "Retirada por la Unidad de Transparencia, a solicitud tuya por escrito (folio UT/77)" in own
    assert not re.search(r'name="consentimiento_2" value="1"\s+checked', own)


async def test_the_list_searches_pages_and_shows_each_consent_and_the_signed_form(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    independiente = await factories.candidata_independiente(db)
    sin_formato = await factories.candidata_independiente(db)
    cid = independiente.candidatura_id
    client = make_client()
    await client.login(independiente.username)
    await _consentir(client, cid, 1, 3)
    page = f"/captura/candidaturas/{cid}/consentimiento"
    uploaded = await upload(
        client, page, f"{page}/documento", "documento", SIGNED_PDF, "firmado.pdf", "application/pdf"
    )
    assert uploaded.status == 303, await uploaded.text()
    # The candidate's own page links to the aviso in force.
    assert 'href="/privacidad#aviso-integral"' in await (await client.get(page)).text()

    staff = await _transparencia(make_client)
    listed = await staff.get(LISTA, params={"q": independiente.nombre.split()[0].upper()})
    text = await listed.text()
    assert listed.status == 200 and "no-store" in listed.headers["Cache-Control"]
    row = re.search(rf'href="{_detalle(cid)}".*?</tr>', text, re.S)
    assert row, text
    cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(0)))
    assert "Otorgada" in cells and "Sin otorgar" in cells and "Entregado" in cells
    assert 'href="/validacion/transparencia/"' in text  # C's flag queue, through ruta()

    # Searched by name too: other tests leave pending forms of their own, enough to push this one off page 1.
    async def pending(who: factories.Candidata) -> str:
        query = {"filtro": "formato_pendiente", "q": who.nombre.split()[0].upper()}
        return await (await staff.get(LISTA, params=query)).text()

    sin_formato_listed = await pending(sin_formato)
    assert f'href="{_detalle(sin_formato.candidatura_id)}"' in sin_formato_listed
    assert "Pendiente (obligatorio)" in sin_formato_listed
    assert f'href="{_detalle(cid)}"' not in await pending(independiente)

    first = await (await staff.get(LISTA)).text()
    total = int(re.search(r"([\d,]+) candidaturas", first).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert total > 50 and "Página 1 de" in first and 'rel="next"' in first
    second = await staff.get(LISTA, params={"pagina": "2"})
    assert second.status == 200 and "Página 2 de" in await second.text()
    for params in ({"pagina": "cero"}, {"pagina": "0"}, {"pagina": "99999999999"}, {"filtro": "todo"}):
        bad = await staff.get(LISTA, params=params)
        assert bad.status == 400, params
        assert "Revisa lo siguiente" in await bad.text()

    detalle = await (await staff.get(_detalle(cid))).text()
    link = re.search(rf'href="({_detalle(cid)}/documentos/\d+)"', detalle)
    assert link and "Descargar el formato entregado" in detalle
    downloaded = await staff.get(link.group(1))
    assert downloaded.status == 200 and await downloaded.read() == SIGNED_PDF
    assert downloaded.headers["Cache-Control"] == "private, no-store"
    assert downloaded.headers["Content-Type"] == "application/pdf"
    assert downloaded.headers["Content-Disposition"].startswith("attachment;")
    assert await db.fetchval(
        "SELECT count(*) FROM audit.eventos WHERE action = 'descargar_consentimiento' AND entity_id = $1::text "
        "AND actor_username = 'demo-transparencia'",
        str(cid),
    )
    other = await staff.get(f"{_detalle(sin_formato.candidatura_id)}/documentos/{link.group(1).rsplit('/', 1)[1]}")
    assert other.status == 404  # a form is reached only through its own candidacy


async def test_who_may_read_and_who_may_revoke(make_client: type[Client], db: asyncpg.Pool) -> None:
    candidata = await factories.candidata(db)
    cid = candidata.candidatura_id
    owner = make_client()
    await owner.login(candidata.username)
    await _consentir(owner, cid, 1, 2)
    for username in ("demo-coordinacion", "demo-admin"):
        reader = make_client()
        await reader.login(username)
        page = await reader.get(_detalle(cid))
        text = await page.text()
        assert page.status == 200 and "Autorizaciones vigentes" in text
        assert "Registrar una revocación" not in text  # reading only
        token = re.search(r'name="csrf_token" value="([^"]+)"', text)
        assert token
        refused = await reader.post(
            f"{_detalle(cid)}/revocar",
            data={"csrf_token": token.group(1), "tipo": "2", "fecha_solicitud": "2027-01-01", "folio": "X"},
        )
        assert refused.status == 403, username
    for username in ("demo-validador", "demo-igualdad", candidata.username):
        other = make_client()
        await other.login(username)
        for path in (LISTA, _detalle(cid), AVISOS):
            assert (await other.get(path)).status == 403, (username, path)
    anonymous = make_client()
    assert (await anonymous.get(LISTA)).status in (303, 401)
    assert await db.fetchval(
        "SELECT otorgado FROM captura.consentimientos WHERE candidatura_id = $1 AND tipo = 2 ORDER BY id DESC LIMIT 1",
        cid,
    )


async def test_transparencia_publishes_a_new_aviso_version_shown_at_once_with_the_earlier_ones(
    make_client: type[Client], db: asyncpg.Pool, system: System
) -> None:
    staff = await _transparencia(make_client)
    citizen = make_client()
    vigente = await db.fetchval("SELECT max(version) FROM publico.avisos_privacidad WHERE tipo = 'integral'")
    marca = uuid.uuid4().hex[:8]
    texto = f"Responsable {marca}. {{instituto}} trata los datos de las candidaturas.\r\n\r\nSegundo párrafo del aviso."
    try:
        page = await staff.get(AVISOS)
        assert page.status == 200 and "no-store" in page.headers["Cache-Control"]
        assert f"versión {vigente}" in await page.text()

        short = await staff.submit(AVISOS, f"{AVISOS}/integral", {"texto": "Muy corto.", "version_base": str(vigente)})
        text = await short.text()
        assert short.status == 422 and "demasiado corto" in text and "Muy corto." in text

        saved = await staff.submit(AVISOS, f"{AVISOS}/integral", {"texto": texto, "version_base": str(vigente)})
        assert saved.status == 303, await saved.text()
        assert f"Se publicó la versión {vigente + 1}." in await (await staff.get(saved.headers["Location"])).text()

        # Started from the version that is no longer in force: refused, the text kept to copy.
        stale = await staff.submit(
            AVISOS, f"{AVISOS}/integral", {"texto": texto + " Otro cambio.", "version_base": str(vigente)}
        )
        text = await stale.text()
        assert stale.status == 409 and "Otra persona publicó una versión nueva" in text and "Otro cambio." in text
        assert (await staff.submit(AVISOS, f"{AVISOS}/otro", {"texto": texto, "version_base": "1"})).status == 404

        privacidad = await (await citizen.get("/privacidad")).text()
        assert f"Responsable {marca}. Instituto Electoral de Michoacán trata" in privacidad
        assert f"Versión {vigente + 1}, vigente desde el" in privacidad
        assert f"Versiones anteriores del aviso integral ({vigente})" in privacidad
        assert "Versión 1, vigente del" in privacidad
        assert privacidad.count("Texto predeterminado del sistema") == 1  # the simplificado is still the default

        audit = await db.fetchrow(
            "SELECT actor_username, details FROM audit.eventos WHERE action = 'publicar_aviso_privacidad' "
            "ORDER BY id DESC LIMIT 1"
        )
        assert audit["actor_username"] == "demo-transparencia"
        assert audit["details"]["version"] == vigente + 1 and audit["details"]["tipo"] == "integral"

        # The staff page never enters publico's public cache.
        redis = Redis.from_url(system.redis_url)
        try:
            keys = [k async for k in redis.scan_iter("publico:cache:*")]
        finally:
            await redis.aclose()
        assert keys and not [k for k in keys if b"/validacion/" in k]

        reader = make_client()
        await reader.login("demo-coordinacion")
        read_only = await (await reader.get(AVISOS)).text()
        assert f"versión {vigente + 1}" in read_only and "Publicar versión nueva" not in read_only
        token = re.search(r'name="csrf_token" value="([^"]+)"', read_only)
        assert token
        refused = await reader.post(
            f"{AVISOS}/integral", data={"csrf_token": token.group(1), "texto": texto, "version_base": str(vigente + 1)}
        )
        assert refused.status == 403
    finally:
        await db.execute("DELETE FROM publico.avisos_privacidad WHERE tipo = 'integral' AND version > $1", vigente)
