"""The optional party-validation step (docs/design.md §4): with ``validacion_partido`` on, a submitted questionnaire
waits in ``revision_partido`` until the candidacy's representante approves it (it goes to the institute, as a
submit does without the step) or returns it with a comment per rubro (it reopens, ``con_observaciones``).

Only a ``representante`` decides, and only on candidacies of its own postulante (checked in SQL by
:func:`candidatura_in_scope`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web

from services.common import audit
from services.common.access import PARTY_REPRESENTATIVES, requires, writes
from services.common.contracts import Version
from services.common.cuestionarios import Cuestionario, es_cuestionario, partes
from services.common.db import DB_POOL
from services.common.estados import report_status
from services.common.observaciones import PARTIDO
from services.common.plazos import ventana_de
from services.common.web import identity

from . import avisos, envios, hechos, reglas
from .scope import candidatura_in_scope
from .sql import CUESTIONARIO_FOR_UPDATE_SQL, ENVIO_SQL, INSERT_OBSERVACION_SQL, SET_ESTADO_SQL

COMENTARIO_MAX = 2000
NO_PENDIENTE = "Este cuestionario no está esperando la validación del partido."
SIN_COMENTARIOS = "Escribe al menos un comentario en el rubro que la candidatura debe corregir."
DEMASIADO_LARGO = f"El comentario admite como máximo {COMENTARIO_MAX:,} caracteres."


def _cuestionario(request: web.Request) -> str:
    cuestionario = request.match_info["cuestionario"]
    if not es_cuestionario(cuestionario):
        raise web.HTTPNotFound()
    return cuestionario


async def rubros_de(conn: asyncpg.Connection | asyncpg.Pool, candidatura_id: int, cuestionario: str) -> list[Any]:
    """(clave, título) of every rubro the party may comment on: the five rubros, or the identity dimensions."""
    return await partes(conn, candidatura_id, cuestionario)


def parse_comentarios(form: Mapping[str, str], rubros: list[Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The non-empty ``comentario_<rubro>`` fields, and a Spanish message per faulty field."""
    comentarios: dict[str, str] = {}
    errors: dict[str, str] = {}
    for clave, _titulo in rubros:
        texto = form.get(f"comentario_{clave}", "").strip()
        if len(texto) > COMENTARIO_MAX:
            errors[f"comentario_{clave}"] = DEMASIADO_LARGO
        elif texto:
            comentarios[clave] = texto
    if not comentarios and not errors:
        errors["_"] = SIN_COMENTARIOS
    return comentarios, errors


def overview_context(request: web.Request, cuestionario: str, rubros: list[Any]) -> dict[str, Any]:
    """What a questionnaire's overview needs for the party step: the decision forms and the outcome notice."""
    return {
        "cuestionario": cuestionario,
        "partido_rubros": rubros,
        "partido_resultado": request.query.get("partido"),
        "errors": {},
        "values": {},
    }


def _overview(request: web.Request, candidatura_id: int, cuestionario: str, resultado: str) -> web.HTTPSeeOther:
    # Each questionnaire's overview route is named after it (app.py).
    location = request.app.router[Cuestionario(cuestionario).value].url_for(id=str(candidatura_id))
    return web.HTTPSeeOther(location.with_query(partido=resultado))


async def _waiting(conn: asyncpg.Connection, candidatura_id: int, cuestionario: str) -> tuple[int, asyncpg.Record]:
    """Lock the questionnaire; the number and row of the submitted version waiting for the party, or 409."""
    estado = await conn.fetchrow(CUESTIONARIO_FOR_UPDATE_SQL, candidatura_id, cuestionario)
    envio = None
    if estado is not None and estado["estado"] == envios.REVISION_PARTIDO:
        envio = await conn.fetchrow(ENVIO_SQL, candidatura_id, cuestionario, estado["envios"])
    if envio is None:
        raise web.HTTPConflict(text=NO_PENDIENTE)
    return estado["envios"], envio


async def _record_status(
    conn: asyncpg.Connection, candidatura_id: int, cuestionario: str, estado: str, key: str
) -> None:
    await report_status(
        conn,
        **envios.status_changed(candidatura_id, cuestionario, estado, key),
    )


@requires(*PARTY_REPRESENTATIVES)
@writes
async def approve(request: web.Request) -> web.StreamResponse:
    cuestionario = _cuestionario(request)
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        candidatura = await candidatura_in_scope(request, conn)
        numero, envio = await _waiting(conn, candidatura["id"], cuestionario)
        ventana = await ventana_de(conn, candidatura["id"])
        decision = reglas.can_do(ventana, hechos.now(), reglas.Accion.PARTIDO_APROBAR)
        if not decision.allowed:
            raise web.HTTPConflict(text=decision.reason)
        await conn.execute(SET_ESTADO_SQL, candidatura["id"], cuestionario, envios.ENVIADO)
        await envios.enqueue_review(
            conn,
            envio["id"],
            candidatura["id"],
            cuestionario,
            numero,
            Version.from_stored(envio["datos"]),
            envio["enviado_at"],
        )
        await _record_status(conn, candidatura["id"], cuestionario, envios.ENVIADO, f"partido:{envio['id']}:aprobado")
        await audit.record(
            conn,
            request,
            ident,
            service="captura",
            action="partido_aprobar",
            entity="candidatura",
            entity_id=candidatura["id"],
            details={"cuestionario": cuestionario, "numero": numero},
        )
    raise _overview(request, candidatura["id"], cuestionario, "aprobado")


@requires(*PARTY_REPRESENTATIVES)
@writes
async def return_to_candidacy(request: web.Request) -> web.StreamResponse:
    form = {k: str(v) for k, v in (await request.post()).items()}
    cuestionario = _cuestionario(request)
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        candidatura = await candidatura_in_scope(request, conn)
        numero, envio = await _waiting(conn, candidatura["id"], cuestionario)
        rubros = await rubros_de(conn, candidatura["id"], cuestionario)
        comentarios, errors = parse_comentarios(form, rubros)
        ventana = await ventana_de(conn, candidatura["id"])
        decision = reglas.can_do(ventana, hechos.now(), reglas.Accion.PARTIDO_DEVOLVER)
        if not decision.allowed:
            errors = {"_": decision.reason}
        if errors:
            context = {
                "candidatura": candidatura,
                "cuestionario": cuestionario,
                "partido_rubros": rubros,
                "errors": errors,
                "values": form,
            }
            status = 422 if decision.allowed else 409
            return aiohttp_jinja2.render_template("captura/partido_devolver.html", request, context, status=status)
        await conn.executemany(
            INSERT_OBSERVACION_SQL,
            [(candidatura["id"], cuestionario, numero, rubro, PARTIDO, texto) for rubro, texto in comentarios.items()],
        )
        await conn.execute(SET_ESTADO_SQL, candidatura["id"], cuestionario, "con_observaciones")
        await avisos.returned(
            conn,
            candidatura_id=candidatura["id"],
            cuestionario=cuestionario,
            numero=numero,
            rubros=comentarios,
            by_party=True,
        )
        await _record_status(
            conn, candidatura["id"], cuestionario, "con_observaciones", f"partido:{envio['id']}:con_observaciones"
        )
        await audit.record(
            conn,
            request,
            ident,
            service="captura",
            action="partido_devolver",
            entity="candidatura",
            entity_id=candidatura["id"],
            details={"cuestionario": cuestionario, "numero": numero, "rubros": sorted(comentarios)},
        )
    raise _overview(request, candidatura["id"], cuestionario, "devuelto")
