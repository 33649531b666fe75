"""Mail notices to a candidacy about its questionnaires: a return with observations (the institute's or the
party's), the decision on a correction request, and the approaching close of the capture.

The service where the event happens calls :func:`enqueue` in the transaction of the change: it writes an
``auth.notify`` job (through the outbox) with the candidatura, the kind, a key that names the event and the
links to the rubros concerned. auth owns the accounts and their e-mail, so auth decides who receives it
(``services/auth/avisos.py``) and sends it through ``auth.mail``; no other service reads ``auth``.

The mail names the rubros and links to them; what the observation says stays behind the login (an observation
on the cuestionario de identidad can reveal a sensitive answer).
"""

from __future__ import annotations

from enum import StrEnum

import asyncpg
from pydantic import BaseModel, Field

from . import outbox

CURRICULAR = "curricular"
IDENTIDAD = "identidad"


class Tipo(StrEnum):
    OBSERVACIONES = "observaciones"  # the institute returned a submitted version
    OBSERVACIONES_PARTIDO = "observaciones_partido"  # the representante returned it (party-validation step)
    CORRECCION_APROBADA = "correccion_aprobada"
    CORRECCION_RECHAZADA = "correccion_rechazada"
    PLAZO = "plazo"  # the capture closes soon and something is still not submitted


class Enlace(BaseModel):
    """One line of the mail: what to open, and the path (under captura) that opens it."""

    titulo: str = Field(min_length=1, max_length=200)
    ruta: str = Field(pattern=r"^/captura/[A-Za-z0-9_/#-]*$", max_length=300)


class Aviso(BaseModel):
    """The arguments of ``auth.notify``."""

    tipo: Tipo
    candidatura_id: int = Field(ge=1, le=2_147_483_647)
    # Names the event: the same key is never mailed twice to the same account, whatever the retries.
    clave: str = Field(min_length=1, max_length=200)
    cuestionario: str | None = None
    enlaces: list[Enlace] = Field(default_factory=list, max_length=50)
    # PLAZO only: how many hours before the close this reminder is.
    horas: int | None = Field(None, ge=1, le=24 * 60)


def cuestionario_path(candidatura_id: int, cuestionario: str) -> str:
    return f"/captura/candidaturas/{candidatura_id}/{cuestionario}#contenido"


def rubro_path(candidatura_id: int, cuestionario: str, rubro: str, anchor: str = "observacion") -> str:
    """The page of one rubro (curricular) or dimension (identidad), at ``anchor``: ``#observacion`` is the box
    with the observation on both pages."""
    return f"/captura/candidaturas/{candidatura_id}/{cuestionario}/{rubro}#{anchor}"


async def enqueue(conn: asyncpg.Connection, aviso: Aviso) -> int:
    """Write the notice in the caller's transaction; it is mailed only if the change commits."""
    return await outbox.enqueue(conn, "auth", "auth.notify", **aviso.model_dump(mode="json"))
