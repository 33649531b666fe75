"""A revocation of consent 2 or 3 that the person asked for in writing, recorded by the Unidad de Transparencia.

It is the same change as the candidate's own revocation (a ``captura.consentimientos`` row with ``otorgado``
false, audited, and ``contracts.IdentidadVisible`` in the same transaction, so the identity leaves the public
profile and the statistics within seconds), plus a ``captura.revocaciones_escritas`` row with the date and folio
of the written request. publico still shows the group of an acción afirmativa registration: that comes from the
registration, not from the consent (services/common/identidad.py ``grupos_publicables``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from services.common import audit
from services.common.mensajes import mensaje
from services.common.signed_identity import Identity

from . import autorizaciones

# Only the consents that decide what the public site shows; consent 1 (processing) ends with the registration.
REVOCABLES = (autorizaciones.PUBLICACION, autorizaciones.ESTADISTICA)
MAX_FOLIO = 80
MAX_NOTA = 1000
OLDEST = date(2000, 1, 1)

INSERT_SOLICITUD_SQL = """
INSERT INTO captura.revocaciones_escritas (consentimiento_id, fecha_solicitud, folio, nota, registrada_por)
VALUES ($1, $2, $3, $4, $5)
"""
SOLICITUDES_SQL = """
SELECT r.consentimiento_id, r.fecha_solicitud, r.folio, r.nota
FROM captura.revocaciones_escritas r
JOIN captura.consentimientos c ON c.id = r.consentimiento_id
WHERE c.candidatura_id = $1
"""


class NoOtorgadoError(Exception):
    """The consent is not granted now: there is nothing to revoke."""


class RevocacionForm(BaseModel):
    """What the form on the candidacy's consents page may send. ``context={"hoy": date}`` (the process's
    today) refuses a request dated in the future."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    tipo: int
    fecha_solicitud: date
    folio: str = Field(min_length=1, max_length=MAX_FOLIO)
    nota: str = Field(default="", max_length=MAX_NOTA)

    @field_validator("tipo", mode="before")
    @classmethod
    def _tipo(cls, value: Any) -> int:
        if value in (str(t) for t in REVOCABLES) or value in REVOCABLES:
            return int(value)
        raise ValueError("Elige la autorización que se retira: la 2 (publicación) o la 3 (estadística).")

    @field_validator("fecha_solicitud", mode="before")
    @classmethod
    def _fecha_presente(cls, value: Any) -> Any:
        if value in (None, ""):
            raise ValueError("Escribe la fecha del escrito de solicitud.")
        return value

    @field_validator("fecha_solicitud")
    @classmethod
    def _fecha(cls, value: date, info: ValidationInfo) -> date:
        hoy = (info.context or {}).get("hoy")
        if hoy is not None and value > hoy:
            raise ValueError("La fecha del escrito no puede ser posterior a hoy.")
        if value < OLDEST:
            raise ValueError("Revisa la fecha del escrito: es demasiado antigua.")
        return value

    @field_validator("folio", mode="before")
    @classmethod
    def _folio(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            raise ValueError("Escribe el folio o la referencia del escrito.")
        return value


def errores(exc: ValidationError) -> dict[str, str]:
    """Field → Spanish message, for the form's error summary."""
    result: dict[str, str] = {}
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "_formulario"
        result.setdefault(field, mensaje(err))
    return result


async def registrar(
    conn: asyncpg.Connection, request: web.Request, ident: Identity, candidatura_id: int, form: RevocacionForm
) -> int:
    """Record the revocation; the id of the new consent row. Must run inside the caller's transaction."""
    assert ident.user_id is not None  # staff only (the view's access rule)
    await conn.execute(autorizaciones.LOCK_SQL, candidatura_id)
    estados = await autorizaciones.actuales(conn, candidatura_id)
    if not estados[form.tipo].otorgado:
        raise NoOtorgadoError
    row = await conn.fetchrow(autorizaciones.INSERT_SQL, candidatura_id, form.tipo, False, ident.user_id)
    await conn.execute(INSERT_SOLICITUD_SQL, row["id"], form.fecha_solicitud, form.folio, form.nota, ident.user_id)
    estados[form.tipo] = autorizaciones.Estado(False, row["at"], row["id"])
    await audit.record(
        conn,
        request,
        ident,
        service="captura",
        action="revocar_consentimiento",
        entity="candidatura",
        entity_id=candidatura_id,
        details={
            "tipo": form.tipo,
            "consentimiento": row["id"],
            "origen": "solicitud_escrita",
            "fecha_solicitud": form.fecha_solicitud.isoformat(),
            "folio": form.folio,
            "nota": form.nota,
        },
    )
    await autorizaciones.send_visible(conn, candidatura_id, estados)
    return int(row["id"])
