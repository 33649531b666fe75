"""Staff screens: the review queue, one review, and the decision (one, or several selected from the queue)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import aiohttp_jinja2
import asyncpg
from aiohttp import web

from services.common import audit, contracts
from services.common.access import QUEUE_READERS, REVIEWERS, requires, writes
from services.common.boundary import parse_int, path_int
from services.common.contracts import Version
from services.common.cuestionarios import FORMAS, forma
from services.common.curricular import RUBROS
from services.common.db import DB_POOL
from services.common.estados import report_status
from services.common.signed_identity import Identity
from services.common.web import SETTINGS, identity

from . import identidad_revision, revision_contexto
from .forms import parse_observaciones
from .publication import enqueue_publish, enqueue_state
from .settings import ValidacionSettings
from .sql import (
    APPROVE_SQL,
    CLAIM_SQL,
    DECIDED_REVIEW_SQL,
    DECISION_STATE_SQL,
    INSERT_OBSERVACION_SQL,
    OPEN_FLAGS_SQL,
    PUBLICATION_OPEN_FOR_REVIEW_SQL,
    QUEUE_SQL,
    RETURN_SQL,
    REVIEW_SQL,
)

# An approved version with an open flag is not published until Transparencia decides on every flag.
ESPERA_TRANSPARENCIA = " Quedó aprobada; espera la revisión de Transparencia antes de publicarse."
# The most reviews one bulk approval takes (the queue shows at most 500).
MAX_LOTE = 500


def _review_id(request: web.Request) -> int:
    return path_int(request)


@requires(*QUEUE_READERS)
@aiohttp_jinja2.template("validacion/cola.html")
async def queue(request: web.Request) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    return await _queue_context(request, pool, aviso=await _decision_notice(pool, request.query))


async def _queue_context(request: web.Request, pool: asyncpg.Pool, **extra: Any) -> dict[str, Any]:
    ident = identity(request)
    return {
        "revisiones": await pool.fetch(QUEUE_SQL),
        "puede_decidir": ident.role in REVIEWERS,
        "yo": ident.user_id,
        "aviso": None,
        "aprobadas": [],
        "rechazos": [],
        **extra,
    }


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


@requires(*QUEUE_READERS)
@aiohttp_jinja2.template("validacion/revision.html")
async def review(request: web.Request) -> dict[str, Any]:
    """One review; a reviewer who opens a pending one claims it, the other staff only read it."""
    pool = request.app[DB_POOL]
    ident = identity(request)
    review_id = _review_id(request)
    # A link from another review (a copied proposal's source) only shows it: ``?consulta=1`` claims nothing.
    if ident.role in REVIEWERS and request.query.get("consulta") != "1":
        await _claim(request, pool, ident, review_id)
    row = await pool.fetchrow(REVIEW_SQL, review_id)
    if row is None:
        raise web.HTTPNotFound()
    return await _review_context(pool, row, {}, {}, ident)


async def _claim(request: web.Request, pool: asyncpg.Pool, ident: Identity, review_id: int) -> None:
    """Claim a pending review for the configured minutes, unless another reviewer's claim still lives."""
    minutos = cast(ValidacionSettings, request.app[SETTINGS]).reclamo_minutos
    async with pool.acquire() as conn, conn.transaction():
        claim = await conn.fetchrow(CLAIM_SQL, review_id, ident.user_id, ident.username, minutos)
        if claim is not None and claim["nuevo"]:
            await audit.record(
                conn,
                request,
                ident,
                service="validacion",
                action="reclamar_revision",
                entity="revision",
                entity_id=review_id,
                details={"hasta": claim["reclamada_hasta"].isoformat(), "minutos": minutos},
            )


async def _review_context(
    conn: asyncpg.Connection | asyncpg.Pool,
    review: Any,
    errors: dict[str, str],
    values: dict[str, str],
    ident: Identity,
) -> dict[str, Any]:
    identidad = await identidad_revision.contexto(conn, review)
    # A dimension of the cuestionario de identidad is observed under its title, like a rubro.
    titles = {r.clave: r.titulo for r in RUBROS} | {d["clave"]: d["titulo"] for d in identidad["identidad"]}
    observables = [
        (clave, titles.get(clave, "Parte sin título en el cuestionario")) for clave in _observable_rubros(review)
    ]
    return {
        "revision": review,
        "rubros": RUBROS,
        "fundamentos": forma(review["cuestionario"]).fundamentos,
        "observables": observables,
        "errors": errors,
        "values": values,
        "puede_decidir": ident.role in REVIEWERS,
        **identidad,
        **await revision_contexto.contexto(conn, review, ident, identidad),
    }


def _observable_rubros(review: Any) -> list[str]:
    if (fijas := forma(review["cuestionario"]).partes_fijas) is not None:
        return [clave for clave, _titulo in fijas]
    return Version.from_stored(review["datos"]).rubros()


@dataclass(frozen=True)
class Rechazo:
    """Why a decision on a review did not apply (templates/validacion/_rechazo.html says it in Spanish)."""

    revision_id: int
    persona: str
    motivo: str  # resuelta, nueva_version, version_distinta, reclamada, banderas
    estado: str = ""
    por: str = ""
    hasta: datetime | None = None
    vigente_id: int | None = None
    vigente_numero: int | None = None


async def _rechazo(conn: asyncpg.Connection, review_id: int, numero: int | None) -> Rechazo | None:
    """Why ``APPROVE_SQL``/``RETURN_SQL`` changed nothing; None when the review does not exist."""
    row = await conn.fetchrow(DECISION_STATE_SQL, review_id)
    if row is None:
        return None
    base = {"revision_id": review_id, "persona": row["persona"], "estado": row["estado"]}
    vigente = {"vigente_id": row["vigente_id"], "vigente_numero": row["vigente_numero"]}
    if row["vigente_numero"] is not None and row["vigente_numero"] > row["numero"]:
        return Rechazo(motivo="nueva_version", **base, **vigente)
    if row["estado"] != "pendiente":
        return Rechazo(motivo="resuelta", **base, **vigente)
    if numero is not None and numero != row["numero"]:
        return Rechazo(motivo="version_distinta", **base, **vigente)
    por = row["reclamada_por_nombre"] or "otra persona"
    return Rechazo(motivo="reclamada", por=por, hasta=row["reclamada_hasta"], **base, **vigente)


def _numero(form: Mapping[str, Any]) -> int | None:
    """The version the reviewer saw (the form's hidden ``numero``); None from a form that does not carry it."""
    return parse_int(form.get("numero"))


def _refused(request: web.Request, rechazo: Rechazo | None) -> web.Response:
    if rechazo is None:
        raise web.HTTPNotFound()
    return aiohttp_jinja2.render_template("validacion/conflicto.html", request, {"rechazo": rechazo}, status=409)


async def approve_review(
    request: web.Request, ident: Identity, review_id: int, numero: int | None
) -> asyncpg.Record | Rechazo | None:
    """Approve one review in its own transaction (the single approval and each item of a bulk one): the approved
    review, or why it was refused (None: no such review)."""
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        publish_now = await conn.fetchval(PUBLICATION_OPEN_FOR_REVIEW_SQL, review_id)
        review = await conn.fetchrow(APPROVE_SQL, review_id, ident.user_id, publish_now, numero)
        if review is None:
            return await _rechazo(conn, review_id, numero)
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
    return review


@requires(*REVIEWERS)
@writes
async def approve(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    result = await approve_review(request, identity(request), _review_id(request), _numero(form))
    if result is None or isinstance(result, Rechazo):
        return _refused(request, result)
    raise web.HTTPSeeOther(request.app.router["cola"].url_for().with_query(aprobada=str(result["id"])))


def _selected(form: Any) -> list[tuple[int, int | None]]:
    """The reviews ticked in the queue: values ``<id>:<numero>``; anything else is ignored."""
    chosen: dict[int, int | None] = {}
    for value in form.getall("revision", [])[:MAX_LOTE]:
        review_id, _, numero = str(value).partition(":")
        if (parsed := parse_int(review_id)) is not None:
            chosen.setdefault(parsed, parse_int(numero))
    return list(chosen.items())


@requires(*REVIEWERS)
@writes
async def approve_selected(request: web.Request) -> web.StreamResponse:
    """Approve the reviews ticked in the queue, each exactly like a single approval; one with open flags, claimed
    by another reviewer, stale or already decided is refused and listed."""
    form = await request.post()
    ident = identity(request)
    pool = request.app[DB_POOL]
    chosen = _selected(form)
    aprobadas: list[str] = []
    rechazos: list[Rechazo] = []
    for review_id, numero in chosen:
        abiertas = await pool.fetchrow(OPEN_FLAGS_SQL, review_id)
        if abiertas is None:
            continue
        if abiertas["abiertas"]:
            rechazos.append(Rechazo(review_id, abiertas["persona"], "banderas"))
            continue
        result = await approve_review(request, ident, review_id, numero)
        if isinstance(result, Rechazo):
            rechazos.append(result)
        elif result is not None:
            aprobadas.append(abiertas["persona"])
    aviso = None if chosen else "Marca al menos un cuestionario de la cola para aprobarlo."
    context = await _queue_context(request, pool, aviso=aviso, aprobadas=aprobadas, rechazos=rechazos)
    return aiohttp_jinja2.render_template("validacion/cola.html", request, context, status=200 if chosen else 422)


@requires(*REVIEWERS)
@writes
async def return_with_observations(request: web.Request) -> web.StreamResponse:
    form = {k: str(v) for k, v in (await request.post()).items()}
    numero = _numero(form)
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        current = await conn.fetchrow(REVIEW_SQL, _review_id(request))
        if current is None:
            raise web.HTTPNotFound()
        fundamentos = forma(current["cuestionario"]).fundamentos
        observaciones, errors = parse_observaciones(form, _observable_rubros(current), fundamentos)
        if errors:
            context = await _review_context(conn, current, errors, form, ident)
            return aiohttp_jinja2.render_template("validacion/revision.html", request, context, status=422)
        review = await conn.fetchrow(RETURN_SQL, current["id"], ident.user_id, numero)
        if review is None:
            return _refused(request, await _rechazo(conn, current["id"], numero))
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
