"""Mail notices to a candidacy about its questionnaires: a return with observations (the institute's or the
party's), the decision on a correction request, and the approaching close of the capture.

The service where the event happens calls :func:`enqueue` in the transaction of the change: it writes a
``contracts.Notify`` job (through the outbox) with the candidatura, the kind, a key that names the event and
the links to the rubros concerned. auth owns the accounts and their e-mail, so auth decides who receives it
(``services/auth/avisos.py``) and sends it as ``contracts.SendMail``; no other service reads ``auth``.

The mail names the rubros and links to them; what the observation says stays behind the login (an observation
on the cuestionario de identidad can reveal a sensitive answer).
"""

from __future__ import annotations

import asyncpg

from . import contracts
from .contracts import Enlace, Tipo
from .contracts import Notify as Aviso

CURRICULAR = "curricular"
IDENTIDAD = "identidad"
__all__ = ["CURRICULAR", "IDENTIDAD", "Aviso", "Enlace", "Tipo", "cuestionario_path", "enqueue", "rubro_path"]


def cuestionario_path(candidatura_id: int, cuestionario: str) -> str:
    return f"/captura/candidaturas/{candidatura_id}/{cuestionario}#contenido"


def rubro_path(candidatura_id: int, cuestionario: str, rubro: str, anchor: str = "observacion") -> str:
    """The page of one rubro (curricular) or dimension (identidad), at ``anchor``: ``#observacion`` is the box
    with the observation on both pages."""
    return f"/captura/candidaturas/{candidatura_id}/{cuestionario}/{rubro}#{anchor}"


async def enqueue(conn: asyncpg.Connection, aviso: Aviso) -> int:
    """Write the notice in the caller's transaction; it is mailed only if the change commits."""
    return await contracts.send(conn, aviso)
