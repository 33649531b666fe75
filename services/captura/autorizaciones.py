"""The three consents of a candidacy (docs/design.md §4, Consentimiento), each with its timestamp and history.

1 processing under the aviso de privacidad, 2 publication of the identity answers, 3 use in statistics.
Every grant or revocation is a new row of ``captura.consentimientos`` (append-only), audited, and — for 2 and 3,
which decide what the public site shows — carried to publico by a ``contracts.IdentidadVisible`` job written
to the outbox in the same transaction, so a revocation reaches the public site within seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg
from aiohttp import web
from pydantic import BaseModel, ConfigDict, field_validator

from services.common import audit, contracts
from services.common.signed_identity import Identity

TRATAMIENTO, PUBLICACION, ESTADISTICA = 1, 2, 3
TEXTOS = {
    TRATAMIENTO: "Autorizo el tratamiento de mis datos personales para las finalidades señaladas en el Aviso de "
    "Privacidad Integral.",
    PUBLICACION: "Autorizo la publicación de mis respuestas al cuestionario de identidad (datos personales "
    "sensibles) en mi perfil público.",
    ESTADISTICA: "Autorizo que mis respuestas formen parte de informes estadísticos.",
}

# Changes of one candidacy are serialized, so ids grow in the order the changes commit (publico relies on it).
LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('captura.consentimientos'), $1)"
ACTUALES_SQL = """
SELECT DISTINCT ON (tipo) id, tipo, otorgado, at FROM captura.consentimientos
WHERE candidatura_id = $1 ORDER BY tipo, id DESC
"""
# A revocation the Unidad de Transparencia recorded from a written request carries its folio (revocacion.py).
HISTORIAL_SQL = """
SELECT c.id, c.tipo, c.otorgado, c.at, r.folio FROM captura.consentimientos c
LEFT JOIN captura.revocaciones_escritas r ON r.consentimiento_id = c.id
WHERE c.candidatura_id = $1 ORDER BY c.id DESC LIMIT 60
"""
INSERT_SQL = """
INSERT INTO captura.consentimientos (candidatura_id, tipo, otorgado, por) VALUES ($1, $2, $3, $4) RETURNING id, at
"""
ULTIMO_ID_SQL = "SELECT coalesce(max(id), 0) FROM captura.consentimientos WHERE candidatura_id = $1"


class AutorizacionesForm(BaseModel):
    """The three checkboxes: a box that is not ticked is not sent at all, which means "not granted"."""

    model_config = ConfigDict(extra="ignore")
    consentimiento_1: bool = False
    consentimiento_2: bool = False
    consentimiento_3: bool = False

    @field_validator("consentimiento_1", "consentimiento_2", "consentimiento_3", mode="before")
    @classmethod
    def _checkbox(cls, value: object) -> bool:
        return value in ("1", "on", True)

    def deseados(self) -> dict[int, bool]:
        return {1: self.consentimiento_1, 2: self.consentimiento_2, 3: self.consentimiento_3}


@dataclass(frozen=True)
class Estado:
    otorgado: bool
    at: datetime | None
    id: int = 0


async def actuales(conn: asyncpg.Connection | asyncpg.Pool, candidatura_id: int) -> dict[int, Estado]:
    found = {r["tipo"]: Estado(r["otorgado"], r["at"], r["id"]) for r in await conn.fetch(ACTUALES_SQL, candidatura_id)}
    return {tipo: found.get(tipo, Estado(False, None)) for tipo in TEXTOS}


async def snapshot(conn: asyncpg.Connection, candidatura_id: int) -> contracts.Consentimientos:
    """The consents as they stand, carried with a submitted identity questionnaire to validacion and publico."""
    estados = await actuales(conn, candidatura_id)
    return contracts.Consentimientos(
        publicacion=estados[PUBLICACION].otorgado,
        estadistica=estados[ESTADISTICA].otorgado,
        seq=await conn.fetchval(ULTIMO_ID_SQL, candidatura_id),
    )


async def cambiar(
    conn: asyncpg.Connection,
    request: web.Request,
    ident: Identity,
    candidatura_id: int,
    deseados: dict[int, bool],
) -> list[int]:
    """Record the consents that changed; return their types. Must run inside the caller's transaction."""
    await conn.execute(LOCK_SQL, candidatura_id)
    estados = await actuales(conn, candidatura_id)
    changed = []
    for tipo, otorgado in sorted(deseados.items()):
        # A first "not granted" is no change: nothing was ever granted.
        if estados[tipo].otorgado == otorgado:
            continue
        row = await conn.fetchrow(INSERT_SQL, candidatura_id, tipo, otorgado, ident.user_id)
        estados[tipo] = Estado(otorgado, row["at"], row["id"])
        changed.append(tipo)
        await audit.record(
            conn,
            request,
            ident,
            service="captura",
            action="otorgar_consentimiento" if otorgado else "revocar_consentimiento",
            entity="candidatura",
            entity_id=candidatura_id,
            details={"tipo": tipo, "consentimiento": row["id"]},
        )
    if PUBLICACION in changed or ESTADISTICA in changed:
        await send_visible(conn, candidatura_id, estados)
    return changed


async def send_visible(conn: asyncpg.Connection, candidatura_id: int, estados: dict[int, Estado]) -> None:
    """Tell publico what consents 2 and 3 now allow, in the transaction that changed them."""
    await contracts.send(
        conn,
        contracts.IdentidadVisible(
            candidatura_id=candidatura_id,
            publicacion=estados[PUBLICACION].otorgado,
            estadistica=estados[ESTADISTICA].otorgado,
            seq=max(e.id for e in estados.values()),
        ),
    )
    await send_consent(conn, candidatura_id, estados[ESTADISTICA].otorgado, max(e.id for e in estados.values()))


async def send_consent(conn: asyncpg.Connection, candidatura_id: int, estadistica: bool, seq: int) -> None:
    """Consent 3 as it now stands, to reportes' inclusion statistics (services/captura/inclusion.py): a revocation
    takes the candidacy out of them."""
    await contracts.send(
        conn, contracts.RecordIdentidad(candidatura_id=candidatura_id, estadistica=estadistica, seq=seq)
    )
