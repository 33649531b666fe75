"""Screens of the registry import: upload, preview with every problem by row and column, apply.

The same preview and apply serve the candidacies and the territorial catalogs (secciones, composición).
Parsing and validating 10,000 rows takes about a second, so it happens in the request, in a thread (one file
at a time, so two uploads do not share the CPU with every other request), and the preview page is the progress
report. The file is read only up to the caps, and a preview keeps only the first problems, listed by pages.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel, Field, ValidationError

from services.common.access import REGISTRY_MANAGERS, requires, writes
from services.common.archivos import plain_filename
from services.common.boundary import path_int
from services.common.db import DB_POOL
from services.common.web import SETTINGS, identity

from . import catalogo, commit, sql, territorio, validate
from .parse import ArchivoInvalidoError, Limites, read_table

log = logging.getLogger(__name__)

TIPOS = {
    "candidaturas": "Candidaturas",
    "secciones": "Catálogo de secciones",
    "composicion": "Composición municipio-distrito",
}
ESTADOS = {"con_errores": "Con errores (no se registró nada)", "lista": "Lista para aplicar", "aplicada": "Aplicada"}
PROBLEMAS_POR_PAGINA = 100


@dataclass(frozen=True)
class Ajustes:
    limites: Limites
    max_problemas: int


AJUSTES: web.AppKey[Ajustes] = web.AppKey("importacion_ajustes", Ajustes)
# One analysis at a time: the parse holds the GIL, and two at once would halve what the event loop gets.
ANALISIS: web.AppKey[asyncio.Semaphore] = web.AppKey("importacion_analisis", asyncio.Semaphore)


def setup(app: web.Application, ajustes: Ajustes) -> None:
    app[AJUSTES] = ajustes
    app[ANALISIS] = asyncio.Semaphore(1)


class PaginaProblemas(BaseModel):
    pagina: int = Field(1, ge=1)


MAX_ID = 2**63 - 1  # registro.importaciones.id is a bigint: a longer number is simply not one of them


def _id(request: web.Request) -> int:
    return path_int(request)


async def _form_context(request: web.Request, tipos: tuple[str, ...]) -> dict[str, Any]:
    return {"recientes": await request.app[DB_POOL].fetch(sql.RECENT_SQL, list(tipos)), "estados": ESTADOS}


@requires(*REGISTRY_MANAGERS)
@aiohttp_jinja2.template("validacion/importar.html")
async def candidaturas_form(request: web.Request) -> dict[str, Any]:
    return {**await _form_context(request, ("candidaturas",)), "errors": {}}


@requires(*REGISTRY_MANAGERS)
@aiohttp_jinja2.template("validacion/territorio.html")
async def territorio_form(request: web.Request) -> dict[str, Any]:
    return {**await _form_context(request, ("secciones", "composicion")), "errors": {}, "catalogo": "secciones"}


def _analyze(
    tipo: str, filename: str, data: bytes, cat: catalogo.Catalogo, limites: Limites
) -> tuple[int, validate.Resultado]:
    """The rows read (without the header) and what validation made of them."""
    tabla = read_table(filename, data, limites)
    if tipo == "candidaturas":
        return len(tabla.filas), validate.validate(tabla, cat)
    return len(tabla.filas), territorio.validate(tipo, tabla, cat)


def _resumen(tipo: str, resultado: validate.Resultado) -> dict[str, Any]:
    if tipo != "candidaturas":
        return {}
    por_cargo = Counter(f["cargo"] for f in resultado.filas)
    return {"nuevos": resultado.nuevos, "por_cargo": dict(sorted(por_cargo.items()))}


async def _upload(request: web.Request, tipo: str, template: str, volver: tuple[str, ...]) -> web.StreamResponse:
    form = await request.post()
    archivo = form.get("archivo")
    if not isinstance(archivo, web.FileField) or not archivo.filename:
        context = {**await _form_context(request, volver), "errors": {"archivo": "Elige un archivo CSV o XLSX."}}
        context["catalogo"] = tipo
        return aiohttp_jinja2.render_template(template, request, context, status=422)
    data = archivo.file.read()
    nombre = plain_filename(archivo.filename) or "archivo"
    pool = request.app[DB_POOL]
    ajustes = request.app[AJUSTES]
    started = time.perf_counter()
    try:
        cat = await catalogo.load(pool, request.app[SETTINGS].instituto.entidad)
        async with request.app[ANALISIS]:
            filas, resultado = await asyncio.to_thread(_analyze, tipo, nombre, data, cat, ajustes.limites)
    except (ArchivoInvalidoError, catalogo.SinProcesoActivoError) as exc:
        context = {**await _form_context(request, volver), "errors": {"archivo": str(exc)}, "catalogo": tipo}
        return aiohttp_jinja2.render_template(template, request, context, status=422)
    resumen = _resumen(tipo, resultado)
    if resultado.errores:
        # Past the cap the list helps nobody: the first ones are fixed, and the file is loaded again.
        resumen["problemas"] = len(resultado.errores)
    importacion_id = await pool.fetchval(
        sql.INSERT_IMPORTACION_SQL,
        tipo,
        cat.proceso_id,
        nombre,
        "con_errores" if resultado.errores else "lista",
        filas,
        [] if resultado.errores else resultado.filas,
        [p.as_json() for p in resultado.errores[: ajustes.max_problemas]],
        resumen,
        identity(request).user_id,
    )
    log.info(
        "importación %s (%s): %d filas, %d errores en %.2f s",
        importacion_id,
        tipo,
        filas,
        len(resultado.errores),
        time.perf_counter() - started,
    )
    raise web.HTTPSeeOther(str(request.app.router["importacion"].url_for(id=str(importacion_id))))


@requires(*REGISTRY_MANAGERS)
@writes
async def candidaturas_upload(request: web.Request) -> web.StreamResponse:
    return await _upload(request, "candidaturas", "validacion/importar.html", ("candidaturas",))


@requires(*REGISTRY_MANAGERS)
@writes
async def territorio_upload(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    tipo = form.get("catalogo")
    if tipo not in territorio.COLUMNAS:
        raise web.HTTPBadRequest(text="Elige qué catálogo vas a cargar.")
    return await _upload(request, str(tipo), "validacion/territorio.html", ("secciones", "composicion"))


async def _preview_context(
    request: web.Request, importacion_id: int, error: str | None, pagina: int = 1
) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    importacion = await pool.fetchrow(sql.IMPORTACION_SQL, importacion_id)
    if importacion is None:
        raise web.HTTPNotFound()
    guardados: int = importacion["problemas_guardados"]
    paginas = max(1, -(-guardados // PROBLEMAS_POR_PAGINA))
    pagina = min(pagina, paginas)
    desde = (pagina - 1) * PROBLEMAS_POR_PAGINA
    problemas = await pool.fetchval(sql.PROBLEMAS_SQL, importacion_id, desde, desde + PROBLEMAS_POR_PAGINA - 1)
    return {
        "importacion": importacion,
        "problemas": problemas or [],
        "problemas_total": importacion["resumen"].get("problemas", guardados),
        "problemas_guardados": guardados,
        "pagina": pagina,
        "paginas": paginas,
        "desde": desde,
        "muestra": await pool.fetchval(sql.MUESTRA_SQL, importacion["id"]) or [],
        "tipos": TIPOS,
        "estados": ESTADOS,
        "error": error,
    }


@requires(*REGISTRY_MANAGERS)
@aiohttp_jinja2.template("validacion/importacion.html")
async def preview(request: web.Request) -> dict[str, Any]:
    try:
        query = PaginaProblemas.model_validate(dict(request.query))
    except ValidationError:
        raise web.HTTPBadRequest(text="La página debe ser un número entero mayor o igual que 1.") from None
    return await _preview_context(request, _id(request), None, query.pagina)


@requires(*REGISTRY_MANAGERS)
@writes
async def apply(request: web.Request) -> web.StreamResponse:
    importacion_id = _id(request)
    form = await request.post()
    ident = identity(request)
    url = request.app.router["importacion"].url_for(id=str(importacion_id))
    started = time.perf_counter()
    try:
        async with request.app[DB_POOL].acquire() as conn, conn.transaction():
            row = await conn.fetchrow(sql.LOCK_IMPORTACION_SQL, importacion_id)
            if row is None:
                raise web.HTTPNotFound()
            if row["tipo"] == "candidaturas":
                resumen = await commit.apply(
                    conn, importacion_id, request, ident, crear_cuentas=form.get("crear_cuentas") == "1"
                )
            elif row["estado"] == "lista":
                resumen = await territorio.apply(conn, row, request, ident)
                await conn.execute(sql.MARK_APPLIED_SQL, importacion_id, resumen, False)
            else:
                raise commit.YaNoAplicaError(
                    "Esta vista previa ya se aplicó o tiene errores; carga el archivo de nuevo."
                )
    except commit.YaNoAplicaError as exc:
        context = await _preview_context(request, importacion_id, str(exc))
        return aiohttp_jinja2.render_template("validacion/importacion.html", request, context, status=409)
    log.info("importación %s aplicada en %.2f s: %s", importacion_id, time.perf_counter() - started, resumen)
    raise web.HTTPSeeOther(str(url))
