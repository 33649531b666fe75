"""The consent documents of a candidacy: the pre-filled form to download and the signed form uploaded back.

The three consents themselves (checkboxes with timestamps) are rendered on the same page by the
``consentimientos`` block of captura/consentimiento.html (see consentimiento_pagina.py).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
from aiohttp import web

from services.common import audit, contracts, media, tiempo
from services.common.access import CANDIDATE_SIDE, requires, writes
from services.common.db import DB_POOL
from services.common.etiquetas import calidad, postulante_nombre
from services.common.plazos import ventana_de
from services.common.web import SETTINGS, identity
from services.common.zona import request_zona

from . import consentimiento, hechos, reglas
from .consentimiento_pagina import render
from .documentos_sql import CURRENT_DOCUMENTO_SQL, INSERT_DOCUMENTO_SQL, PROCESO_NOMBRE_SQL
from .scope import candidatura_in_scope
from .uploads import media_dir, read_upload

FIELD = "documento"


def ambito(candidatura: asyncpg.Record) -> str:
    if candidatura["distrito"]:
        return f"Distrito local {candidatura['distrito']}"
    if candidatura["municipio_nombre"]:
        return f"Municipio de {candidatura['municipio_nombre']}"
    return "Lista estatal de representación proporcional"


def nombre(candidatura: asyncpg.Record) -> str:
    parts = (candidatura["nombre"], candidatura["primer_apellido"], candidatura["segundo_apellido"])
    return " ".join(p for p in parts if p)


@requires(*CANDIDATE_SIDE)
async def show(request: web.Request) -> web.Response:
    pool = request.app[DB_POOL]
    candidatura = await candidatura_in_scope(request, pool)
    return await render(request, pool, candidatura)


@requires(*CANDIDATE_SIDE)
async def download_formato(request: web.Request) -> web.Response:
    pool = request.app[DB_POOL]
    candidatura = await candidatura_in_scope(request, pool)
    proceso = await pool.fetchval(PROCESO_NOMBRE_SQL, candidatura["id"]) or ""
    persona = consentimiento.Persona(
        nombre=nombre(candidatura),
        cargo=candidatura["cargo_nombre"],
        ambito=ambito(candidatura),
        tipo=calidad(candidatura["tipo"], candidatura["sexo"]),
        postulante=postulante_nombre(
            candidatura["postulante_nombre"], candidatura["siglas"], candidatura["postulante_tipo"]
        ),
    )
    generado = tiempo.today(datetime.now(UTC), await request_zona(request))
    instituto = request.app[SETTINGS].instituto.nombre
    pdf = await asyncio.to_thread(
        consentimiento.formato_pdf, persona, instituto=instituto, proceso=proceso, generado=generado
    )
    return web.Response(
        body=pdf,
        content_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="consentimiento-{candidatura["id"]}.pdf"',
            # Personal data: no cache anywhere keeps a copy.
            "Cache-Control": "no-store",
        },
    )


@requires(*CANDIDATE_SIDE)
@writes
async def upload_documento(request: web.Request) -> web.StreamResponse:
    pool = request.app[DB_POOL]
    candidatura = await candidatura_in_scope(request, pool)
    decision = reglas.can_do(await ventana_de(pool, candidatura["id"]), hechos.now(), reglas.Accion.DOCUMENTO)
    if not decision.allowed:
        return await render(request, pool, candidatura, errors={FIELD: decision.reason}, status=409)
    data, original = await read_upload(request, FIELD, consentimiento.MAX_BYTES)
    try:
        documento = await asyncio.to_thread(consentimiento.validar, data)
    except consentimiento.DocumentoRechazadoError as exc:
        return await render(request, pool, candidatura, errors={FIELD: exc.message}, status=422)
    path = media.private_path(media_dir(request), documento.sha256, f".{documento.extension}")
    await asyncio.to_thread(media.write_atomic, path, documento.data)
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        candidatura = await candidatura_in_scope(request, conn)
        # Checked again here: the window may have closed while the file was being checked and written.
        decision = reglas.can_do(await ventana_de(conn, candidatura["id"]), hechos.now(), reglas.Accion.DOCUMENTO)
        if not decision.allowed:
            return await render(request, conn, candidatura, errors={FIELD: decision.reason}, status=409)
        row = await conn.fetchrow(
            INSERT_DOCUMENTO_SQL,
            candidatura["id"],
            documento.sha256,
            documento.extension,
            len(documento.data),
            original,
            ident.user_id,
        )
        await audit.record(
            conn,
            request,
            ident,
            service="captura",
            action="subir_consentimiento",
            entity="candidatura",
            entity_id=candidatura["id"],
            details={"documento_id": row["id"], "sha256": documento.sha256, "extension": documento.extension},
        )
        # reportes counts candidacies with their signed form (report 1); keyed by the document, counted once.
        await contracts.send(
            conn,
            contracts.RecordHecho(
                candidatura_id=candidatura["id"],
                hecho="consentimiento_cargado",
                at=row["created_at"],
                job_key=f"consentimiento:{row['id']}",
            ),
        )
    location = request.app.router["consentimiento"].url_for(id=str(candidatura["id"]))
    raise web.HTTPSeeOther(location.with_query(guardado="1"))


@requires(*CANDIDATE_SIDE)
async def download_documento(request: web.Request) -> web.StreamResponse:
    """The signed form last uploaded, back to its own candidacy, as a download (never rendered inline)."""
    pool = request.app[DB_POOL]
    candidatura = await candidatura_in_scope(request, pool)
    documento = await pool.fetchrow(CURRENT_DOCUMENTO_SQL, candidatura["id"])
    if documento is None:
        raise web.HTTPNotFound(text="Todavía no se ha subido el formato firmado.")
    extension = documento["extension"]
    path = media.private_path(media_dir(request), documento["sha256"], f".{extension}")
    if not await asyncio.to_thread(path.is_file):
        raise web.HTTPNotFound(text="No se encontró el archivo del formato firmado.")
    headers = {
        "Content-Type": consentimiento.CONTENT_TYPES[extension],
        "Content-Disposition": f'attachment; filename="consentimiento-firmado-{candidatura["id"]}.{extension}"',
        "Cache-Control": "no-store",
    }
    return web.FileResponse(path, headers=headers)
