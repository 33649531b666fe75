"""The deadlines dashboard, its reminder button and the omisos list with their exports (``/validacion/plazos``).

Served by captura (the gateway routes the prefix here) because the questionnaire states are captura's; the
coordinación reads and mails from it, an administrator only reads it.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import ValidationError

from services.common import audit, avisos, celdas, tiempo
from services.common.access import DEADLINE_MANAGERS, PROCESS_MANAGERS, REGISTRY_MANAGERS, requires, writes
from services.common.avisos import Aviso, Enlace, Tipo
from services.common.cuestionarios import FORMAS, Cuestionario
from services.common.db import DB_POOL
from services.common.estados import STATE_LABELS
from services.common.proceso import Proceso, active_proceso
from services.common.web import identity

from . import forms
from .datos import Item, ambito, conteos, esperas, hoy, nombre_completo
from .reglas import ESTADOS_EN_ESPERA, GRUPO_LABELS, GRUPOS_CON_RECORDATORIO, QUIEN, Grupo, boton_recordatorio
from .sql import (
    CARGOS_SQL,
    CLAIM_RECORDATORIO_SQL,
    LOTE_SQL,
    NUEVO_LOTE_SQL,
    OMISOS_SQL,
    POSTULANTES_SQL,
)

# The lote a reminder press redirects with (str.isdigit would let «²» through to int()).
LOTE_RE = re.compile(r"[0-9]{1,18}")
# A page of the dashboard lists at most this many questionnaires; the counts above always cover all.
MAX_FILAS = 1000
TIPOS_AVISO = {Grupo.CANDIDATURA: Tipo.ATRASO, Grupo.PARTIDO: Tipo.ATRASO_PARTIDO}
OMISOS_ENCABEZADO = [
    "postulante",
    "postulante_nombre",
    "candidatura",
    "nombre",
    "tipo",
    "cargo",
    "ambito",
    "numero",
    "estado_curricular",
    "cierre_captura",
    "identidad_enviada",
]


def now() -> datetime:
    return datetime.now(UTC)


async def _proceso(request: web.Request) -> Proceso:
    proceso = await active_proceso(request.app[DB_POOL])
    if proceso is None:
        raise web.HTTPNotFound(text="No hay un proceso electoral activo.")
    return proceso


def _shown(items: list[Item], filtros: forms.Filtros) -> list[Item]:
    return [
        i
        for i in items
        if (filtros.grupo is None or i.grupo is filtros.grupo)
        and (filtros.estado is None or i.estado == filtros.estado)
        and (not filtros.atrasados or i.atrasado)
    ]


async def _dashboard(
    request: web.Request,
    filtros: forms.Filtros,
    errors: dict[str, str],
    *,
    enviados: dict[str, int] | None = None,
    status: int = 200,
) -> web.Response:
    pool = request.app[DB_POOL]
    proceso = await _proceso(request)
    items = await esperas(pool, proceso, now(), postulante_id=filtros.postulante, cargo=filtros.cargo)
    shown = _shown(items, filtros)
    context: dict[str, Any] = {
        "proceso": proceso,
        "filtros": filtros,
        "errors": errors,
        "valores": {k: request.query.get(k, "")[:100] for k in forms.FILTER_MESSAGES},
        "items": shown[:MAX_FILAS],
        "total_filas": len(shown),
        "conteos": conteos(items),
        "grupos": GRUPO_LABELS,
        "quien": QUIEN,
        "boton_recordatorio": boton_recordatorio,
        "con_recordatorio": GRUPOS_CON_RECORDATORIO,
        "estados": {e: forms.ETIQUETAS[e] for e in ESTADOS_EN_ESPERA},
        "estado_labels": forms.ETIQUETAS,
        "postulantes": await pool.fetch(POSTULANTES_SQL),
        "cargos": await pool.fetch(CARGOS_SQL),
        "enviados": enviados,
        "puede_recordar": identity(request).role in DEADLINE_MANAGERS,
        "ve_registro": identity(request).role in REGISTRY_MANAGERS,
        "dias": {
            Grupo.PARTIDO: proceso.configuracion.dias_espera_partido,
            Grupo.INSTITUTO: proceso.configuracion.dias_espera_instituto,
        },
    }
    if errors:
        status = 422
    return aiohttp_jinja2.render_template("captura/plazos.html", request, context, status=status)


@requires(*PROCESS_MANAGERS)
async def dashboard(request: web.Request) -> web.Response:
    filtros, errors = forms.parse(request.query)
    enviados = None
    lote = request.query.get("lote", "")
    if LOTE_RE.fullmatch(lote):
        rows = await request.app[DB_POOL].fetch(LOTE_SQL, int(lote))
        enviados = {r["grupo"]: r["n"] for r in rows}
    return await _dashboard(request, filtros, errors, enviados=enviados)


def _aviso(grupo: Grupo, candidatura_id: int, dia: str, cuestionarios_: list[str]) -> Aviso:
    enlaces = [
        Enlace(titulo=FORMAS[Cuestionario(c)].titulo, ruta=avisos.cuestionario_path(candidatura_id, c))
        for c in cuestionarios_
    ]
    return Aviso(
        tipo=TIPOS_AVISO[grupo],
        candidatura_id=candidatura_id,
        # One per candidacy, group and day: a second press, a retry or a second tab mails nobody twice.
        clave=f"atraso:{grupo.value}:{candidatura_id}:{dia}",
        cuestionario=Cuestionario(cuestionarios_[0]),
        enlaces=enlaces,
    )


@requires(*DEADLINE_MANAGERS)
@writes
async def send_reminders(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    filtros, errors = forms.parse({k: str(v) for k, v in form.items()}, ("postulante", "cargo"))
    try:
        grupo = forms.Recordatorio.model_validate({"grupo": form.get("grupo", "")}).grupo
    except ValidationError:
        errors["grupo"] = forms.RECORDATORIO_MESSAGE
    if errors:
        return await _dashboard(request, filtros, errors)
    ident = identity(request)
    proceso = await _proceso(request)
    moment = now()
    dia = hoy(proceso, moment)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        items = await esperas(conn, proceso, moment, postulante_id=filtros.postulante, cargo=filtros.cargo)
        late: dict[int, list[str]] = defaultdict(list)
        for item in items:
            if item.grupo is grupo and item.atrasado:
                late[item.candidatura_id].append(item.cuestionario)
        lote = await conn.fetchval(NUEVO_LOTE_SQL)
        for candidatura_id, pendientes in late.items():
            claimed = await conn.fetchval(CLAIM_RECORDATORIO_SQL, candidatura_id, grupo.value, dia, lote, ident.user_id)
            if claimed is None:
                continue  # already reminded today
            await avisos.enqueue(conn, _aviso(grupo, candidatura_id, dia.isoformat(), pendientes))
            await audit.record(
                conn,
                request,
                ident,
                service="captura",
                action="recordatorio_atraso",
                entity="candidatura",
                entity_id=candidatura_id,
                details={"grupo": grupo.value, "dia": dia.isoformat(), "lote": lote, "cuestionarios": pendientes},
            )
    target = request.app.router["plazos"].url_for().with_query({**filtros.query(), "lote": str(lote)})
    raise web.HTTPSeeOther(location=str(target))


async def _omisos(request: web.Request) -> tuple[Proceso, forms.Filtros, dict[str, str], list[dict[str, Any]]]:
    filtros, errors = forms.parse(request.query, ("postulante",))
    proceso = await _proceso(request)
    records = await request.app[DB_POOL].fetch(OMISOS_SQL, proceso.id, now(), filtros.postulante)
    rows = [
        {
            **dict(r),
            "nombre_completo": nombre_completo(r),
            "ambito": ambito(r),
            "estado_label": STATE_LABELS[r["estado"]],
        }
        for r in records
    ]
    return proceso, filtros, errors, rows


@requires(*PROCESS_MANAGERS)
async def omisos(request: web.Request) -> web.Response:
    proceso, filtros, errors, rows = await _omisos(request)
    grupos: dict[int, dict[str, Any]] = {}
    for row in rows:
        grupo = grupos.setdefault(
            row["postulante_id"], {"siglas": row["siglas"], "nombre": row["postulante_nombre"], "filas": []}
        )
        grupo["filas"].append(row)
    context = {
        "proceso": proceso,
        "filtros": filtros,
        "errors": errors,
        "grupos": list(grupos.values()),
        "total": len(rows),
        "postulantes": await request.app[DB_POOL].fetch(POSTULANTES_SQL),
        "cerrada": proceso.captura_fin is not None and proceso.captura_fin < now(),
        "corte": tiempo.format_fecha_hora(now(), proceso.zona),
        "query": filtros.query(),
        "ve_registro": identity(request).role in REGISTRY_MANAGERS,
    }
    return aiohttp_jinja2.render_template("captura/omisos.html", request, context, status=422 if errors else 200)


def _filas(rows: list[dict[str, Any]], proceso: Proceso) -> list[list[Any]]:
    return [
        [
            r["siglas"],
            r["postulante_nombre"],
            r["candidatura_id"],
            r["nombre_completo"],
            r["tipo"],
            r["cargo_nombre"],
            r["ambito"],
            r["numero"],
            r["estado_label"],
            tiempo.format_fecha_hora(r["cierre"], proceso.zona, conector=" "),
            "sí" if r["identidad_enviada"] else "no",
        ]
        for r in rows
    ]


def _download(body: bytes, content_type: str, name: str) -> web.Response:
    return web.Response(
        body=body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def _nombre_archivo(proceso: Proceso, extension: str) -> str:
    # The cut date, in the process's zone: two downloads of different days never share a name.
    return f"omisos-{hoy(proceso, now()).isoformat()}.{extension}"


@requires(*PROCESS_MANAGERS)
async def omisos_csv(request: web.Request) -> web.Response:
    proceso, _, errors, rows = await _omisos(request)
    if errors:
        raise web.HTTPUnprocessableEntity(text=" ".join(errors.values()))
    out = io.StringIO()
    writer = celdas.writer(out)
    writer.writerow(OMISOS_ENCABEZADO)
    writer.writerows(_filas(rows, proceso))
    # With a BOM so Excel opens the accents right.
    response = _download(("\ufeff" + out.getvalue()).encode(), "text/csv", _nombre_archivo(proceso, "csv"))
    response.charset = "utf-8"
    return response


@requires(*PROCESS_MANAGERS)
async def omisos_xlsx(request: web.Request) -> web.Response:
    proceso, _, errors, rows = await _omisos(request)
    if errors:
        raise web.HTTPUnprocessableEntity(text=" ".join(errors.values()))
    body = celdas.xlsx(OMISOS_ENCABEZADO, _filas(rows, proceso), hoja="omisos")
    return _download(
        body,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _nombre_archivo(proceso, "xlsx"),
    )
