"""No private field ever reaches a public answer: unique markers planted in every private field of a candidacy
that is then published must appear in no public page, API answer or downloadable file.

The places a citizen can reach are one table, PUBLIC_URLS, so every public output added later (PDF ficha,
open-data files, statistics, mi-elección) is checked by adding its row here.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import asyncpg

from services.common import contracts
from services.common.curp import ficticia

from . import factories
from .helpers import Client, eventually, publish_requests

# Every public output, as a path template: {id} is the published candidacy, {q} a search that finds it.
PUBLIC_URLS: tuple[str, ...] = (
    "/",
    "/candidaturas",
    "/candidaturas?q={q}",
    "/candidaturas/{id}",
    "/api/v1/candidaturas",
    "/api/v1/candidaturas?q={q}",
    "/api/v1/candidaturas/{id}",
    "/privacidad",
    "/ayuda",
    "/candidaturas/{id}.pdf",
    "/comparar?ids={id},{otra}",
    "/mi-eleccion?municipio=16053",
    "/estadisticas",
    "/api/v1/estadisticas",
    "/datos",
    "/datos/diccionario",
    "/datos/diccionario.csv",
    "/api/v1/datos",
    "/api/v1/catalogos/cargos",
    "/api/v1/catalogos/postulantes",
    "/api/v1/catalogos/distritos",
    "/api/v1/catalogos/municipios",
    "/api/v1/openapi.json",
)
NACIMIENTO = date(1971, 8, 13)
# Groups the identity answers below reach: without consent 2 none may be shown.
GRUPOS = ("Persona indígena", "Persona de la diversidad sexual")


@dataclass(frozen=True)
class Planted:
    candidatura_id: int
    busqueda: str
    markers: dict[str, str]


async def _plant(db: asyncpg.Pool) -> Planted:
    candidata = await factories.candidata(db)
    tag = uuid.uuid4().hex[:10].upper()
    markers = {
        "clave_elector": f"CLVELE{tag}",
        "rfc": f"RFCPRI{tag}",
        "correo": f"privado.{tag.lower()}@correo.invalid",
        "telefono": f"55{int(tag, 16) % 10**8:08d}",
        "identidad_texto": f"identidadprivada{tag.lower()}",
    }
    # A CURP of her planted birth date: the registry's own checks hold every CURP to its person.
    curp = await db.fetchval(
        """UPDATE registro.candidaturas
           SET clave_elector = $2, rfc = $3, correo = $4, telefono = $5, fecha_nacimiento = $6, curp = $7
           WHERE id = $1 RETURNING curp""",
        candidata.candidatura_id,
        markers["clave_elector"],
        markers["rfc"],
        markers["correo"],
        markers["telefono"],
        NACIMIENTO,
        ficticia("mujer", NACIMIENTO, random.Random(tag)),
    )
    markers["curp"] = curp
    markers["nacimiento_iso"] = NACIMIENTO.isoformat()
    markers["nacimiento"] = NACIMIENTO.strftime("%d/%m/%Y")
    return Planted(candidata.candidatura_id, candidata.nombre.split()[0], markers)


async def _publish(db: asyncpg.Pool, planted: Planted) -> None:
    """What validacion sends once both questionnaires are approved; identity answered, consent 2 not given."""
    now = datetime.now(UTC)
    curricular = {
        "contacto": {"telefono_publico": "443 312 0000", "correo_publico": "contacto@campana.invalid"},
        "propuestas": {"propuesta_1": "Agua potable en cada colonia."},
    }
    identidad = {
        "indigena": {"indigena": "si", "indigena_pueblo": planted.markers["identidad_texto"]},
        "diversidad_sexual": {"diversidad_sexual": "si", "diversidad_identidad": "gay"},
        "ingreso": {"ingreso_mensual": "25001_50000"},
    }
    versions = {
        "curricular": contracts.Version(respuestas=curricular),
        "identidad": contracts.Version(
            respuestas=identidad, consentimientos=contracts.Consentimientos(publicacion=False, estadistica=True)
        ),
    }
    async with db.acquire() as conn, conn.transaction():
        for cuestionario, version in versions.items():
            await contracts.send(
                conn,
                contracts.Publish(
                    candidatura_id=planted.candidatura_id,
                    cuestionario=cuestionario,  # type: ignore[arg-type]
                    numero=1,
                    version=version,
                    declarado_at=now,
                    revisado_at=now,
                ),
            )


async def test_private_fields_appear_in_no_public_output(client: Client, db: asyncpg.Pool) -> None:
    planted = await _plant(db)
    await _publish(db, planted)
    # A second one, so the comparison has two candidacies to put side by side.
    otra = await _plant(db)
    await _publish(db, otra)
    profile = f"/candidaturas/{planted.candidatura_id}"

    async def published() -> bool:
        stored = await db.fetchval(
            "SELECT identidad IS NOT NULL FROM publico.candidaturas WHERE id = $1", planted.candidatura_id
        )
        return bool(stored) and (await client.get(profile)).status == 200

    await eventually(published, what="the candidacy published with its identity answers")

    checked = 0
    for template in PUBLIC_URLS:
        path = template.format(id=planted.candidatura_id, q=planted.busqueda, otra=otra.candidatura_id)
        response = await client.get(path)
        assert response.status == 200, f"{path}: {response.status}"
        body = (await response.read()).decode("utf-8", errors="replace")
        for field, marker in planted.markers.items():
            assert marker.lower() not in body.lower(), f"{field} ({marker}) aparece en {path}"
        # Group names are public words elsewhere (filters, statistics): only this candidacy's own pages say
        # that she belongs to one.
        for grupo in GRUPOS if "{id}" in template else ():
            assert grupo not in body, f"el grupo «{grupo}» aparece sin consentimiento 2 en {path}"
        checked += 1
    assert checked == len(PUBLIC_URLS)
    # The candidacy itself is public: the check above looked at a page that does show it.
    assert "Agua potable en cada colonia." in (await (await client.get(profile)).text())


def test_the_url_table_covers_every_public_route() -> None:
    # A public GET route with no row in PUBLIC_URLS would escape the check above.
    from services.publico.app import create_app

    routes = {
        info.get("formatter") or info.get("path")
        for resource in create_app().router.resources()
        if (info := resource.get_info())
    }
    covered = {path.split("?")[0] for path in PUBLIC_URLS}
    # Operations, the icon and static files hold no candidacy; photos are re-encoded without metadata (test_foto).
    # Release files exist only once a release is built: tests/test_datos.py plants the same markers in them.
    skipped = {"/favicon.ico", "/media/{name}", "/health", "/metrics", "/datos/{numero}/{archivo}", None}
    # Staff pages publico serves about its own data (the avisos editor): transparencia only, never public.
    staff = {r for r in routes if str(r).startswith("/validacion/")}
    assert routes - skipped - staff - covered == set(), "public routes missing from PUBLIC_URLS"


async def test_a_flagged_span_reaches_no_public_output_even_after_approval(
    make_client: type[Client], client: Client, db: asyncpg.Pool
) -> None:
    """A submitted version whose flagged span holds a marker is approved by the validador: while the flag is open
    nothing of it is public; Transparencia confirms the flag, the candidate corrects it, and only the corrected
    version is published."""
    from services.validacion import jobs

    from .helpers import approve_review, fill_curricular

    person = await factories.candidata(db)
    otra = await _plant(db)
    await _publish(db, otra)
    marker = f"domicilioprivado{uuid.uuid4().hex[:10]}"
    candidata = make_client()
    await candidata.login(person.username)
    historia = f"Docente en Tacámbaro; vivo en {marker} número 25."
    await fill_curricular(candidata, person.candidatura_id, profesional={"historia_profesional": historia})
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
    review_id = await eventually(
        lambda: db.fetchval("SELECT id FROM validacion.revisiones WHERE candidatura_id = $1", person.candidatura_id),
        what="the review",
    )
    flag_id = await db.fetchval(
        """INSERT INTO validacion.banderas (revision_id, candidatura_id, tipo, clase, rubro, campo, inicio, fin,
                                            fragmento)
           VALUES ($1, $2, 'dato_sensible', 'domicilio', 'profesional', 'historia_profesional', $3, $4, $5)
           RETURNING id""",
        review_id,
        person.candidatura_id,
        historia.index(marker),
        historia.index(marker) + len(marker),
        marker,
    )
    validador = make_client()
    await validador.login(await factories.cuenta(db, "validador"))
    await approve_review(validador, db, person.candidatura_id)
    await jobs.publish_due({"db_pool": db})  # the publication date's cron skips it too

    async def other_published() -> bool:
        return (await client.get(f"/candidaturas/{otra.candidatura_id}")).status == 200

    await eventually(other_published, what="the other candidacy published")
    # Nothing was sent to publico: every public output is checked without the marker.
    assert not await publish_requests(db, person.candidatura_id)

    async def check_every_public_output(published: bool) -> None:
        for template in PUBLIC_URLS:
            path = template.format(id=person.candidatura_id, q=person.nombre.split()[0], otra=otra.candidatura_id)
            response = await client.get(path)
            assert response.status < 500, f"{path}: {response.status}"
            if published:
                assert response.status == 200, f"{path}: {response.status}"
            body = (await response.read()).decode("utf-8", errors="replace")
            assert marker not in body.lower(), f"el fragmento marcado aparece en {path}"

    await check_every_public_output(published=False)
    assert (await client.get(f"/candidaturas/{person.candidatura_id}")).status == 404

    transparencia = make_client()
    await transparencia.login(await factories.cuenta(db, "transparencia"))
    confirmed = await transparencia.submit(
        "/validacion/transparencia/", f"/validacion/transparencia/banderas/{flag_id}/confirmar", {}
    )
    assert confirmed.status == 303, await confirmed.text()
    await eventually(
        lambda: db.fetchval(
            "SELECT estado = 'con_observaciones' FROM captura.cuestionarios WHERE candidatura_id = $1 "
            "AND cuestionario = 'curricular'",
            person.candidatura_id,
        ),
        what="the questionnaire returned to the candidacy",
    )
    corregida = "Docente en Tacámbaro durante quince años."
    await fill_curricular(candidata, person.candidatura_id, profesional={"historia_profesional": corregida})
    assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
    await approve_review(validador, db, person.candidatura_id)

    async def published() -> str | None:
        response = await client.get(f"/candidaturas/{person.candidatura_id}")
        return await response.text() if response.status == 200 else None

    assert corregida in await eventually(published, what="the corrected version published")
    await check_every_public_output(published=True)
