"""The reviewer's page through the gateway: the photo and the signed form served by captura to staff only, the
automatic checks' flags with their spans, the diff with the last validated version, the identity questionnaire
with its labels and grounds, and a read-only page for transparencia and admin."""

from __future__ import annotations

import re

import asyncpg

from . import factories
from .helpers import CURRICULAR_COMPLETO, Client
from .revision_datos import (
    CURP_PLANTADA,
    SIGNED_PDF,
    TRAYECTORIA_CON_CURP,
    bandera,
    curricular_enviado,
    pending_review,
    second_version,
)
from .test_identidad import RESPUESTAS, _consentir, _save

TRAYECTORIA = {**CURRICULAR_COMPLETO["trayectoria"], "trayectoria_politica": TRAYECTORIA_CON_CURP}


async def staff(make_client: type[Client], db: asyncpg.Pool, role: str) -> Client:
    client = make_client()
    await client.login(await factories.cuenta(db, role))
    return client


async def test_staff_see_the_submitted_photo_and_the_signed_form_and_nobody_else(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    enviado = await curricular_enviado(make_client, db, foto=True, independiente=True)
    candidatura_id = enviado.person.candidatura_id
    datos = await db.fetchval("SELECT datos FROM validacion.revisiones WHERE id = $1", enviado.review_id)
    sha = datos["foto"]["sha256"]
    validador = await staff(make_client, db, "validador")
    page = await (await validador.get(f"/validacion/revisiones/{enviado.review_id}")).text()
    foto = f"/captura/personal/candidaturas/{candidatura_id}/foto/{sha}.jpg"
    documento = f"/captura/personal/candidaturas/{candidatura_id}/consentimiento/documento"
    assert f'src="{foto}"' in page and f'alt="Fotografía enviada por {enviado.person.nombre}"' in page
    assert f'href="{documento}"' in page

    for role in ("validador", "coordinacion", "transparencia", "admin"):
        client = validador if role == "validador" else await staff(make_client, db, role)
        image = await client.get(foto)
        assert image.status == 200, role
        assert image.headers["Content-Type"] == "image/jpeg"
        assert image.headers["Cache-Control"] == "private, no-store"
        assert (await image.read())[:2] == b"\xff\xd8"
        signed = await client.get(documento)
        assert signed.status == 200, role
        assert await signed.read() == SIGNED_PDF
        assert signed.headers["Cache-Control"] == "private, no-store"
        assert signed.headers["Content-Disposition"].startswith("attachment;")

    # Deny by default: the candidate herself, another role, a visitor; a hash the candidacy never uploaded.
    igualdad = await staff(make_client, db, "igualdad")
    for client in (enviado.client, igualdad):
        assert (await client.get(foto)).status == 403
        assert (await client.get(documento)).status == 403
    visitor = make_client()
    assert (await visitor.get(foto)).status in (302, 303, 401)
    other = await factories.candidata(db)
    assert (await validador.get(f"/captura/personal/candidaturas/{other.candidatura_id}/foto/{sha}.jpg")).status == 404
    assert (await validador.get(f"/captura/personal/candidaturas/{candidatura_id}/foto/{'0' * 64}.jpg")).status == 404
    missing = await validador.get(f"/captura/personal/candidaturas/{other.candidatura_id}/consentimiento/documento")
    assert missing.status == 404
    assert "todavía no ha subido el formato de consentimiento firmado" in await missing.text()


async def test_flags_show_their_exact_span_state_and_the_other_candidacy(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    otra = await curricular_enviado(make_client, db)
    enviado = await curricular_enviado(make_client, db, trayectoria=TRAYECTORIA)
    inicio = TRAYECTORIA_CON_CURP.index(CURP_PLANTADA)
    await bandera(db, enviado.review_id, inicio=inicio, fin=inicio + len(CURP_PLANTADA), fragmento=CURP_PLANTADA)
    propuesta = CURRICULAR_COMPLETO["propuestas"]["propuesta_1"]
    copia = {"tipo": "propuesta_copiada", "rubro": "propuestas", "campo": "propuesta_1", "fin": len(propuesta)}
    await bandera(
        db, enviado.review_id, **copia, clase="copia", otra_candidatura_id=otra.person.candidatura_id, similitud=1.0
    )
    await bandera(
        db,
        enviado.review_id,
        **copia,
        clase="plataforma_comun",
        estado="informativa",
        inicio=1,
        otra_candidatura_id=otra.person.candidatura_id,
        similitud=0.97,
    )
    validador = await staff(make_client, db, "validador")
    page = await (await validador.get(f"/validacion/revisiones/{enviado.review_id}")).text()
    marked = f'<mark class="bandera">{CURP_PLANTADA}</mark> <span class="bandera-clase">[Posible CURP]</span>'
    assert marked in page
    assert page.count(marked) == 2  # in the flags' list and in the answers themselves
    assert "Regidora 2018-2021. Mi CURP es <mark" in page  # the year range is not part of the span
    assert "Abierta: la decide la Unidad de Transparencia" in page
    assert "Propuesta igual a la de otra candidatura" in page
    assert f'href="/validacion/revisiones/{otra.review_id}?consulta=1">Ver el envío de {otra.person.nombre}</a>' in page
    # Following it to compare does not take the other review away from whoever reviews it.
    assert (await validador.get(f"/validacion/revisiones/{otra.review_id}?consulta=1")).status == 200
    assert await db.fetchval("SELECT reclamada_por FROM validacion.revisiones WHERE id = $1", otra.review_id) is None
    assert "(similitud 100 %)" in page
    assert "Plataforma común del mismo postulante" in page
    assert "Estado: Informativa, no es una falta." in page
    assert "2 banderas abiertas" in page and "dato_sensible" not in page and "plataforma_comun" not in page
    # The queue counts the open flags and offers no bulk checkbox for it.
    queue = await (await validador.get("/validacion/")).text()
    row = next(r for r in queue.split("<tr>") if f'/validacion/revisiones/{enviado.review_id}"' in r)
    assert "<td>2</td>" in row and 'name="revision"' not in row


async def test_the_second_version_is_shown_beside_the_last_validated_one(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    enviado = await curricular_enviado(make_client, db)
    validador = await staff(make_client, db, "validador")
    first = await (await validador.get(f"/validacion/revisiones/{enviado.review_id}")).text()
    assert "Todavía no hay una versión validada de este cuestionario" in first
    nuevas = {**CURRICULAR_COMPLETO["propuestas"], "propuesta_1": "Agua potable y drenaje en cada colonia <b>ya</b>."}
    second_id = await second_version(enviado, validador, db, nuevas)
    page = await (await validador.get(f"/validacion/revisiones/{second_id}")).text()
    assert "Se compara con el envío 1, aprobado el" in page
    diff = re.search(r'<dt>Propuesta 1</dt><dd class="diff">(.*?)</dd>', page, re.S)
    assert diff, page
    html = diff.group(1)
    assert '<del><span class="visualmente-oculto">[se quitó: </span>colonia.' in html
    assert "<ins>" in html and "drenaje" in html and "&lt;b&gt;ya&lt;/b&gt;" in html and "<b>" not in html
    assert html.startswith("Agua potable<ins>")
    assert '<dt>Propuesta 2</dt><dd class="diff">' not in page  # unchanged fields are not listed
    assert page.count("Sin cambios.") == 4  # the four other rubros
    assert re.search(r"<dt>Propuesta 1 <span class=\"badge\">Cambió</span></dt>", page)

    # The approved first version is stale: approving it again is refused with a link to the current one.
    token = await validador.csrf("/validacion/")
    stale = await validador.post(
        f"/validacion/revisiones/{enviado.review_id}/aprobar", data={"csrf_token": token, "numero": "1"}
    )
    assert stale.status == 409
    text = await stale.text()
    assert "Hay un envío más reciente (envío 2)" in text
    assert f'href="/validacion/revisiones/{second_id}">Abrir la revisión vigente (envío 2)</a>' in text


async def test_the_identity_review_reads_labels_flags_and_identity_grounds(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    person = await factories.candidata(db)
    candidata = make_client()
    await candidata.login(person.username)
    especificado = "Comunidad de Cherán, mi teléfono es 443 555 0199"
    respuestas = {
        **RESPUESTAS,
        "indigena": {
            "indigena": "si",
            "indigena_pueblo": "otro",
            "indigena_pueblo_otro": especificado,
            "indigena_lengua_habla": "no",
        },
    }
    for dimension, data in respuestas.items():
        await _save(candidata, person.candidatura_id, dimension, data)
    await _consentir(candidata, person.candidatura_id, 1)
    overview = f"/captura/candidaturas/{person.candidatura_id}/identidad"
    assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
    review_id = await pending_review(db, person.candidatura_id, "identidad")
    inicio = especificado.index("443")
    await bandera(
        db,
        review_id,
        clase="telefono",
        rubro="indigena",
        campo="indigena_pueblo_otro",
        inicio=inicio,
        fin=len(especificado),
        fragmento=especificado[inicio:],
    )
    validador = await staff(make_client, db, "validador")
    page = await (await validador.get(f"/validacion/revisiones/{review_id}")).text()
    assert "¿A qué pueblo o comunidad indígena pertenece? (texto que especificó)" in page
    assert '<mark class="bandera">443 555 0199</mark> <span class="bandera-clase">[Posible teléfono particular]' in page
    assert "Otro: Comunidad de Cherán" in page  # the answer with its label, never "otro"
    headings = re.findall(r"<h[23][^>]*>([^<]+)</h[23]>", page) + re.findall(r"<dt>([^<]+)", page)
    assert headings and not [h for h in headings if "_" in h], headings
    assert "El texto «especificar» contiene datos que identifican a la persona" in page
    assert "El texto «especificar» no corresponde a la opción elegida" in page
    assert "Propuesta copiada de otra candidatura" not in page
    texto = "Quita tu teléfono del texto del pueblo."
    form = {"observar_indigena": "1", "fundamento_indigena": "datos_identificables", "texto_indigena": texto}
    detail = f"/validacion/revisiones/{review_id}"
    returned = await validador.submit(detail, f"{detail}/devolver", {**form, "numero": "1"})
    assert returned.status == 303, await returned.text()


async def test_transparencia_and_admin_read_a_review_without_deciding_on_it(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    enviado = await curricular_enviado(make_client, db)
    detail = f"/validacion/revisiones/{enviado.review_id}"
    for role in ("transparencia", "admin"):
        client = await staff(make_client, db, role)
        response = await client.get(detail)
        page = await response.text()
        assert response.status == 200, (role, page)
        assert "Consulta de solo lectura" in page
        assert f"{detail}/aprobar" not in page and f"{detail}/devolver" not in page
        queue = await (await client.get("/validacion/")).text()
        assert f'href="{detail}"' in queue and 'name="revision"' not in queue
        token = await client.csrf("/validacion/")
        assert (await client.post(f"{detail}/aprobar", data={"csrf_token": token})).status == 403
        assert (await client.post(f"{detail}/devolver", data={"csrf_token": token})).status == 403
        assert (await client.post("/validacion/cola/aprobar", data={"csrf_token": token})).status == 403
    # Reading claims nothing: the review is still free for a reviewer.
    assert await db.fetchval("SELECT reclamada_por FROM validacion.revisiones WHERE id = $1", enviado.review_id) is None
    igualdad = await staff(make_client, db, "igualdad")
    assert (await igualdad.get(detail)).status == 403
