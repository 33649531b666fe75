"""Writes the demo's published process (launcher/demo_publicado.py) and publishes it through the real jobs.

The candidacies go into ``registro`` like an import would put them; their photos into the private media folder
as the capture form stores an upload; and their approved questionnaires leave as ``publico.publish`` jobs in
the outbox, in the same transaction as the rows they publish. publico's worker then fills the read model exactly
as it does for a real publication. Only rows this load inserted get jobs, so a second start inserts nothing and
sends nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg

from services.auth.provision import candidatura_username, representante_username
from services.captura import fotos
from services.common import contracts, identidad, media
from services.validacion.cuestionario_identidad import seed_question_sets
from services.validacion.publication import publish_jobs

from . import demo_publicado as plan_module
from .demo_publicado import Catalogo, Formula, Municipio, Persona, Plan

LOTE = 400  # fórmulas per transaction: short transactions, and the worker starts publishing the first ones early

DISTRITOS_SQL = "SELECT numero FROM registro.distritos ORDER BY numero"
MUNICIPIOS_SQL = "SELECT clave, nombre, poblacion, elige_ayuntamiento FROM registro.municipios ORDER BY clave"
PARTIDOS_SQL = "SELECT siglas FROM registro.postulantes WHERE tipo = 'partido' ORDER BY id"
EDADES_SQL = "SELECT clave, edad_minima FROM registro.cargos"
# Ages are counted to the election day, not to today: the same plan (and CURPs) on every start, any year.
JORNADA_SQL = "SELECT jornada_electoral FROM registro.procesos WHERE id = $1"
POSTULANTE_SQL = """
INSERT INTO registro.postulantes (siglas, nombre, tipo, nota) VALUES ($1, $2, $3, 'Datos de demostración')
ON CONFLICT (siglas) DO UPDATE SET nombre = EXCLUDED.nombre, tipo = EXCLUDED.tipo
RETURNING id
"""
INTEGRANTE_SQL = """
INSERT INTO registro.postulante_partidos (postulante_id, partido_id)
SELECT $1, id FROM registro.postulantes WHERE siglas = $2
ON CONFLICT DO NOTHING
"""
POSTULANTES_SQL = "SELECT siglas, id FROM registro.postulantes"
# Any unique position or CURP already held means the row is there from an earlier load: nothing new to publish.
INSERT_SQL = """
INSERT INTO registro.candidaturas (proceso_id, cargo, distrito, municipio, postulante_id, numero, tipo, nombre,
    primer_apellido, segundo_apellido, sobrenombre, sexo, fecha_nacimiento, curp, correo, accion_afirmativa)
SELECT $1, * FROM unnest($2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::text[], $8::text[],
    $9::text[], $10::text[], $11::text[], $12::text[], $13::date[], $14::text[], $15::text[], $16::text[])
ON CONFLICT DO NOTHING
RETURNING id, curp
"""
# The fiction is a process whose candidacies captured their questionnaires: each has its account (demo, with the
# demo password), and each postulante its representative, so "Generar cuentas" finds nothing of the demo to do.
CUENTAS_SQL = """
INSERT INTO auth.users (username, email, password_hash, role, postulante_id, candidatura_id, nombre, is_demo)
SELECT r.username, r.username || '@demo.invalid', $1, r.role, r.postulante_id, r.candidatura_id, r.nombre, true
FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::text[])
     AS r (username, role, postulante_id, candidatura_id, nombre)
WHERE r.role <> 'representante' OR NOT EXISTS (
    SELECT 1 FROM auth.users u WHERE u.role = 'representante' AND u.active AND u.postulante_id = r.postulante_id)
ON CONFLICT DO NOTHING
"""
# The consents each demo person gave online (1 always; 2 and 3 as planned), so Transparencia's screens show them
# and a written revocation has something to withdraw; the last id is the ``seq`` publico keeps.
CONSENTIMIENTOS_SQL = """
INSERT INTO captura.consentimientos (candidatura_id, tipo, otorgado, at)
SELECT v.c, v.t, v.o, v.at FROM unnest($1::int[], $2::int2[], $3::bool[], $4::timestamptz[]) AS v(c, t, o, at)
RETURNING candidatura_id, id
"""
PAIR_SQL = """
UPDATE registro.candidaturas c SET pareja_id = v.pareja
FROM unnest($1::int[], $2::int[]) AS v(id, pareja) WHERE c.id = v.id
"""


async def catalogo(conn: asyncpg.Connection) -> Catalogo:
    return Catalogo(
        distritos=tuple(r["numero"] for r in await conn.fetch(DISTRITOS_SQL)),
        municipios=tuple(
            Municipio(r["clave"], r["nombre"], r["poblacion"] or 0, r["elige_ayuntamiento"])
            for r in await conn.fetch(MUNICIPIOS_SQL)
        ),
        partidos=tuple(r["siglas"] for r in await conn.fetch(PARTIDOS_SQL)),
    )


def _store_photos(media_dir: Path) -> list[str]:
    """Each generated photo through the upload pipeline (re-encoded 800×1000 and a thumbnail), stored privately."""
    shas = []
    for indice in range(plan_module.FOTOS):
        procesada = fotos.procesar(plan_module.foto(indice))
        nombre, mini = media.photo_names(procesada.sha256)
        media.store_private(media_dir, {nombre: procesada.foto, mini: procesada.mini})
        shas.append(procesada.sha256)
    return shas


def _row(postulante_id: int, f: Formula, tipo: str, p: Persona) -> tuple[object, ...]:
    return (
        f.cargo,
        f.distrito,
        f.municipio,
        postulante_id,
        f.numero,
        tipo,
        p.nombre,
        p.primer_apellido,
        p.segundo_apellido,
        p.sobrenombre,
        p.sexo,
        p.nacimiento,
        p.curp,
        f"{p.curp.lower()}@correo.invalid",
        p.accion_afirmativa,
    )


async def _consentimientos(conn: asyncpg.Connection, personas: dict[int, Persona], ahora: datetime) -> dict[int, int]:
    """Given on the day each person declared, before the publication jobs that carry their ids."""
    filas = [
        (c, tipo, otorgado, ahora - timedelta(days=p.dias_declarado))
        for c, p in personas.items()
        for tipo, otorgado in ((1, True), (2, p.publicacion), (3, p.estadistica))
    ]
    columns = [list(x) for x in zip(*filas, strict=True)]
    seq: dict[int, int] = {}
    for r in await conn.fetch(CONSENTIMIENTOS_SQL, *columns):
        seq[r["candidatura_id"]] = max(seq.get(r["candidatura_id"], 0), r["id"])
    return seq


def _jobs(
    candidatura_id: int,
    p: Persona,
    shas: list[str],
    ahora: datetime,
    seq: int,
    cuestionario: identidad.ConjuntoIdentidad | None = None,
) -> list[contracts.Contract]:
    declarado = ahora - timedelta(days=p.dias_declarado)
    revisado = declarado + timedelta(days=1)
    foto = contracts.Foto(sha256=shas[p.foto]) if p.foto is not None and shas else None
    consentimientos = contracts.Consentimientos(publicacion=p.publicacion, estadistica=p.estadistica, seq=seq)
    return [
        contracts.Publish(
            candidatura_id=candidatura_id,
            cuestionario="curricular",
            numero=1,
            version=contracts.Version(respuestas=p.curricular, foto=foto),
            declarado_at=declarado,
            revisado_at=revisado,
        ),
        contracts.Publish(
            candidatura_id=candidatura_id,
            cuestionario="identidad",
            numero=1,
            version=contracts.Version(respuestas=p.identidad, consentimientos=consentimientos),
            declarado_at=declarado,
            revisado_at=revisado,
        ),
        # What captura sends reportes when an identity is approved (report 4, estadísticas de inclusión).
        contracts.RecordIdentidad(
            candidatura_id=candidatura_id,
            estadistica=p.estadistica,
            seq=seq,
            grupos=identidad.grupos(cuestionario, p.identidad) if cuestionario else [],
            numero=1,
        ),
    ]


async def _postulantes(conn: asyncpg.Connection, plan: Plan) -> dict[str, int]:
    for p in plan.postulantes:
        postulante_id = await conn.fetchval(POSTULANTE_SQL, p.siglas, p.nombre, p.tipo)
        for partido in p.partidos:
            await conn.execute(INTEGRANTE_SQL, postulante_id, partido)
    return {r["siglas"]: r["id"] for r in await conn.fetch(POSTULANTES_SQL)}


def _cuenta_entregada(candidatura_id: int, at: datetime) -> contracts.RecordHecho:
    return contracts.RecordHecho(
        candidatura_id=candidatura_id, hecho="cuenta_entregada", at=at, job_key=f"cuenta:{candidatura_id}"
    )


async def _cuentas(
    conn: asyncpg.Connection, password_hash: str, cuentas: Sequence[tuple[str, str, int | None, int | None, str]]
) -> None:
    columns = [list(c) for c in zip(*cuentas, strict=True)] if cuentas else [[], [], [], [], []]
    await conn.execute(CUENTAS_SQL, password_hash, *columns)


async def load(
    conn: asyncpg.Connection,
    proceso: int,
    tamano: str,
    media_dir: Path | None,
    ocupadas: frozenset[tuple[str, int | None, int | None, str, int]] = frozenset(),
    password_hash: str | None = None,
) -> dict[str, int]:
    """Insert what is missing of the plan and send its publication jobs; returns how many candidacies were new."""
    tam = plan_module.tamano(tamano)
    cat = await catalogo(conn)
    edades = {r["clave"]: r["edad_minima"] for r in await conn.fetch(EDADES_SQL)}
    jornada = await conn.fetchval(JORNADA_SQL, proceso) or date(2024, 6, 2)
    plan = plan_module.generar(cat, tam, jornada, ocupadas, edades)
    async with conn.transaction():
        ids = await _postulantes(conn, plan)
        if password_hash:
            usadas = sorted({f.postulante for f in plan.formulas})
            await _cuentas(
                conn,
                password_hash,
                [
                    (representante_username(ids[s], s), "representante", ids[s], None, f"Representación de {s} (demo)")
                    for s in usadas
                ],
            )
    shas: list[str] | None = None
    # The groups report 4 receives are derived from the question set: give the process its set now (the launcher
    # would seed it right after the demo load anyway; seeding is idempotent).
    await seed_question_sets(conn)
    conjunto = await conn.fetchrow(identidad.CONJUNTO_SQL, proceso)
    cuestionario = await identidad.load(conn, conjunto["id"], conjunto["version"]) if conjunto else None
    ahora = datetime.now(UTC)
    nuevas = 0
    for inicio in range(0, len(plan.formulas), LOTE):
        lote = plan.formulas[inicio : inicio + LOTE]
        rows = [
            _row(ids[f.postulante], f, tipo, p)
            for f in lote
            for tipo, p in (("propietaria", f.propietaria), ("suplente", f.suplente))
        ]
        columns = [list(c) for c in zip(*rows, strict=True)]
        async with conn.transaction():
            inserted = {r["curp"]: r["id"] for r in await conn.fetch(INSERT_SQL, proceso, *columns)}
            if not inserted:
                continue
            if shas is None:
                shas = await asyncio.to_thread(_store_photos, media_dir) if media_dir else []
            pares = [
                (inserted[f.propietaria.curp], inserted[f.suplente.curp])
                for f in lote
                if f.propietaria.curp in inserted and f.suplente.curp in inserted
            ]
            await conn.execute(
                PAIR_SQL, [a for a, _ in pares] + [b for _, b in pares], [b for _, b in pares] + [a for a, _ in pares]
            )
            personas = {inserted[p.curp]: p for f in lote for p in (f.propietaria, f.suplente) if p.curp in inserted}
            seq = await _consentimientos(conn, personas, ahora)
            jobs = [
                job
                for candidatura_id, p in personas.items()
                for job in _jobs(candidatura_id, p, shas, ahora, seq[candidatura_id], cuestionario)
            ]
            # The publications as validacion sends a bulk publication (lotes: one cache bump each), the rest as is.
            publicaciones = [j for j in jobs if isinstance(j, contracts.Publish)]
            for job in [*publish_jobs(publicaciones), *(j for j in jobs if not isinstance(j, contracts.Publish))]:
                await contracts.send(conn, job)
            if password_hash:
                cuentas = [
                    (
                        candidatura_username(inserted[p.curp], p.nombre, p.primer_apellido, p.segundo_apellido),
                        "candidatura",
                        None,
                        inserted[p.curp],
                        p.nombre_completo,
                    )
                    for p in (q for f in lote for q in (f.propietaria, f.suplente))
                    if p.curp in inserted
                ]
                await _cuentas(conn, password_hash, cuentas)
                for candidatura_id in (c[3] for c in cuentas if c[3] is not None):
                    await contracts.send(conn, _cuenta_entregada(candidatura_id, ahora))  # report 1 counts them
            nuevas += len(inserted)
    return {"planeadas": len(plan.personas), "nuevas": nuevas}
