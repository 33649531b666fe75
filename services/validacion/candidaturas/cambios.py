"""Cancellation and substitution, each one transaction with its audit record and the jobs it causes
(``services/common/contracts.py``): ``Withdraw`` for the record leaving the public site, ``DisableForCandidatura``
for the old person's account (auth owns its schema), ``Retire`` for captura, and ``Provision`` for the new
person's account (auth creates that lote itself, keyed by the new record)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import asyncpg
from aiohttp import web

from services.common import audit, contracts
from services.common.proceso import active_proceso
from services.common.signed_identity import Identity
from services.validacion.importacion import campos

from . import sql
from .forms import Baja, Sustitucion


class NoProcedeError(RuntimeError):
    """The change cannot be made (already withdrawn, CURP in use, under age); the message says why."""


async def _lock_registrada(conn: asyncpg.Connection, candidatura_id: int) -> asyncpg.Record:
    row = await conn.fetchrow(sql.LOCK_SQL, candidatura_id)
    if row is None:
        raise web.HTTPNotFound()
    if row["estatus"] != "registrada":
        raise NoProcedeError(f"Esta candidatura ya está {row['estatus']}; no se puede cambiar.")
    return row


async def _leave(conn: asyncpg.Connection, candidatura_id: int) -> None:
    # Captura's scope already requires estatus = 'registrada'; these reach the services that keep their own copy.
    await contracts.send(conn, contracts.Withdraw(candidatura_id=candidatura_id))
    await contracts.send(conn, contracts.DisableForCandidatura(candidatura_id=candidatura_id))
    await contracts.send(conn, contracts.Retire(candidatura_id=candidatura_id, at=datetime.now(UTC)))


async def cancel(
    conn: asyncpg.Connection, candidatura_id: int, form: Baja, request: web.Request, actor: Identity
) -> None:
    await _lock_registrada(conn, candidatura_id)
    await conn.execute(sql.RETIRE_SQL, candidatura_id, "cancelada", form.motivo)
    await _leave(conn, candidatura_id)
    await audit.record(
        conn,
        request,
        actor,
        service="validacion",
        action="cancelar_candidatura",
        entity="candidatura",
        entity_id=candidatura_id,
        details={"motivo": form.motivo},
    )


async def substitute(
    conn: asyncpg.Connection, candidatura_id: int, form: Sustitucion, request: web.Request, actor: Identity
) -> int:
    """Returns the new record's id."""
    old = await _lock_registrada(conn, candidatura_id)
    proceso = await active_proceso(conn)
    minima = proceso.configuracion.edades_minimas.get(old["cargo"]) if proceso else None
    jornada = old["jornada_electoral"] or date.today()
    try:
        campos.edad_plausible(form.fecha_nacimiento, jornada)
        nombre = old["cargo_nombre"].lower()
        campos.edad_minima(form.fecha_nacimiento, jornada, minima or campos.EDAD_CIUDADANIA, nombre)
    except campos.CampoInvalidoError as exc:
        raise NoProcedeError(str(exc)) from None
    await conn.execute(sql.RETIRE_SQL, candidatura_id, "sustituida", form.motivo)
    try:
        # A savepoint, so a CURP already in use reports a message instead of aborting the transaction.
        async with conn.transaction():
            new_id: int = await conn.fetchval(
                sql.SUBSTITUTE_SQL,
                candidatura_id,
                form.nombre,
                form.primer_apellido,
                form.segundo_apellido,
                form.sobrenombre,
                form.sexo,
                form.fecha_nacimiento,
                form.curp,
                form.clave_elector,
                form.rfc,
                form.correo,
                form.telefono,
                form.eleccion_consecutiva,
            )
    except asyncpg.UniqueViolationError:
        raise NoProcedeError(f"La CURP {form.curp} ya tiene un registro vigente en este proceso.") from None
    if old["pareja_id"] is not None:
        await conn.execute(sql.RELINK_PARTNER_SQL, old["pareja_id"], new_id)
    await _leave(conn, candidatura_id)
    origen = contracts.origen_sustitucion(new_id)
    await contracts.send(conn, contracts.Provision(origen=origen, requested_by=actor.user_id))
    await audit.record(
        conn,
        request,
        actor,
        service="validacion",
        action="sustituir_candidatura",
        entity="candidatura",
        entity_id=candidatura_id,
        details={"motivo": form.motivo, "nueva": new_id, "curp_nueva": form.curp, "lote_cuentas": origen},
    )
    return new_id
