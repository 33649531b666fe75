"""Which candidacies the person asking may act on, checked in SQL on every request."""

from __future__ import annotations

import asyncpg
from aiohttp import web

from services.common.boundary import path_int
from services.common.signed_identity import Identity
from services.common.web import identity

from .sql import CANDIDATURA_SQL


def scope_of(ident: Identity) -> tuple[list[int], int | None]:
    if ident.role == "representante":
        return [], ident.postulante_id
    return list(ident.candidatura_ids), None


async def candidatura_in_scope(request: web.Request, conn: asyncpg.Connection | asyncpg.Pool) -> asyncpg.Record:
    candidatura_id = path_int(request)
    ids, postulante = scope_of(identity(request))
    row = await conn.fetchrow(CANDIDATURA_SQL, candidatura_id, ids, postulante)
    if row is None:
        # Someone else's candidacy looks exactly like a missing one.
        raise web.HTTPNotFound()
    return row
