"""Submitting a questionnaire: the immutable version, the new state and the jobs, in the caller's transaction.

Shared by every questionnaire (curricular, identidad). Requirements that block a submit are collected by
:func:`missing_requirements`, so each feature (completeness, the signed consent of independents, …) adds
its rule there and every questionnaire's submit obeys it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg

from services.common import contracts
from services.common.contracts import Version
from services.common.cuestionarios import Cuestionario
from services.common.estados import report_status
from services.common.identidad import IDENTIDAD
from services.common.proceso import active_proceso

from . import hechos, identidad_envio, reglas
from .curricular import curricular_missing
from .documentos_sql import FALTA_DOCUMENTO_INDEPENDIENTE_SQL
from .sql import (
    INSERT_ENVIO_SQL,
    RESPUESTAS_SQL,
    SUBMITTED_SQL,
)

SIN_DOCUMENTO_INDEPENDIENTE = "Sube el formato de consentimiento firmado antes de enviar."
ENVIADO = "enviado"
# With the process's party-validation step on, a submitted version waits here for the representante.
REVISION_PARTIDO = "revision_partido"


class SubmitRefusedError(Exception):
    """The questionnaire cannot be submitted now; the message says why, in Spanish."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Envio:
    id: int
    numero: int
    enviado_at: datetime
    estado: str


def status_changed(candidatura_id: int, cuestionario: str, estado: str, key: str) -> dict[str, Any]:
    """Arguments of ``report_status`` for a state change."""
    return {
        "candidatura_id": candidatura_id,
        "cuestionario": cuestionario,
        "estado": estado,
        "at": datetime.now(UTC),
        "job_key": key,
    }


async def saved_answers(conn: asyncpg.Connection, candidatura_id: int, cuestionario: str) -> dict[str, Any]:
    return {r["rubro"]: r["datos"] for r in await conn.fetch(RESPUESTAS_SQL, candidatura_id, cuestionario)}


async def _curricular_requisitos(
    conn: asyncpg.Connection | asyncpg.Pool, candidatura_id: int, datos: dict[str, Any]
) -> list[str]:
    faltan = curricular_missing(datos)
    return ["Antes de enviar, completa: " + ", ".join(faltan) + "."] if faltan else []


# What each questionnaire itself requires before a submit (the rules every questionnaire shares follow in
# missing_requirements).
Requisitos = Callable[[asyncpg.Connection | asyncpg.Pool, int, dict[str, Any]], Awaitable[list[str]]]
REQUISITOS: dict[Cuestionario, Requisitos] = {
    Cuestionario.CURRICULAR: _curricular_requisitos,
    Cuestionario.IDENTIDAD: identidad_envio.requisitos,
}


async def missing_requirements(
    conn: asyncpg.Connection, candidatura_id: int, cuestionario: str, datos: dict[str, Any]
) -> list[str]:
    """Everything that still prevents the submit, as messages for the person."""
    missing = await REQUISITOS[Cuestionario(cuestionario)](conn, candidatura_id, datos)
    if await conn.fetchval(FALTA_DOCUMENTO_INDEPENDIENTE_SQL, candidatura_id):
        missing.append(SIN_DOCUMENTO_INDEPENDIENTE)
    return missing


async def submit(conn: asyncpg.Connection, candidatura_id: int, cuestionario: str, user_id: int | None) -> Envio:
    """Store the submitted version and hand it to validacion (or to the party first, when the process asks for
    it); must run inside a transaction."""
    estado = await hechos.lock(conn, candidatura_id, cuestionario)
    decision = reglas.can_edit(
        await hechos.situacion(conn, candidatura_id, cuestionario, estado["estado"]), hechos.now()
    )
    if not decision.allowed:
        raise SubmitRefusedError(decision.reason, status=409)
    datos = await saved_answers(conn, candidatura_id, cuestionario)
    missing = await missing_requirements(conn, candidatura_id, cuestionario, datos)
    if missing:
        raise SubmitRefusedError(" ".join(missing))
    version = Version.from_stored(datos)
    if cuestionario == IDENTIDAD:
        version = await identidad_envio.con_consentimientos(conn, candidatura_id, version)
    numero = estado["envios"] + 1
    row = await conn.fetchrow(INSERT_ENVIO_SQL, candidatura_id, cuestionario, numero, version.stored(), user_id)
    proceso = await active_proceso(conn)
    nuevo = REVISION_PARTIDO if proceso is not None and proceso.configuracion.validacion_partido else ENVIADO
    await conn.execute(SUBMITTED_SQL, candidatura_id, cuestionario, numero, nuevo)
    if nuevo == ENVIADO:
        await enqueue_review(conn, row["id"], candidatura_id, cuestionario, numero, version, row["enviado_at"])
    await report_status(
        conn,
        **status_changed(candidatura_id, cuestionario, nuevo, f"envio:{row['id']}"),
    )
    return Envio(row["id"], numero, row["enviado_at"], nuevo)


async def enqueue_review(
    conn: asyncpg.Connection,
    envio_id: int,
    candidatura_id: int,
    cuestionario: str,
    numero: int,
    version: Version,
    enviado_at: datetime,
) -> None:
    """Hand a submitted version to validacion (``contracts.OpenReview`` through the outbox, in the caller's
    transaction): at submit, or when the party approves it."""
    await contracts.send(
        conn,
        contracts.OpenReview(
            envio_id=envio_id,
            candidatura_id=candidatura_id,
            cuestionario=cuestionario,
            numero=numero,
            version=version,
            enviado_at=enviado_at,
        ),
    )
