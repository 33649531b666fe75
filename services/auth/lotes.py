"""Bulk provisioning screens: start a lote, follow it, download its credentials sheet, then erase the sheet.

The work itself is the ``auth.provision`` job (``provision.py``); these views only write the lote row and its
outbox job, and read what the job records.
"""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from services.common import audit, contracts, espera
from services.common.access import ACCOUNT_MANAGERS, requires, writes
from services.common.boundary import path_int
from services.common.db import DB_POOL
from services.common.web import REDIS, identity

RUNNING = ("pendiente", "en_proceso")
ESTADOS = {
    "pendiente": "En espera",
    "en_proceso": "En proceso",
    "terminado": "Terminado",
    "error": "Interrumpido por un error (se reintentará)",
}

# Instants in UTC: the templates show them in the process's zone (services.common.tiempo).
LOTES_SQL = """
SELECT l.id, l.estado, l.total, l.procesadas, l.creadas, l.error, l.deleted_at IS NOT NULL AS eliminada,
       l.created_at AS creado,
       l.finished_at AS terminado,
       l.deleted_at AS eliminado,
       u.username AS solicitante
FROM auth.lotes_cuentas l LEFT JOIN auth.users u ON u.id = l.requested_by
ORDER BY l.id DESC
LIMIT 100
"""
LOTE_SQL = """
SELECT l.id, l.estado, l.total, l.procesadas, l.creadas, l.error, l.deleted_at IS NOT NULL AS eliminada,
       l.created_at AS creado,
       l.finished_at AS terminado,
       l.deleted_at AS eliminado,
       u.username AS solicitante
FROM auth.lotes_cuentas l LEFT JOIN auth.users u ON u.id = l.requested_by
WHERE l.id = $1
"""
LOTE_BY_ORIGEN_SQL = "SELECT id FROM auth.lotes_cuentas WHERE origen = $1"
RUNNING_LOTE_SQL = "SELECT id FROM auth.lotes_cuentas WHERE estado = ANY($1::text[]) ORDER BY id LIMIT 1"
CREATE_LOTE_SQL = "INSERT INTO auth.lotes_cuentas (requested_by) VALUES ($1) RETURNING id"
SHEET_CSV_SQL = (
    "SELECT estado, deleted_at IS NOT NULL AS eliminada, hoja_csv AS hoja FROM auth.lotes_cuentas WHERE id = $1"
)
SHEET_PDF_SQL = (
    "SELECT estado, deleted_at IS NOT NULL AS eliminada, hoja_pdf AS hoja FROM auth.lotes_cuentas WHERE id = $1"
)
SHEETS = {"csv": (SHEET_CSV_SQL, "text/csv"), "pdf": (SHEET_PDF_SQL, "application/pdf")}
# Only a finished sheet: an interrupted lote is retried and its sheet still has passwords nobody received.
ERASE_SQL = """
UPDATE auth.lotes_cuentas SET hoja_csv = NULL, hoja_pdf = NULL, deleted_at = now()
WHERE id = $1 AND estado = 'terminado' AND deleted_at IS NULL
RETURNING id
"""


def _lote_id(request: web.Request) -> int:
    return path_int(request)


def _lote_url(request: web.Request, lote_id: int, **query: str) -> str:
    return str(request.app.router["lote"].url_for(id=str(lote_id)).with_query(query))


@requires(*ACCOUNT_MANAGERS)
@aiohttp_jinja2.template("auth/lotes.html")
async def list_lotes(request: web.Request) -> dict[str, Any]:
    return {"lotes": await request.app[DB_POOL].fetch(LOTES_SQL), "estados": ESTADOS}


@requires(*ACCOUNT_MANAGERS)
@writes
async def create(request: web.Request) -> web.StreamResponse:
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        # One lote at a time is enough (each creates every missing account); a second click shows the first.
        # Two clicks at the same instant are harmless: the job's locks keep the accounts unique.
        running = await conn.fetchval(RUNNING_LOTE_SQL, list(RUNNING))
        if running is None:
            lote_id: int = await conn.fetchval(CREATE_LOTE_SQL, ident.user_id)
            await contracts.send(conn, contracts.Provision(lote_id=lote_id))
            await audit.record(
                conn,
                request,
                ident,
                service="auth",
                action="crear_lote_cuentas",
                entity="lote_cuentas",
                entity_id=lote_id,
            )
    if running is not None:
        raise web.HTTPSeeOther(_lote_url(request, running, en_curso="1"))
    raise web.HTTPSeeOther(_lote_url(request, lote_id))


@requires(*ACCOUNT_MANAGERS)
async def of_importacion(request: web.Request) -> web.StreamResponse:
    """The lote of an import: validacion links here by the import's id, the job creates the lote from it."""
    importacion_id = path_int(request)
    lote_id = await request.app[DB_POOL].fetchval(LOTE_BY_ORIGEN_SQL, contracts.origen_importacion(importacion_id))
    if lote_id is None:
        # The job has not run yet (it creates the lote within seconds): this page reloads itself until then.
        origen = contracts.origen_importacion(importacion_id)
        context = {
            "importacion_id": importacion_id,
            "auto_refresh": request.query.get("auto") != "0",
            "en_espera": await espera.waiting_for_worker(
                request.app[DB_POOL], request.app.get(REDIS), contracts.Provision.name, origen=origen
            ),
            "texto_espera": espera.EN_ESPERA,
        }
        return aiohttp_jinja2.render_template("auth/lote_preparando.html", request, context)
    raise web.HTTPSeeOther(_lote_url(request, lote_id))


@requires(*ACCOUNT_MANAGERS)
@aiohttp_jinja2.template("auth/lote.html")
async def detail(request: web.Request) -> dict[str, Any]:
    lote = await request.app[DB_POOL].fetchrow(LOTE_SQL, _lote_id(request))
    if lote is None:
        raise web.HTTPNotFound()
    running = lote["estado"] in RUNNING
    app = request.app
    return {
        "en_espera": running
        and await espera.waiting_for_worker(app[DB_POOL], app.get(REDIS), contracts.Provision.name, lote_id=lote["id"]),
        "texto_espera": espera.EN_ESPERA,
        "lote": lote,
        "estados": ESTADOS,
        "running": running,
        # The page reloads itself while the job runs (no JavaScript); a screen-reader user can stop that.
        "auto_refresh": running and request.query.get("auto") != "0",
        "en_curso": request.query.get("en_curso") == "1",
        "eliminada": request.query.get("eliminada") == "1",
    }


async def _download(request: web.Request, formato: str) -> web.Response:
    lote_id = _lote_id(request)
    pool = request.app[DB_POOL]
    sql, content_type = SHEETS[formato]
    row = await pool.fetchrow(sql, lote_id)
    if row is None:
        raise web.HTTPNotFound()
    if row["eliminada"]:
        raise web.HTTPGone(text="La hoja de credenciales de este lote ya se eliminó.")
    if row["estado"] != "terminado" or row["hoja"] is None:
        raise web.HTTPConflict(text="La hoja de credenciales estará lista cuando el lote termine.")
    await audit.record(
        pool,
        request,
        identity(request),
        service="auth",
        action="descargar_credenciales",
        entity="lote_cuentas",
        entity_id=lote_id,
        details={"formato": formato},
    )
    return web.Response(
        body=row["hoja"],
        content_type=content_type,
        charset="utf-8" if formato == "csv" else None,
        headers={
            "Content-Disposition": f'attachment; filename="credenciales-lote-{lote_id}.{formato}"',
            # Passwords: never kept by a browser, a proxy or Apache's cache.
            "Cache-Control": "no-store",
        },
    )


@requires(*ACCOUNT_MANAGERS)
async def download_csv(request: web.Request) -> web.StreamResponse:
    return await _download(request, "csv")


@requires(*ACCOUNT_MANAGERS)
async def download_pdf(request: web.Request) -> web.StreamResponse:
    return await _download(request, "pdf")


@requires(*ACCOUNT_MANAGERS)
@writes
async def erase(request: web.Request) -> web.StreamResponse:
    lote_id = _lote_id(request)
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        erased = await conn.fetchval(ERASE_SQL, lote_id)
        if erased is not None:
            await audit.record(
                conn,
                request,
                ident,
                service="auth",
                action="eliminar_credenciales",
                entity="lote_cuentas",
                entity_id=lote_id,
            )
        lote = await conn.fetchrow(LOTE_SQL, lote_id)
    if lote is None:
        raise web.HTTPNotFound()
    if erased is None and not lote["eliminada"]:
        raise web.HTTPConflict(text="La hoja se puede eliminar cuando el lote termine.")
    # Erasing twice (a second click) lands on the same page.
    raise web.HTTPSeeOther(_lote_url(request, lote_id, eliminada="1"))
