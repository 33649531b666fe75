"""Deciding on reviews through the gateway: the claim, bulk approval, stale versions and two reviewers at once."""

from __future__ import annotations

import asyncio

import asyncpg

from . import factories
from .helpers import Client
from .revision_datos import bandera, curricular_enviado


async def reviewer(make_client: type[Client], db: asyncpg.Pool, role: str = "validador") -> tuple[Client, str]:
    username = await factories.cuenta(db, role)
    client = make_client()
    await client.login(username)
    return client, username


async def estado(db: asyncpg.Pool, review_id: int) -> str:
    value: str = await db.fetchval("SELECT estado FROM validacion.revisiones WHERE id = $1", review_id)
    return value


async def test_opening_a_review_claims_it_until_it_expires(make_client: type[Client], db: asyncpg.Pool) -> None:
    enviado = await curricular_enviado(make_client, db)
    detail = f"/validacion/revisiones/{enviado.review_id}"
    ana, ana_name = await reviewer(make_client, db)
    beto, _ = await reviewer(make_client, db, "coordinacion")
    mine = await (await ana.get(detail)).text()
    assert "Este cuestionario está reservado para ti hasta" in mine and f"{detail}/aprobar" in mine
    claimed = await db.fetchrow(
        "SELECT reclamada_por_nombre, reclamada_hasta - now() AS resta FROM validacion.revisiones WHERE id = $1",
        enviado.review_id,
    )
    assert claimed["reclamada_por_nombre"] == ana_name
    assert 25 * 60 < claimed["resta"].total_seconds() <= 30 * 60  # the default 30 minutes
    audited = await db.fetchval(
        "SELECT count(*) FROM audit.eventos WHERE action = 'reclamar_revision' AND entity_id = $1",
        str(enviado.review_id),
    )
    assert audited == 1
    await ana.get(detail)  # opening it again renews her claim, without a new audit entry
    assert (
        await db.fetchval(
            "SELECT count(*) FROM audit.eventos WHERE action = 'reclamar_revision' AND entity_id = $1",
            str(enviado.review_id),
        )
        == 1
    )

    other = await (await beto.get(detail)).text()
    assert f"En revisión por {ana_name} hasta" in other
    assert f"{detail}/aprobar" not in other and f"{detail}/devolver" not in other
    queue = await (await beto.get("/validacion/")).text()
    row = next(r for r in queue.split("<tr>") if f'href="{detail}"' in r)
    assert ana_name in row and 'name="revision"' not in row
    token = await beto.csrf("/validacion/")
    refused = await beto.post(f"{detail}/aprobar", data={"csrf_token": token, "numero": "1"})
    assert refused.status == 409
    assert f"está en revisión por {ana_name} hasta" in await refused.text()
    returned = await beto.post(
        f"{detail}/devolver",
        data={
            "csrf_token": token,
            "numero": "1",
            "observar_propuestas": "1",
            "fundamento_propuestas": "incompleto",
            "texto_propuestas": "Falta la propuesta de género.",
        },
    )
    assert returned.status == 409
    assert await estado(db, enviado.review_id) == "pendiente"

    # The claim ends on its own: once its time has passed, another reviewer takes it over and decides.
    await db.execute(
        "UPDATE validacion.revisiones SET reclamada_hasta = now() - interval '1 second' WHERE id = $1",
        enviado.review_id,
    )
    taken = await (await beto.get(detail)).text()
    assert "Este cuestionario está reservado para ti" in taken
    stolen = await ana.post(f"{detail}/aprobar", data={"csrf_token": await ana.csrf("/validacion/"), "numero": "1"})
    assert stolen.status == 409
    approved = await beto.submit(detail, f"{detail}/aprobar", {"numero": "1"})
    assert approved.status == 303, await approved.text()
    assert await estado(db, enviado.review_id) == "aprobada"


async def test_bulk_approval_takes_the_clean_items_and_lists_the_refused(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    limpios = [await curricular_enviado(make_client, db) for _ in range(2)]
    con_bandera = await curricular_enviado(make_client, db)
    await bandera(db, con_bandera.review_id, inicio=0, fin=8)
    informativa = await curricular_enviado(make_client, db)
    await bandera(db, informativa.review_id, tipo="propuesta_copiada", clase="plataforma_comun", estado="informativa")
    reclamado = await curricular_enviado(make_client, db)
    ana, ana_name = await reviewer(make_client, db)
    await ana.get(f"/validacion/revisiones/{reclamado.review_id}")

    beto, _ = await reviewer(make_client, db)
    queue = await (await beto.get("/validacion/")).text()
    for item in (*limpios, informativa):
        assert f'value="{item.review_id}:1"' in queue
    for item in (con_bandera, reclamado):
        assert f'value="{item.review_id}:1"' not in queue
    token = await beto.csrf("/validacion/")
    # Without the session's token nothing is approved.
    forged = await beto.post("/validacion/cola/aprobar", data={"revision": f"{limpios[0].review_id}:1"})
    assert forged.status == 403
    assert await estado(db, limpios[0].review_id) == "pendiente"
    # The form ticks everything, as a hand-made request could: the server refuses what the queue would not offer.
    chosen = [*limpios, informativa, con_bandera, reclamado]
    data = [("csrf_token", token), *[("revision", f"{e.review_id}:1") for e in chosen]]
    response = await beto.post("/validacion/cola/aprobar", data=data)
    text = await response.text()
    assert response.status == 200, text
    assert "Se aprobaron 3 cuestionarios" in text
    for item in (*limpios, informativa):
        assert await estado(db, item.review_id) == "aprobada"
        assert item.person.nombre in text
    for item in (con_bandera, reclamado):
        assert await estado(db, item.review_id) == "pendiente"
    assert "No se aprobaron 2 cuestionarios" in text
    assert f"El cuestionario de {con_bandera.person.nombre} tiene banderas abiertas" in text
    assert f"El cuestionario de {reclamado.person.nombre} está en revisión por {ana_name} hasta" in text
    # Each approval is audited exactly like a single one, and sends the same jobs.
    for item in (*limpios, informativa):
        details = await db.fetchval(
            "SELECT details FROM audit.eventos WHERE action = 'aprobar' AND entity_id = $1",
            str(item.person.candidatura_id),
        )
        assert details == {"revision": item.review_id, "cuestionario": "curricular", "numero": 1}
        assert (
            await db.fetchval(
                "SELECT count(*) FROM outbox.jobs WHERE function = 'captura.set_estado' "
                "AND args->>'candidatura_id' = $1 AND args->>'estado' = 'validado'",
                str(item.person.candidatura_id),
            )
            >= 1
        )
    nothing = await beto.post("/validacion/cola/aprobar", data={"csrf_token": token})
    assert nothing.status == 422
    assert "Marca al menos un cuestionario" in await nothing.text()


async def test_a_stale_version_is_refused_with_a_link_to_the_current_one(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    enviado = await curricular_enviado(make_client, db)
    detail = f"/validacion/revisiones/{enviado.review_id}"
    ana, _ = await reviewer(make_client, db)
    token = await ana.csrf("/validacion/")
    # A form for another version than the one in review.
    wrong = await ana.post(f"{detail}/aprobar", data={"csrf_token": token, "numero": "7"})
    assert wrong.status == 409
    assert "ya no es la que está en revisión" in await wrong.text()
    # A newer submission of the same questionnaire arrived (as validacion.open_review writes it).
    newer = await db.fetchval(
        """INSERT INTO validacion.revisiones (envio_id, candidatura_id, cuestionario, numero, datos)
           SELECT envio_id + 1000000000, candidatura_id, cuestionario, numero + 1, datos
           FROM validacion.revisiones WHERE id = $1 RETURNING id""",
        enviado.review_id,
    )
    for action in ("aprobar", "devolver"):
        data = {
            "csrf_token": token,
            "numero": "1",
            "observar_propuestas": "1",
            "fundamento_propuestas": "incompleto",
            "texto_propuestas": "Falta la propuesta de género.",
        }
        stale = await ana.post(f"{detail}/{action}", data=data)
        text = await stale.text()
        assert stale.status == 409, text
        assert "Hay un envío más reciente (envío 2)" in text and "No se cambió nada." in text
        assert f'href="/validacion/revisiones/{newer}">Abrir la revisión vigente (envío 2)</a>' in text
    assert await estado(db, enviado.review_id) == "pendiente"
    current = await ana.submit(
        f"/validacion/revisiones/{newer}", f"/validacion/revisiones/{newer}/aprobar", {"numero": "2"}
    )
    assert current.status == 303, await current.text()


async def test_two_reviewers_at_once_never_both_win(make_client: type[Client], db: asyncpg.Pool) -> None:
    ana, _ = await reviewer(make_client, db)
    beto, _ = await reviewer(make_client, db, "coordinacion")
    tokens = (await ana.csrf("/validacion/"), await beto.csrf("/validacion/"))
    devolver = {"observar_propuestas": "1", "fundamento_propuestas": "incompleto", "texto_propuestas": "Falta."}
    for second_action, extra in (("aprobar", {}), ("devolver", devolver)):
        enviado = await curricular_enviado(make_client, db)
        detail = f"/validacion/revisiones/{enviado.review_id}"
        # Neither opened the page (so neither holds a claim): both decisions reach the database together.
        responses = await asyncio.gather(
            ana.post(f"{detail}/aprobar", data={"csrf_token": tokens[0], "numero": "1"}),
            beto.post(f"{detail}/{second_action}", data={"csrf_token": tokens[1], "numero": "1", **extra}),
        )
        statuses = sorted(r.status for r in responses)
        assert statuses == [303, 409], [(r.status, await r.text()) for r in responses]
        loser = next(r for r in responses if r.status == 409)
        assert "ya fue" in await loser.text() and "por otra decisión" in await loser.text()
        decisions = await db.fetchval(
            "SELECT count(*) FROM audit.eventos WHERE action IN ('aprobar', 'devolver') AND entity_id = $1",
            str(enviado.person.candidatura_id),
        )
        assert decisions == 1
        assert await db.fetchval(
            "SELECT count(*) FROM validacion.observaciones WHERE revision_id = $1", enviado.review_id
        ) == (1 if await estado(db, enviado.review_id) == "devuelta" else 0)
