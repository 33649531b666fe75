"""The provisioning job (``contracts.Provision``): an account for every registered candidacy (propietaria and
suplente each get their own) and one representative account per postulante, with the lote's credentials sheet.

The lote is a row of ``auth.lotes_cuentas``: auth's own screen creates it before sending the job; an import or
a substitution in validacion sends only its origin (``importacion:<id>``), and the job creates the lote from
that, once (the origin is unique), so validacion never writes auth's schema.

Safe to repeat and to interrupt:

- each batch commits its accounts, the lote's counters and its credentials (appended to the lote's CSV) in one
  transaction, so a retry after a crash continues after the last committed batch and the sheet still holds
  every password the lote created;
- accounts are inserted with ``ON CONFLICT DO NOTHING … RETURNING``; only what was returned reaches the sheet;
- every batch takes one transaction-level advisory lock, so two lotes never pick the same username, e-mail or
  representative; one run at a time works on a lote (a session-level lock per lote).

argon2 dominates the cost (thousands of people take minutes), so each batch is hashed by the worker's one
:class:`~services.auth.passwords.Hasher` (``ctx["hasher"]``: threads, at most ``AUTH_HASH_CONCURRENCY`` hashes
at once for all the lotes together) while the event loop stays free, and a run works for at most
``SLICE_SECONDS`` then hands the rest to a new job through the outbox.

A run uses one connection of the worker's pool from start to end, the one that holds the lote's lock: with two
(the lock's and another for the work), as many runs as the pool has connections took them all and each waited
for a second one forever. Short runs keep arq's job timeout, and the wait before a
crashed worker's job is retried (that timeout, for every auth job), at the worker's five minutes.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg

from services.common import audit, contracts, tiempo
from services.common.contracts import Provision
from services.common.settings import CommonSettings
from services.common.signed_identity import Identity

from . import credenciales
from .credenciales import REPRESENTANTE, Credencial
from .passwords import Hasher, generate_password

log = logging.getLogger(__name__)

# One progress update every batch: a few seconds of hashing on a two-core machine.
BATCH_SIZE = 32
# The job context's key for the worker's hasher (services/auth/jobs.py).
HASHER_KEY = "hasher"
# Well inside the worker's job_timeout (300 s), leaving room for the last batch and the PDF.
SLICE_SECONDS = 150
MAX_INITIALS = 6
# "rep-" + 16 characters fits the sheet's usuario column.
MAX_SLUG = 16
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_EMAIL = 254

# Two-key form: a namespace of its own, apart from the one-key batch lock below.
LOTE_LOCK_SQL = "SELECT pg_try_advisory_lock(hashtext('auth.provision.lote'), $1::integer)"
LOTE_UNLOCK_SQL = "SELECT pg_advisory_unlock(hashtext('auth.provision.lote'), $1::integer)"
# Idempotent: a repeated message finds the lote its first delivery created.
LOTE_FOR_ORIGEN_SQL = """
WITH nuevo AS (
    INSERT INTO auth.lotes_cuentas (requested_by, origen)
    SELECT u.id, $1 FROM (SELECT 1) AS uno LEFT JOIN auth.users u ON u.id = $2
    ON CONFLICT (origen) WHERE origen IS NOT NULL DO NOTHING
    RETURNING id
)
SELECT id FROM nuevo UNION ALL SELECT id FROM auth.lotes_cuentas WHERE origen = $1
LIMIT 1
"""
START_SQL = """
UPDATE auth.lotes_cuentas SET estado = 'en_proceso', error = NULL
WHERE id = $1 AND deleted_at IS NULL AND estado <> 'terminado'
RETURNING procesadas, requested_by
"""
ACTOR_SQL = "SELECT id, username FROM auth.users WHERE id = $1"
# Counted again on every (re)start: what is already done plus what is still pending.
SET_TOTAL_SQL = "UPDATE auth.lotes_cuentas SET total = procesadas + $2 WHERE id = $1"

# Registered candidacies of an active process without an account, in the sheet's order.
PENDING_CANDIDATURAS_SQL = """
SELECT c.id AS candidatura_id, c.postulante_id, p.siglas, k.nombre AS cargo,
       CASE k.ambito
           WHEN 'distrito' THEN 'Distrito ' || c.distrito || coalesce(' (' || d.cabecera || ')', '')
           WHEN 'municipio' THEN coalesce(m.nombre, 'Municipio ' || c.municipio)
           ELSE 'Estatal' || coalesce(', circunscripción ' || c.circunscripcion, '')
       END AS ambito,
       c.numero, c.tipo, c.nombre, c.primer_apellido, c.segundo_apellido,
       nullif(btrim(c.correo), '') AS correo
FROM registro.candidaturas c
JOIN registro.procesos pr ON pr.id = c.proceso_id AND pr.activo
JOIN registro.postulantes p ON p.id = c.postulante_id
JOIN registro.cargos k ON k.clave = c.cargo
LEFT JOIN registro.distritos d ON d.numero = c.distrito
LEFT JOIN registro.municipios m ON m.clave = c.municipio
WHERE c.estatus = 'registrada'
  AND NOT EXISTS (SELECT 1 FROM auth.users u WHERE u.candidatura_id = c.id)
ORDER BY p.siglas, k.orden, c.distrito NULLS FIRST, m.nombre NULLS FIRST, c.circunscripcion NULLS FIRST,
         c.numero, c.tipo, c.id
"""
# Postulantes with registered candidacies and no active representative.
PENDING_REPRESENTANTES_SQL = """
SELECT p.id AS postulante_id, p.siglas, p.nombre
FROM registro.postulantes p
WHERE EXISTS (
        SELECT 1 FROM registro.candidaturas c JOIN registro.procesos pr ON pr.id = c.proceso_id AND pr.activo
        WHERE c.postulante_id = p.id AND c.estatus = 'registrada')
  AND NOT EXISTS (
        SELECT 1 FROM auth.users u WHERE u.role = 'representante' AND u.active AND u.postulante_id = p.id)
ORDER BY p.siglas
"""

LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('auth.provision'))"
# Logins compare without case, so names and addresses must be unique without case too.
TAKEN_USERNAMES_SQL = "SELECT lower(username) FROM auth.users WHERE lower(username) = ANY($1::text[])"
TAKEN_EMAILS_SQL = "SELECT lower(email) FROM auth.users WHERE lower(email) = ANY($1::text[])"
INSERT_USERS_SQL = """
INSERT INTO auth.users (username, email, password_hash, role, postulante_id, candidatura_id, nombre,
                        must_change_password)
SELECT r.username, r.email, r.password_hash, r.role, r.postulante_id, r.candidatura_id, r.nombre, true
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::integer[], $7::text[])
     AS r (username, email, password_hash, role, postulante_id, candidatura_id, nombre)
WHERE r.role <> 'representante'
   OR NOT EXISTS (SELECT 1 FROM auth.users u
                  WHERE u.role = 'representante' AND u.active AND u.postulante_id = r.postulante_id)
ON CONFLICT DO NOTHING
RETURNING username, candidatura_id
"""
APPEND_SQL = """
UPDATE auth.lotes_cuentas
SET hoja_csv = coalesce(hoja_csv, $2::bytea) || $3::bytea, procesadas = procesadas + $4, creadas = creadas + $5
WHERE id = $1
"""

SHEET_SQL = "SELECT hoja_csv, total, procesadas, creadas FROM auth.lotes_cuentas WHERE id = $1"
CONTEXT_SQL = """
SELECT nombre, zona_horaria FROM registro.procesos WHERE activo ORDER BY id LIMIT 1
"""
POSTULANTES_SQL = "SELECT siglas, nombre FROM registro.postulantes WHERE siglas = ANY($1::text[])"
FINISH_SQL = """
UPDATE auth.lotes_cuentas SET estado = 'terminado', hoja_csv = $2, hoja_pdf = $3, finished_at = now()
WHERE id = $1 AND deleted_at IS NULL
"""
FAIL_SQL = "UPDATE auth.lotes_cuentas SET estado = 'error', error = $2 WHERE id = $1 AND estado = 'en_proceso'"


@dataclass(frozen=True)
class Pendiente:
    """A person (or a postulante's representative) who needs an account."""

    role: str
    siglas: str
    postulante_id: int | None  # the representative's scope; a candidacy's scope is its candidatura_id
    candidatura_id: int | None
    cargo: str
    ambito: str
    numero: str
    tipo: str
    nombre: str
    account_name: str
    correo: str | None
    base_username: str


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def initials(*names: str) -> str:
    """``initials("Rosa María", "Tapia", "Ochoa") == "rmto"``: ASCII letters only, at most six."""
    words = _fold(" ".join(names)).split()
    letters = [next((ch for ch in word if "a" <= ch <= "z"), "") for word in words]
    return "".join(letters)[:MAX_INITIALS]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _fold(text)).strip("-")[:MAX_SLUG].strip("-")


def candidatura_username(candidatura_id: int, *names: str) -> str:
    letters = initials(*names)
    return f"c{candidatura_id}-{letters}" if letters else f"c{candidatura_id}"


def representante_username(postulante_id: int, siglas: str) -> str:
    return f"rep-{slug(siglas) or postulante_id}"


def _email(value: str | None) -> str | None:
    return value if value and len(value) <= MAX_EMAIL and EMAIL.fullmatch(value) else None


def _candidatura(row: asyncpg.Record) -> Pendiente:
    nombre = " ".join(p for p in (row["nombre"], row["primer_apellido"], row["segundo_apellido"]) if p)
    return Pendiente(
        role="candidatura",
        siglas=row["siglas"],
        postulante_id=None,
        candidatura_id=row["candidatura_id"],
        cargo=row["cargo"],
        ambito=row["ambito"],
        numero=str(row["numero"]),
        tipo=row["tipo"],
        nombre=nombre,
        account_name=nombre,
        correo=_email(row["correo"]),
        base_username=candidatura_username(
            row["candidatura_id"], row["nombre"], row["primer_apellido"], row["segundo_apellido"]
        ),
    )


def _representante(row: asyncpg.Record) -> Pendiente:
    return Pendiente(
        role=REPRESENTANTE,
        siglas=row["siglas"],
        postulante_id=row["postulante_id"],
        candidatura_id=None,
        cargo="Representación del postulante",
        ambito="Todas sus candidaturas",
        numero="",
        tipo=REPRESENTANTE,
        nombre=row["nombre"],
        account_name=f"Representación de {row['nombre']}",
        # The registry has no representative's e-mail; staff add it in the account's page.
        correo=None,
        base_username=representante_username(row["postulante_id"], row["siglas"]),
    )


async def pending(conn: asyncpg.Connection | asyncpg.Pool) -> list[Pendiente]:
    """Who still needs an account, grouped by postulante with its representative first."""
    candidaturas = [_candidatura(r) for r in await conn.fetch(PENDING_CANDIDATURAS_SQL)]
    representantes = [_representante(r) for r in await conn.fetch(PENDING_REPRESENTANTES_SQL)]
    # sorted() is stable: the SQL order holds inside each postulante.
    return sorted(representantes + candidaturas, key=lambda p: (p.siglas, p.role != REPRESENTANTE))


async def free_usernames(conn: asyncpg.Connection, bases: Sequence[str]) -> list[str]:
    """The bases themselves where free, otherwise ``base-2``, ``base-3``…; unique in the batch too."""
    chosen = list(bases)
    suffixes = [1] * len(bases)
    while True:
        taken = {r[0] for r in await conn.fetch(TAKEN_USERNAMES_SQL, chosen)}
        seen: set[str] = set()
        clash = False
        for i, name in enumerate(chosen):
            if name in taken or name in seen:
                suffixes[i] += 1
                chosen[i] = f"{bases[i]}-{suffixes[i]}"
                clash = True
            seen.add(chosen[i])
        if not clash:
            return chosen


async def free_emails(conn: asyncpg.Connection, correos: Sequence[str | None]) -> list[str | None]:
    """Each address where no account uses it yet (the first of the batch keeps a shared one); None otherwise."""
    taken = {r[0] for r in await conn.fetch(TAKEN_EMAILS_SQL, [c.lower() for c in correos if c])}
    result: list[str | None] = []
    for correo in correos:
        if correo is None or correo.lower() in taken:
            result.append(None)
        else:
            taken.add(correo.lower())
            result.append(correo)
    return result


async def _hash(hasher: Hasher, passwords: Sequence[str]) -> list[str]:
    return list(await asyncio.gather(*(hasher.hash(p) for p in passwords)))


async def write_batch(
    conn: asyncpg.Connection, lote_id: int, batch: Sequence[Pendiente], passwords: Sequence[str], hashes: Sequence[str]
) -> list[Credencial]:
    """Create the batch's accounts and record them in the lote, all or nothing; return the credentials created."""
    async with conn.transaction():
        await conn.execute(LOCK_SQL)
        usernames = await free_usernames(conn, [p.base_username for p in batch])
        emails = await free_emails(conn, [p.correo for p in batch])
        rows = await conn.fetch(
            INSERT_USERS_SQL,
            usernames,
            emails,
            hashes,
            [p.role for p in batch],
            [p.postulante_id for p in batch],
            [p.candidatura_id for p in batch],
            [p.account_name for p in batch],
        )
        created = {r["username"] for r in rows}
        # reportes counts delivered accounts (report 1); one account per candidacy, so one fact each.
        at = datetime.now(UTC)
        for r in rows:
            if r["candidatura_id"] is not None:
                await contracts.send(
                    conn,
                    contracts.RecordHecho(
                        candidatura_id=r["candidatura_id"],
                        hecho="cuenta_entregada",
                        at=at,
                        job_key=f"cuenta:{r['candidatura_id']}",
                    ),
                )
        creds = [
            Credencial(p.siglas, p.cargo, p.ambito, p.numero, p.tipo, p.nombre, username, password)
            for p, username, password in zip(batch, usernames, passwords, strict=True)
            if username in created
        ]
        await conn.execute(
            APPEND_SQL, lote_id, credenciales.csv_header(), credenciales.csv_rows(creds), len(batch), len(creds)
        )
    return creds


async def _create_accounts(
    conn: asyncpg.Connection, hasher: Hasher, lote_id: int, pendientes: Sequence[Pendiente], deadline: float
) -> bool:
    """Create accounts batch by batch until done (True) or until ``deadline`` passes (False)."""
    created = processed = 0
    started = time.monotonic()
    for start in range(0, len(pendientes), BATCH_SIZE):
        # At least one batch per run, so every run moves the lote forward.
        if processed and time.monotonic() > deadline:
            break
        batch = pendientes[start : start + BATCH_SIZE]
        passwords = [generate_password() for _ in batch]
        hashes = await _hash(hasher, passwords)
        created += len(await write_batch(conn, lote_id, batch, passwords, hashes))
        processed += len(batch)
    elapsed = time.monotonic() - started
    if processed:
        log.info(
            "auth.provision lote %s: %d procesadas, %d cuentas creadas en %.1f s (%.1f/s, %d hilos); faltan %d",
            lote_id,
            processed,
            created,
            elapsed,
            processed / elapsed if elapsed else 0.0,
            hasher.limit,
            len(pendientes) - processed,
        )
    return processed == len(pendientes)


async def _finish(
    conn: asyncpg.Connection, lote_id: int, actor: Identity | None, acceso: str, instituto: str
) -> dict[str, int]:
    lote = await conn.fetchrow(SHEET_SQL, lote_id)
    rows = credenciales.parse_csv(lote["hoja_csv"] or credenciales.csv_header())
    context = await conn.fetchrow(CONTEXT_SQL)
    proceso, zona = (context["nombre"], context["zona_horaria"]) if context else ("", tiempo.DEFAULT_ZONA)
    generado = tiempo.format_fecha_hora(datetime.now(UTC), tiempo.zona(zona), conector=" ")
    postulantes = {
        r["siglas"]: r["nombre"] for r in await conn.fetch(POSTULANTES_SQL, list({r.postulante for r in rows}))
    }
    sheet_csv = credenciales.csv_sheet(rows)
    # Thousands of rows take seconds of reportlab: off the loop, like the hashing.
    sheet_pdf = await asyncio.to_thread(
        credenciales.pdf_sheet,
        rows,
        postulantes,
        lote_id=lote_id,
        instituto=instituto,
        proceso=proceso,
        acceso=acceso,
        generado=generado,
    )
    counts = {"total": lote["total"], "procesadas": lote["procesadas"], "creadas": lote["creadas"]}
    async with conn.transaction():
        await conn.execute(FINISH_SQL, lote_id, sheet_csv, sheet_pdf)
        await audit.record(
            conn,
            None,
            actor,
            service="auth",
            action="provision_cuentas",
            entity="lote_cuentas",
            entity_id=lote_id,
            details={**counts, "usuarios": [r.usuario for r in rows]},
        )
    return counts


async def _actor(conn: asyncpg.Connection, user_id: int | None) -> Identity | None:
    row = await conn.fetchrow(ACTOR_SQL, user_id) if user_id is not None else None
    return Identity(user_id=row["id"], username=row["username"]) if row else None


async def _run(
    conn: asyncpg.Connection, hasher: Hasher, lote_id: int, acceso: str, instituto: str
) -> dict[str, int] | None:
    """One slice of work on the lote, on the connection that holds its lock: its counts when finished, None when
    a continuation must follow."""
    lote = await conn.fetchrow(START_SQL, lote_id)
    if lote is None:
        # Finished, erased or unknown: a repeated delivery has nothing left to do.
        return {}
    try:
        pendientes = await pending(conn)
        await conn.execute(SET_TOTAL_SQL, lote_id, len(pendientes))
        if not await _create_accounts(conn, hasher, lote_id, pendientes, time.monotonic() + SLICE_SECONDS):
            return None
        return await _finish(conn, lote_id, await _actor(conn, lote["requested_by"]), acceso, instituto)
    except Exception as exc:
        # Staff see why on the lote's page; arq and the outbox relay try again, continuing where it stopped.
        await conn.execute(FAIL_SQL, lote_id, f"{type(exc).__name__}: {exc}"[:500])
        raise


async def lote_for(pool: asyncpg.Pool, job: Provision) -> int:
    """The lote the message names, created from its origin the first time."""
    if job.lote_id is not None:
        return job.lote_id
    lote_id: int = await pool.fetchval(LOTE_FOR_ORIGEN_SQL, job.origen, job.requested_by)
    return lote_id


async def provision(ctx: dict[str, Any], job: Provision) -> dict[str, int]:
    """Provision the lote (a row of ``auth.lotes_cuentas``) and store its credentials sheet."""
    pool: asyncpg.Pool = ctx["db_pool"]
    settings: CommonSettings = ctx["settings"]
    lote_id = await lote_for(pool, job)
    # The address printed on the sheet, the same the recovery mail links to.
    acceso = f"{settings.public_url}/cuenta/entrar"
    async with pool.acquire() as guard:
        if not await guard.fetchval(LOTE_LOCK_SQL, lote_id):
            # Another run holds the lote (a continuation or a retry); it finishes it or hands it on, and if its
            # worker dies, arq retries that run.
            return {}
        try:
            result = await _run(guard, ctx[HASHER_KEY], lote_id, acceso, settings.instituto.nombre)
        finally:
            try:
                await guard.execute(LOTE_UNLOCK_SQL, lote_id)
            except BaseException:
                # The pool hands connections back without asyncpg's reset (services/common/db.py), so a lock
                # whose unlock failed (a cancelled job, a broken query) would outlive the run; ending the
                # session frees it.
                guard.terminate()
                raise
    if result is None:
        # Enqueued only after the unlock, so the continuation cannot find the lote still held and give up.
        async with pool.acquire() as conn, conn.transaction():
            await contracts.send(conn, Provision(lote_id=lote_id))
        return {"continua": 1}
    return result
