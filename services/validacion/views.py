"""Staff screens: the review queue, one review, and the decision."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web

from services.common import audit, contracts
from services.common.access import QUEUE_READERS, REVIEWERS, requires, writes
from services.common.boundary import path_int
from services.common.contracts import Version
from services.common.cuestionarios import FORMAS, forma
from services.common.curricular import RUBROS
from services.common.db import DB_POOL
from services.common.estados import report_status
from services.common.web import identity

from . import identidad_revision
from .forms import parse_observaciones
from .publication import enqueue_publish, enqueue_state
from .sql import (
    APPROVE_SQL,
    DECIDED_REVIEW_SQL,
    INSERT_OBSERVACION_SQL,
    PUBLICATION_OPEN_FOR_REVIEW_SQL,
    QUEUE_SQL,
    RETURN_SQL,
    REVIEW_SQL,
)

# An approved version with an open flag is not published until Transparencia decides on every flag.
ESPERA_TRANSPARENCIA = " Quedó aprobada; espera la revisión de Transparencia antes de publicarse."


def _review_id(request: web.Request) -> int:
    return path_int(request)


@requires(*QUEUE_READERS)
@aiohttp_jinja2.template("validacion/cola.html")
async def queue(request: web.Request) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    return {"revisiones": await pool.fetch(QUEUE_SQL), "aviso": await _decision_notice(pool, request.query)}


async def _decision_notice(pool: asyncpg.Pool, query: Mapping[str, str]) -> str | None:
    """The success message after approving or returning: whose questionnaire, never the review's id."""
    for key, estado, verbo in (("aprobada", "aprobada", "Se aprobó"), ("devuelta", "devuelta", "Se devolvió")):
        value = query.get(key, "")
        if not value.isdigit() or len(value) > 9:  # an int4 id; anything else is no notice
            continue
        row = await pool.fetchrow(DECIDED_REVIEW_SQL, int(value))
        if row is not None and row["estado"] == estado:
            que = f"el {FORMAS[row['cuestionario']].nombre}" if row["cuestionario"] in FORMAS else "el cuestionario"
            extra = " con observaciones" if key == "devuelta" else ""
            espera = ESPERA_TRANSPARENCIA if key == "aprobada" and row["espera_transparencia"] else ""
            return f"{verbo}{extra} {que} de {row['persona']}.{espera}"
    return None


@requires(*REVIEWERS)
@aiohttp_jinja2.template("validacion/revision.html")
async def review(request: web.Request) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    row = await pool.fetchrow(REVIEW_SQL, _review_id(request))
    if row is None:
        raise web.HTTPNotFound()
    return await _review_context(pool, row, {}, {})


async def _review_context(
    conn: asyncpg.Connection | asyncpg.Pool, review: Any, errors: dict[str, str], values: dict[str, str]
) -> dict[str, Any]:
    identidad = await identidad_revision.contexto(conn, review)
    # A dimension of the cuestionario de identidad is observed under its title, like a rubro.
    titles = {r.clave: r.titulo for r in RUBROS} | {d["clave"]: d["titulo"] for d in identidad["identidad"]}
    observables = [(clave, titles.get(clave, clave)) for clave in _observable_rubros(review)]
    return {
        "revision": review,
        "rubros": RUBROS,
        "fundamentos": forma(review["cuestionario"]).fundamentos,
        "observables": observables,
        "errors": errors,
        "values": values,
        **identidad,
    }


def _observable_rubros(review: Any) -> list[str]:
    if (fijas := forma(review["cuestionario"]).partes_fijas) is not None:
        return [clave for clave, _titulo in fijas]
    return Version.from_stored(review["datos"]).rubros()


@requires(*REVIEWERS)
@writes
async def approve(request: web.Request) -> web.StreamResponse:
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        publish_now = await conn.fetchval(PUBLICATION_OPEN_FOR_REVIEW_SQL, _review_id(request))
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


@requires(*REVIEWERS)
@writes
async def return_with_observations(request: web.Request) -> web.StreamResponse:
    form = {k: str(v) for k, v in (await request.post()).items()}
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        current = await conn.fetchrow(REVIEW_SQL, _review_id(request))
        if current is None:
            raise web.HTTPNotFound()
        fundamentos = forma(current["cuestionario"]).fundamentos
        observaciones, errors = parse_observaciones(form, _observable_rubros(current), fundamentos)
        if errors:
            context = await _review_context(conn, current, errors, form)
            return aiohttp_jinja2.render_template("validacion/revision.html", request, context, status=422)
        review = await conn.fetchrow(RETURN_SQL, current["id"], ident.user_id)
        if review is None:
            raise web.HTTPConflict(text="Esta revisión ya fue resuelta.")
        await conn.executemany(
            INSERT_OBSERVACION_SQL,
            [(review["id"], o.rubro, o.fundamento, o.texto, ident.user_id) for o in observaciones],
        )
        await contracts.send(
            conn,
            contracts.Reopen(
                candidatura_id=review["candidatura_id"],
                cuestionario=review["cuestionario"],
                numero=review["numero"],
                observaciones=[contracts.Observacion(**o.model_dump()) for o in observaciones],
            ),
        )
        await report_status(
            conn,
            candidatura_id=review["candidatura_id"],
            cuestionario=review["cuestionario"],
            estado="con_observaciones",
            at=review["resuelto_at"],
            job_key=f"revision:{review['id']}:con_observaciones",
        )
        await audit.record(
            conn,
            request,
            ident,
            service="validacion",
            action="devolver",
            entity="candidatura",
            entity_id=review["candidatura_id"],
            details={"revision": review["id"], "rubros": [o.rubro for o in observaciones]},
        )
    raise web.HTTPSeeOther(request.app.router["cola"].url_for().with_query(devuelta=str(review["id"])))
