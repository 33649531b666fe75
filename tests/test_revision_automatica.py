"""The automatic checks run when the review of a submitted version opens (validacion.open_review), through the
real system: a candidate submits through the gateway and the flags appear in validacion.banderas."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg

from services.common import contracts
from services.common.contracts import Version
from services.validacion import jobs
from services.validacion.revision_automatica import banderas, copias

from . import factories
from .helpers import CURRICULAR_COMPLETO, Client, eventually, fill_curricular

SIN_INFORMACION = "La candidatura no proporcionó información."
BANDERAS_SQL = """
SELECT tipo, clase, rubro, campo, inicio, fin, fragmento, otra_candidatura_id, similitud, estado
FROM validacion.banderas WHERE candidatura_id = $1 ORDER BY campo, inicio, clase
"""


def _propuesta(tema: str) -> str:
    """A long proposal of its own (a word unique to the test keeps other tests' proposals from matching)."""
    return (
        f"Construiré una red de {tema} en cada tenencia del municipio, administrada por las vecinas organizadas y "
        "con apoyo del DIF municipal, para que ninguna familia se quede sin atención durante los tres años."
    )


async def _submit(
    make_client: type[Client], db: asyncpg.Pool, siglas: str, propuestas: dict[str, str]
) -> tuple[int, int]:
    """A new candidacy of ``siglas`` submits its cuestionario curricular; its id and its checked review's id."""
    person = await factories.candidata(db, siglas=siglas)
    client = make_client()
    await client.login(person.username)
    await fill_curricular(client, person.candidatura_id, propuestas={**CURRICULAR_COMPLETO["propuestas"], **propuestas})
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    response = await client.submit(overview, f"{overview}/enviar", {})
    assert response.status == 303, await response.text()
    review_id: int = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.revisiones "
            "WHERE candidatura_id = $1 AND revisada_automaticamente_at IS NOT NULL",
            person.candidatura_id,
        ),
        what="the automatically checked review",
    )
    return person.candidatura_id, review_id


async def _partido(db: asyncpg.Pool) -> str:
    _, siglas = await factories.postulante(db, "partido")
    return siglas


async def test_a_planted_curp_a_private_phone_and_a_copied_proposal_become_flags_with_their_spans(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    original = _propuesta(f"comedores comunitarios {uuid.uuid4().hex[:6]}")
    otra_id, _ = await _submit(make_client, db, await _partido(db), {"propuesta_1": original})
    curp = factories._curp(datetime(1984, 5, 17).date())
    planted = f"Mi CURP es {curp} y mi celular particular es 443 312 4567 para lo que necesiten."
    # The same proposal, shouted and re-punctuated: still a copy.
    copiada = original.upper().replace(",", ";")
    candidatura_id, review_id = await _submit(
        make_client, db, await _partido(db), {"propuesta_1": planted, "propuesta_2": copiada}
    )

    rows = [dict(r) for r in await db.fetch(BANDERAS_SQL, candidatura_id)]
    inicio_curp = planted.index(curp)
    inicio_tel = planted.index("443 312 4567")
    assert [(r["tipo"], r["clase"], r["campo"], r["inicio"], r["fin"], r["fragmento"], r["estado"]) for r in rows] == [
        ("dato_sensible", "curp", "propuesta_1", inicio_curp, inicio_curp + 18, curp, "abierta"),
        ("dato_sensible", "telefono", "propuesta_1", inicio_tel, inicio_tel + 12, "443 312 4567", "abierta"),
        ("propuesta_copiada", "copia", "propuesta_2", 0, len(copiada) - 1, copiada[:-1], "abierta"),
    ]
    assert rows[2]["otra_candidatura_id"] == otra_id and rows[2]["similitud"] == 1.0
    # The public contact phone of the default answers and «Jefa de tenencia 2018-2021» are not flags.
    assert all(r["rubro"] == "propuestas" for r in rows)
    # The first candidacy's review has no copy flag: it was the only one when it was checked.
    assert not await db.fetchval("SELECT count(*) FROM validacion.banderas WHERE candidatura_id = $1", otra_id)
    # The two long proposals are fingerprinted; the default short one is not compared.
    assert (
        await db.fetchval("SELECT count(*) FROM validacion.huellas_propuestas WHERE revision_id = $1", review_id) == 2
    )


async def test_a_copy_within_the_same_postulante_is_informativa(make_client: type[Client], db: asyncpg.Pool) -> None:
    siglas = await _partido(db)
    plataforma = _propuesta(f"huertos escolares {uuid.uuid4().hex[:6]}")
    otra_id, _ = await _submit(make_client, db, siglas, {"propuesta_genero": plataforma})
    candidatura_id, _ = await _submit(make_client, db, siglas, {"propuesta_1": plataforma})

    rows = await db.fetch(BANDERAS_SQL, candidatura_id)
    assert [(r["tipo"], r["clase"], r["campo"], r["otra_candidatura_id"], r["estado"]) for r in rows] == [
        ("propuesta_copiada", "plataforma_comun", "propuesta_1", otra_id, "informativa")
    ]


async def _job(db: asyncpg.Pool, review_id: int) -> contracts.OpenReview:
    row = await db.fetchrow("SELECT * FROM validacion.revisiones WHERE id = $1", review_id)
    return contracts.OpenReview(
        envio_id=row["envio_id"],
        candidatura_id=row["candidatura_id"],
        cuestionario=row["cuestionario"],
        numero=row["numero"],
        version=Version.from_stored(row["datos"]),
        enviado_at=row["created_at"],
    )


async def test_a_redelivered_open_review_writes_no_flag_twice(make_client: type[Client], db: asyncpg.Pool) -> None:
    planted = "Escríbanme a mi correo personal lucia.perez84@gmail.com o a mi casa en calle Allende 245, col. Centro."
    candidatura_id, review_id = await _submit(make_client, db, await _partido(db), {"propuesta_1": planted})
    before = [dict(r) for r in await db.fetch(BANDERAS_SQL, candidatura_id)]
    assert [(r["clase"], r["fragmento"]) for r in before] == [
        ("correo", "lucia.perez84@gmail.com"),
        ("domicilio", "calle Allende 245, col. Centro"),
    ]
    checked_at = await db.fetchval(
        "SELECT revisada_automaticamente_at FROM validacion.revisiones WHERE id = $1", review_id
    )

    job = await _job(db, review_id)
    ctx: dict[str, Any] = {"db_pool": db}
    assert await jobs.open_review(ctx, job) is None
    assert await jobs.open_review(ctx, job) is None
    assert [dict(r) for r in await db.fetch(BANDERAS_SQL, candidatura_id)] == before
    assert (
        await db.fetchval("SELECT revisada_automaticamente_at FROM validacion.revisiones WHERE id = $1", review_id)
        == checked_at
    )


async def test_a_stored_value_the_checks_cannot_read_gives_a_revision_fallida_flag(db: asyncpg.Pool) -> None:
    """An odd stored shape (not a text where a text belongs) does not block the review: a person looks at it."""
    person = await factories.candidata(db)
    job = contracts.OpenReview(
        envio_id=2_000_000_000 - person.candidatura_id,
        candidatura_id=person.candidatura_id,
        cuestionario="curricular",
        numero=1,
        version=Version(
            respuestas={
                "profesional": {"historia_profesional": ["una", "lista"]},
                "propuestas": {"propuesta_1": "Padezco diabetes y quiero clínicas abiertas de noche."},
            }
        ),
        enviado_at=datetime.now(UTC),
    )
    review_id = await jobs.open_review({"db_pool": db}, job)
    assert review_id is not None
    rows = await db.fetch(BANDERAS_SQL, person.candidatura_id)
    assert [(r["tipo"], r["clase"], r["campo"], r["fragmento"]) for r in rows] == [
        ("revision_fallida", "error", "historia_profesional", ""),
        ("dato_sensible", "salud", "propuesta_1", "Padezco diabetes"),
    ]
    assert await db.fetchval(
        "SELECT estado = 'pendiente' AND revisada_automaticamente_at IS NOT NULL "
        "FROM validacion.revisiones WHERE id = $1",
        review_id,
    )


async def test_placeholders_make_the_public_profile_say_no_information(client: Client, db: asyncpg.Pool) -> None:
    person = await factories.candidata(db)
    now = datetime.now(UTC)
    async with db.acquire() as conn, conn.transaction():
        await contracts.send(
            conn,
            contracts.Publish(
                candidatura_id=person.candidatura_id,
                cuestionario="curricular",
                numero=1,
                version=Version(
                    respuestas={
                        "formacion": {"grado_maximo": "Maestría", "estatus": "Título", "cursos": "N/A"},
                        "profesional": {"historia_profesional": "No proporcionó"},
                        "trayectoria": {"trayectoria_politica": ".", "motivo_cargo_publico": "sin información"},
                        "propuestas": {"propuesta_1": "Agua potable en cada colonia.", "propuesta_2": "xxx"},
                    }
                ),
                declarado_at=now,
                revisado_at=now,
            ),
        )
    await eventually(
        lambda: db.fetchval(
            "SELECT curricular IS NOT NULL FROM publico.candidaturas WHERE id = $1", person.candidatura_id
        ),
        what="the profile published",
    )
    html = await (await client.get(f"/candidaturas/{person.candidatura_id}")).text()

    def section(rubro: str) -> str:
        return html.split(f'<h2 id="r-{rubro}">', 1)[1].split("</section>", 1)[0]

    # A rubro of placeholders only is a rubro without information, like an empty one.
    for rubro in ("profesional", "trayectoria"):
        assert f"<p>{SIN_INFORMACION}</p>" in section(rubro), section(rubro)
        assert "<dl>" not in section(rubro)
    # Inside an answered rubro, the placeholder field says so too; the real answers stay.
    assert "N/A" not in section("formacion") and SIN_INFORMACION in section("formacion")
    assert "xxx" not in section("propuestas") and "Agua potable en cada colonia." in section("propuestas")


class _Rollback(Exception):
    pass


async def test_the_copy_search_uses_the_sketch_index_among_8000_stored_proposals(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    """With thousands of stored proposals the candidates come from the sketch's index, never a scan of every one."""
    original = _propuesta(f"cocinas solares {uuid.uuid4().hex[:6]}")
    otra_id, review_id = await _submit(make_client, db, await _partido(db), {"propuesta_1": original})
    mine = await factories.candidata(db)
    tejas = copias.tejas(original + " Y con transparencia.")
    try:
        async with db.acquire() as conn, conn.transaction():
            await conn.execute(
                """WITH p AS (
                       INSERT INTO validacion.huellas_propuestas (revision_id, candidatura_id, campo, tejas)
                       SELECT $1, $2, 'relleno_' || g, '{}' FROM generate_series(1, 8000) g
                       RETURNING revision_id, candidatura_id, campo)
                   INSERT INTO validacion.huella_valores (valor, revision_id, campo, candidatura_id)
                   SELECT DISTINCT (floor(random() * 4294967296) - 2147483648)::int, p.revision_id, p.campo,
                          p.candidatura_id
                   FROM p, generate_series(1, 32)""",
                review_id,
                otra_id,
                timeout=300,
            )
            await conn.execute("ANALYZE validacion.huellas_propuestas, validacion.huella_valores")
            plan = "\n".join(
                r[0]
                for r in await conn.fetch("EXPLAIN " + banderas.CANDIDATAS_SQL, tejas.huella(), mine.candidatura_id)
            )
            assert "Seq Scan on huella_valores" not in plan and "huella_valores_pkey" in plan, plan
            found = await conn.fetch(banderas.CANDIDATAS_SQL, tejas.huella(), mine.candidatura_id)
            assert found and found[0]["candidatura_id"] == otra_id
            assert copias.comparar(tejas, frozenset(found[0]["tejas"])).es_copia
            raise _Rollback
    except _Rollback:
        pass


async def test_the_identity_questionnaires_especificar_texts_are_checked_too(db: asyncpg.Pool) -> None:
    person = await factories.candidata(db)
    otro = "Baja visión; para apoyos, con mi asistente Laura al 443 215 6677"
    job = contracts.OpenReview(
        envio_id=1_900_000_000 - person.candidatura_id,
        candidatura_id=person.candidatura_id,
        cuestionario="identidad",
        numero=1,
        version=Version(respuestas={"discapacidad": {"pertenece": "si", "tipo": ["visual"], "tipo_otro": otro}}),
        enviado_at=datetime.now(UTC),
    )
    assert await jobs.open_review({"db_pool": db}, job) is not None
    rows = await db.fetch(BANDERAS_SQL, person.candidatura_id)
    inicio = otro.index("443")
    assert [(r["tipo"], r["clase"], r["rubro"], r["campo"], r["inicio"], r["fin"]) for r in rows] == [
        ("dato_sensible", "tercero", "discapacidad", "tipo_otro", inicio, inicio + 12)
    ]


async def test_two_copies_submitted_at_once_do_not_miss_each_other(db: asyncpg.Pool) -> None:
    """The copy checks take turns, so the later of two simultaneous submissions sees the earlier one."""
    texto = _propuesta(f"bancos de alimentos {uuid.uuid4().hex[:6]}")
    personas = [await factories.candidata(db, siglas=await _partido(db)) for _ in range(2)]
    trabajos = [
        contracts.OpenReview(
            envio_id=1_800_000_000 - p.candidatura_id,
            candidatura_id=p.candidatura_id,
            cuestionario="curricular",
            numero=1,
            version=Version(respuestas={"propuestas": {"propuesta_1": texto}}),
            enviado_at=datetime.now(UTC),
        )
        for p in personas
    ]
    await asyncio.gather(*(jobs.open_review({"db_pool": db}, t) for t in trabajos))
    flags = await db.fetch(
        "SELECT candidatura_id, otra_candidatura_id FROM validacion.banderas WHERE candidatura_id = ANY($1::int[])",
        [p.candidatura_id for p in personas],
    )
    assert len(flags) == 1, flags
    ids = {p.candidatura_id for p in personas}
    assert {flags[0]["candidatura_id"], flags[0]["otra_candidatura_id"]} == ids
