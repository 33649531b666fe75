"""Staff screens: the review queue, one review, and the decision."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from services.common import audit
from services.common.access import requires
from services.common.curricular import RUBROS
from services.common.db import DB_POOL
from services.common.web import identity

from .publication import enqueue_publish, enqueue_state
from .sql import APPROVE_SQL, PUBLICATION_OPEN_SQL, QUEUE_SQL, REVIEW_SQL

REVIEWERS = ("validador", "coordinacion")


def _review_id(request: web.Request) -> int:
    try:
        return int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound() from None


@requires(*REVIEWERS, "transparencia", "admin")
@aiohttp_jinja2.template("validacion/cola.html")
async def queue(request: web.Request) -> dict[str, Any]:
    return {"revisiones": await request.app[DB_POOL].fetch(QUEUE_SQL), "aprobada": request.query.get("aprobada")}


@requires(*REVIEWERS)
@aiohttp_jinja2.template("validacion/revision.html")
async def review(request: web.Request) -> dict[str, Any]:
    row = await request.app[DB_POOL].fetchrow(REVIEW_SQL, _review_id(request))
    if row is None:
        raise web.HTTPNotFound()
    return {"revision": row, "rubros": RUBROS}


@requires(*REVIEWERS)
async def approve(request: web.Request) -> web.StreamResponse:
    return await asyncio.shield(_approve(request))


async def _approve(request: web.Request) -> web.StreamResponse:
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        publish_now = await conn.fetchval(PUBLICATION_OPEN_SQL)
        review = await conn.fetchrow(APPROVE_SQL, _review_id(request), ident.user_id, publish_now)
        if review is None:
            raise web.HTTPConflict(text="Esta revisión ya fue resuelta o no existe.")
        await enqueue_state(conn, review, "validado")
        if publish_now:
            await enqueue_publish(conn, review)
        await audit.record(
            conn,
            request,
            ident,
            service="validacion",
            action="aprobar",
            entity="candidatura",
            entity_id=review["candidatura_id"],
            details={"revision": review["id"], "cuestionario": review["cuestionario"], "numero": review["numero"]},
        )
    raise web.HTTPSeeOther(request.app.router["cola"].url_for().with_query(aprobada=str(review["id"])))
