"""Publish now, pause and resume: the decisions and what they send, in the caller's transaction.

No web handlers here, so the rules can be read (and tested through the gateway) apart from the screen. Each
function locks the candidacy's registry row first, so two coordinadores acting at once are served one after the
other and the second sees the first one's result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg
from aiohttp import web

from services.common import audit, contracts
from services.common.estados import report_status
from services.common.plural import contar
from services.common.signed_identity import Identity

from ..publication import enqueue_publishes
from . import sql


class NoProcedeError(Exception):
    """The action does not apply to the candidacy as it is now; the message says why, in Spanish."""


@dataclass(frozen=True)
class Situacion:
    aprobadas: list[asyncpg.Record]
    banderas_abiertas: int
    pausa: asyncpg.Record | None

    @property
    def publicada(self) -> bool:
        """Sent to the public site at least once (by an approval, the date's job or a coordinador)."""
        return any(r["publicacion_solicitada_at"] is not None for r in self.aprobadas)


async def situacion(conn: asyncpg.Connection | asyncpg.Pool, candidatura_id: int) -> Situacion:
    return Situacion(
        aprobadas=list(await conn.fetch(sql.APROBADAS_SQL, candidatura_id)),
        banderas_abiertas=await conn.fetchval(sql.OPEN_FLAGS_SQL, candidatura_id),
        pausa=await conn.fetchrow(sql.PAUSA_VIGENTE_SQL, candidatura_id),
    )


async def _locked(conn: asyncpg.Connection, candidatura_id: int) -> Situacion:
    row = await conn.fetchrow(sql.LOCK_SQL, candidatura_id)
    if row is None:
        raise web.HTTPNotFound()
    if row["estatus"] != "registrada":
        raise NoProcedeError("La candidatura ya no está registrada (fue cancelada o sustituida): no se publica.")
    return await situacion(conn, candidatura_id)


def _refuse_flags(estado: Situacion) -> None:
    if estado.banderas_abiertas:
        raise NoProcedeError(
            f"La candidatura tiene {contar(estado.banderas_abiertas, 'bandera abierta', 'banderas abiertas')} "
            "(datos sensibles o propuestas copiadas): la Unidad de Transparencia debe resolverlas antes de publicar."
        )


async def _publish(conn: asyncpg.Connection, aprobadas: list[asyncpg.Record]) -> None:
    await conn.execute(sql.MARK_REQUESTED_SQL, [r["id"] for r in aprobadas])
    # The curricular and the identidad together: one lote, so one cache bump in publico.
    await enqueue_publishes(conn, aprobadas)


def _versiones(aprobadas: list[asyncpg.Record]) -> list[dict[str, object]]:
    return [{"cuestionario": r["cuestionario"], "numero": r["numero"], "revision": r["id"]} for r in aprobadas]


async def publish_now(
    conn: asyncpg.Connection, candidatura_id: int, motivo: str, request: web.Request, ident: Identity
) -> list[asyncpg.Record]:
    """Send the last approved version of each questionnaire to publico now, whatever the publication date."""
    estado = await _locked(conn, candidatura_id)
    if estado.pausa is not None:
        raise NoProcedeError("La candidatura está en pausa: reanúdala para volver a publicarla.")
    _refuse_flags(estado)  # first: a version held by its flags is not "nothing approved"
    if not estado.aprobadas:
        raise NoProcedeError("La candidatura no tiene ninguna versión aprobada: no hay nada que publicar.")
    await _publish(conn, estado.aprobadas)
    await audit.record(
        conn,
        request,
        ident,
        service="validacion",
        action="publicar_ahora",
        entity="candidatura",
        entity_id=candidatura_id,
        details={"motivo": motivo, "versiones": _versiones(estado.aprobadas)},
    )
    return estado.aprobadas


async def _tell_state(
    conn: asyncpg.Connection,
    aprobadas: list[asyncpg.Record],
    estado: str,
    at: datetime,
    clave: str,
    *,
    captura: bool = True,
) -> None:
    for review in aprobadas:
        if captura:
            await contracts.send(
                conn,
                contracts.SetEstado(
                    candidatura_id=review["candidatura_id"],
                    cuestionario=review["cuestionario"],
                    numero=review["numero"],
                    estado=estado,
                ),
            )
        await report_status(
            conn,
            candidatura_id=review["candidatura_id"],
            cuestionario=review["cuestionario"],
            estado=estado,
            at=at,
            job_key=f"{clave}:{review['cuestionario']}",
        )


async def pause(
    conn: asyncpg.Connection, candidatura_id: int, motivo: str, request: web.Request, ident: Identity
) -> None:
    """Off the public site at once; no approval or scheduled publication brings it back until it is resumed."""
    estado = await _locked(conn, candidatura_id)
    if estado.pausa is not None:
        raise NoProcedeError("La candidatura ya está en pausa.")
    publicadas = [r for r in estado.aprobadas if r["publicacion_solicitada_at"] is not None]
    if not publicadas:
        raise NoProcedeError("La candidatura aún no se ha publicado: no hay nada que pausar.")
    pausa = await conn.fetchrow(sql.PAUSE_SQL, candidatura_id, motivo, ident.user_id)
    if pausa is None:  # the lock above makes this unreachable; the unique index is the last word
        raise NoProcedeError("La candidatura ya está en pausa.")
    await contracts.send(conn, contracts.Withdraw(candidatura_id=candidatura_id))
    await _tell_state(conn, publicadas, "pausado", pausa["pausada_at"], f"pausa:{pausa['id']}")
    await audit.record(
        conn,
        request,
        ident,
        service="validacion",
        action="pausar_publicacion",
        entity="candidatura",
        entity_id=candidatura_id,
        details={"motivo": motivo, "pausa": pausa["id"]},
    )


async def resume(
    conn: asyncpg.Connection, candidatura_id: int, motivo: str, request: web.Request, ident: Identity
) -> None:
    """Publish the last approved version again (a version approved during the pause included)."""
    estado = await _locked(conn, candidatura_id)
    if estado.pausa is None:
        raise NoProcedeError("La candidatura no está en pausa.")
    _refuse_flags(estado)
    reanudada = await conn.fetchrow(sql.RESUME_SQL, candidatura_id, motivo, ident.user_id)
    # The publish job tells captura "publicado" itself, but reports it under a key per version that the first
    # publication used already: reportes would drop the copy, and the history would end at "pausado".
    await _tell_state(
        conn,
        estado.aprobadas,
        "publicado",
        reanudada["reanudada_at"],
        f"reanudacion:{reanudada['id']}",
        captura=False,
    )
    await _publish(conn, estado.aprobadas)
    await contracts.send(conn, contracts.ResendConsents(candidatura_id=candidatura_id))
    await audit.record(
        conn,
        request,
        ident,
        service="validacion",
        action="reanudar_publicacion",
        entity="candidatura",
        entity_id=candidatura_id,
        details={"motivo": motivo, "pausa": reanudada["id"], "versiones": _versiones(estado.aprobadas)},
    )
