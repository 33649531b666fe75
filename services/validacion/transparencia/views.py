"""Transparencia's queue of flags: clear one (with a reason) or confirm it (the rubro goes back to the candidacy
with the observation «datos sensibles»). Decisions on the flags of one review run one after the other; the one
that clears the last open flag of an approved version publishes it in its own transaction."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.common import audit, contracts, identidad
from services.common.access import TRANSPARENCIA, TRANSPARENCIA_READERS, requires, writes
from services.common.boundary import has_control, parse_int, path_int
from services.common.cuestionarios import Cuestionario, forma
from services.common.curricular import RUBROS_BY_KEY
from services.common.db import DB_POOL
from services.common.estados import report_status
from services.common.web import identity

from .. import resaltado as etiquetas
from ..publication import enqueue_publish
from ..sql import INSERT_OBSERVACION_SQL, PUBLICATION_OPEN_SQL
from .resaltado import espera, resaltar
from .sql import (
    DECIDE_FLAG_SQL,
    DECIDED_FLAG_SQL,
    LOCK_REVIEW_OF_FLAG_SQL,
    OPEN_FLAGS_COUNT_SQL,
    OPEN_FLAGS_SQL,
    PUBLISH_CLEARED_SQL,
    REVERT_FOR_FLAG_SQL,
)

POR_PAGINA = 20
MOTIVO_MAX = 1000


class Descarte(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    motivo: str = Field(min_length=1, max_length=MOTIVO_MAX)


class Confirmacion(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    nota: str = Field("", max_length=MOTIVO_MAX)


class FlagConflictError(Exception):
    """Someone else decided the flag first (or it does not exist)."""


def _pagina(value: str) -> int:
    # Any odd value is the first page: a bookmark with a typo should still open the queue.
    return max(1, parse_int(value) or 1)


async def _etiquetas(conn: asyncpg.Connection | asyncpg.Pool, flag: Any) -> tuple[str, str]:
    """(rubro or dimension title, field label) as the candidacy's questionnaire names them."""
    if flag["cuestionario"] == Cuestionario.CURRICULAR:
        rubro = RUBROS_BY_KEY.get(flag["rubro"])
        if rubro is None:
            return flag["rubro"], flag["campo"]
        campo = next((c.label for c in rubro.campos if c.name == flag["campo"]), flag["campo"])
        return rubro.titulo, campo
    conjunto = await identidad.for_candidatura(conn, flag["candidatura_id"])
    dimension = conjunto.dimension(flag["rubro"]) if conjunto else None
    if dimension is None:
        return flag["rubro"], flag["campo"]
    for pregunta in dimension.preguntas:
        if flag["campo"] in (pregunta.clave, pregunta.otro):
            return dimension.titulo, pregunta.texto
    return dimension.titulo, flag["campo"]


async def _describe(conn: asyncpg.Connection | asyncpg.Pool, flag: Any) -> dict[str, Any]:
    rubro, campo = await _etiquetas(conn, flag)
    persona = " ".join(p for p in (flag["nombre"], flag["primer_apellido"], flag["segundo_apellido"]) if p)
    return {
        "flag": flag,
        "persona": persona,
        "rubro_titulo": rubro,
        "campo_titulo": campo,
        "clase": etiquetas.clase(flag["clase"], flag["tipo"]),
        "tipo": etiquetas.TIPOS.get(flag["tipo"], flag["tipo"]),
        "resaltado": resaltar(flag["texto"], flag["inicio"], flag["fin"], flag["fragmento"]),
        "espera": espera(flag["espera"].total_seconds()) if flag.get("espera") is not None else "",
    }


async def _queue_context(
    request: web.Request,
    errors: dict[int, str] | None = None,
    values: dict[str, str] | None = None,
    aviso: str | None = None,
    problema: str | None = None,
    pagina_pedida: str | None = None,
) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    total: int = await pool.fetchval(OPEN_FLAGS_COUNT_SQL)
    paginas = max(1, -(-total // POR_PAGINA))
    pagina = min(_pagina(request.query.get("pagina", "1") if pagina_pedida is None else pagina_pedida), paginas)
    rows = await pool.fetch(OPEN_FLAGS_SQL, POR_PAGINA, (pagina - 1) * POR_PAGINA)
    role = identity(request).role
    return {
        "banderas": [await _describe(pool, r) for r in rows],
        "total": total,
        "pagina": pagina,
        "paginas": paginas,
        "puede_decidir": role in TRANSPARENCIA,
        "errors": errors or {},
        "values": values or {},
        "aviso": aviso if aviso is not None else await _decision_notice(pool, request.query),
        "problema": problema,
    }


async def _decision_notice(pool: asyncpg.Pool, query: Any) -> str | None:
    """The message after a decision (Post/Redirect/Get): what was decided, on whose text."""
    for key, estado in (("descartada", "descartada"), ("confirmada", "confirmada")):
        flag_id = parse_int(query.get(key, ""), bits=64)
        if flag_id is None:
            continue
        row = await pool.fetchrow(DECIDED_FLAG_SQL, flag_id)
        if row is None or row["estado"] != estado:
            return None
        d = await _describe(pool, row)
        que = f"«{d['clase']}» en {d['campo_titulo']} de {d['persona']}"
        if estado == "descartada":
            return f"Se descartó la bandera {que}."
        motivo = "propuesta copiada" if row["tipo"] == "propuesta_copiada" else "datos sensibles"
        return f"Se confirmó la bandera {que}: el rubro volvió a la candidatura con la observación «{motivo}»."
    return None


@requires(*TRANSPARENCIA_READERS)
@aiohttp_jinja2.template("validacion/transparencia/cola.html")
async def queue(request: web.Request) -> dict[str, Any]:
    return await _queue_context(request)


async def _form(request: web.Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.post()).items()}


def _refused(request: web.Request, context: dict[str, Any], status: int) -> web.Response:
    return aiohttp_jinja2.render_template("validacion/transparencia/cola.html", request, context, status=status)


async def _conflict(request: web.Request, flag_id: int, pagina: str) -> web.Response:
    row = await request.app[DB_POOL].fetchrow(DECIDED_FLAG_SQL, flag_id)
    if row is None:
        message = "Esa bandera no existe."
    else:
        message = f"Otra persona ya resolvió esta bandera (quedó {row['estado']}); no se aplicó tu decisión."
    return _refused(request, await _queue_context(request, problema=message, pagina_pedida=pagina), 409)


@requires(*TRANSPARENCIA)
@writes
async def clear(request: web.Request) -> web.StreamResponse:
    flag_id = path_int(request, bits=64)
    form = await _form(request)
    try:
        if has_control(form.get("motivo", "")):
            raise ValueError
        descarte = Descarte.model_validate({"motivo": form.get("motivo", "")})
    except (ValidationError, ValueError):
        errors = {flag_id: "Escribe por qué descartas esta bandera (hasta 1,000 caracteres)."}
        values = {f"motivo-{flag_id}": form.get("motivo", "")}
        context = await _queue_context(request, errors=errors, values=values, pagina_pedida=form.get("pagina", "1"))
        return _refused(request, context, 422)
    ident = identity(request)
    try:
        async with request.app[DB_POOL].acquire() as conn, conn.transaction():
            review = await conn.fetchrow(LOCK_REVIEW_OF_FLAG_SQL, flag_id)
            flag = await conn.fetchrow(DECIDE_FLAG_SQL, flag_id, "descartada", descarte.motivo, ident.user_id)
            if review is None or flag is None:
                raise FlagConflictError
            await _tell_reportes(conn, flag)
            publication_open = await conn.fetchval(PUBLICATION_OPEN_SQL)
            published = await conn.fetchrow(PUBLISH_CLEARED_SQL, review["id"], publication_open)
            if published is not None:
                await enqueue_publish(conn, published)
            await audit.record(
                conn,
                request,
                ident,
                service="validacion",
                action="descartar_bandera",
                entity="candidatura",
                entity_id=flag["candidatura_id"],
                details={**_details(flag), "motivo": descarte.motivo, "publicada": published is not None},
            )
    except FlagConflictError:
        return await _conflict(request, flag_id, form.get("pagina", "1"))
    raise _back(request, form, descartada=str(flag_id))


def _back(request: web.Request, form: dict[str, str], **notice: str) -> web.HTTPSeeOther:
    """Post/Redirect/Get to the page of the queue the decision was made on."""
    query = {"pagina": str(_pagina(form.get("pagina", "1"))), **notice}
    return web.HTTPSeeOther(request.app.router["transparencia"].url_for().with_query(query))


async def _tell_reportes(conn: asyncpg.Connection, flag: asyncpg.Record) -> None:
    """The flag is no longer open: reportes counts open flags for the Calidad de datos report."""
    await contracts.send(
        conn,
        contracts.RecordHecho(
            candidatura_id=flag["candidatura_id"],
            hecho="bandera_resuelta",
            at=flag["resuelto_at"],
            job_key=f"bandera-resuelta:{flag['id']}",
            referencia=str(flag["id"]),
            detalle={"estado": flag["estado"]},
        ),
    )


def _details(flag: asyncpg.Record) -> dict[str, Any]:
    return {k: flag[k] for k in ("tipo", "clase", "rubro", "campo")} | {
        "bandera": flag["id"],
        "revision": flag["revision_id"],
    }


def _fundamento(cuestionario: str, tipo: str) -> str:
    """The ground from the questionnaire's catalog: a copied proposal is observed as one; anything else as
    sensitive data (the cuestionario de identidad calls it sensitive data of third parties)."""
    fundamentos = forma(cuestionario).fundamentos
    for clave in ("propuesta_copiada" if tipo == "propuesta_copiada" else "datos_sensibles", "datos_sensibles"):
        if clave in fundamentos:
            return clave
    return "datos_terceros" if "datos_terceros" in fundamentos else next(iter(fundamentos))


@requires(*TRANSPARENCIA)
@writes
async def confirm(request: web.Request) -> web.StreamResponse:
    flag_id = path_int(request, bits=64)
    form = await _form(request)
    try:
        if has_control(form.get("nota", "")):
            raise ValueError
        confirmacion = Confirmacion.model_validate({"nota": form.get("nota", "")})
    except (ValidationError, ValueError):
        errors = {flag_id: "La nota para la candidatura admite hasta 1,000 caracteres."}
        values = {f"nota-{flag_id}": form.get("nota", "")}
        context = await _queue_context(request, errors=errors, values=values, pagina_pedida=form.get("pagina", "1"))
        return _refused(request, context, 422)
    ident = identity(request)
    pool = request.app[DB_POOL]
    try:
        async with pool.acquire() as conn, conn.transaction():
            review = await conn.fetchrow(LOCK_REVIEW_OF_FLAG_SQL, flag_id)
            flag = await conn.fetchrow(DECIDE_FLAG_SQL, flag_id, "confirmada", confirmacion.nota or None, ident.user_id)
            if review is None or flag is None:
                raise FlagConflictError
            await _tell_reportes(conn, flag)
            described = await _describe(conn, await conn.fetchrow(DECIDED_FLAG_SQL, flag_id))
            observacion = contracts.Observacion(
                rubro=flag["rubro"],
                fundamento=_fundamento(review["cuestionario"], flag["tipo"]),
                texto=_observacion_texto(described, confirmacion.nota),
            )
            await conn.execute(
                INSERT_OBSERVACION_SQL,
                review["id"],
                observacion.rubro,
                observacion.fundamento,
                observacion.texto,
                ident.user_id,
            )
            reverted = await conn.fetchrow(REVERT_FOR_FLAG_SQL, review["id"], ident.user_id)
            await contracts.send(
                conn,
                contracts.Reopen(
                    candidatura_id=review["candidatura_id"],
                    cuestionario=review["cuestionario"],
                    numero=review["numero"],
                    observaciones=[observacion],
                ),
            )
            if reverted is not None:
                await report_status(
                    conn,
                    candidatura_id=reverted["candidatura_id"],
                    cuestionario=reverted["cuestionario"],
                    estado="con_observaciones",
                    at=reverted["resuelto_at"],
                    job_key=f"revision:{reverted['id']}:con_observaciones",
                )
            await audit.record(
                conn,
                request,
                ident,
                service="validacion",
                action="confirmar_bandera",
                entity="candidatura",
                entity_id=flag["candidatura_id"],
                details={**_details(flag), "nota": confirmacion.nota, "devuelta": reverted is not None},
            )
    except FlagConflictError:
        return await _conflict(request, flag_id, form.get("pagina", "1"))
    raise _back(request, form, confirmada=str(flag_id))


def _observacion_texto(described: dict[str, Any], nota: str) -> str:
    campo = described["campo_titulo"]
    if described["flag"]["tipo"] == "propuesta_copiada":
        texto = f"La Unidad de Transparencia confirmó que «{campo}» copia la propuesta de otra candidatura."
    else:
        texto = f"La Unidad de Transparencia encontró datos sensibles ({described['clase']}) en «{campo}»."
    texto += " Corrígelo y vuelve a enviar el cuestionario."
    return f"{texto} {nota}" if nota else texto
