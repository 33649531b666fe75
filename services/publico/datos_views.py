"""``/datos`` (the open-data releases and their dictionary) and the API's catalogs and releases.

A release is built by the job (``datos_jobs.py``), never here: these handlers only list and serve what exists. A
release never changes once written, so its files are cached for a year.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import aiohttp_jinja2
import asyncpg
import orjson
from aiohttp import web

from services.common.access import public
from services.common.boundary import path_int
from services.common.db import DB_POOL
from services.common.etiquetas import postulante_nombre
from services.common.web import SETTINGS

from . import datos
from .datos_jobs import folder
from .media_views import IMMUTABLE
from .settings import datos_settings

RELEASES_SQL = """
SELECT r.numero, r.created_at, r.total, r.cambios, r.archivos_borrados_at,
       coalesce(jsonb_agg(jsonb_build_object('nombre', a.nombre, 'tipo', a.tipo, 'bytes', a.bytes,
                                             'sha256', a.sha256) ORDER BY a.nombre)
                FILTER (WHERE a.nombre IS NOT NULL), '[]') AS archivos
FROM publico.datos_publicaciones r
LEFT JOIN publico.datos_archivos a ON a.numero = r.numero
GROUP BY r.numero ORDER BY r.numero DESC
"""
FILE_SQL = """
SELECT a.tipo FROM publico.datos_archivos a JOIN publico.datos_publicaciones r ON r.numero = a.numero
WHERE a.numero = $1 AND a.nombre = $2 AND r.archivos_borrados_at IS NULL
"""
CARGOS_SQL = "SELECT clave, nombre, ambito, orden FROM registro.cargos ORDER BY orden"
POSTULANTES_SQL = """
SELECT s.siglas, s.nombre, s.tipo,
       coalesce(array_agg(m.siglas ORDER BY m.siglas) FILTER (WHERE m.siglas IS NOT NULL), '{}') AS partidos
FROM registro.postulantes s
LEFT JOIN registro.postulante_partidos p ON p.postulante_id = s.id
LEFT JOIN registro.postulantes m ON m.id = p.partido_id
GROUP BY s.id ORDER BY s.id
"""
DISTRITOS_SQL = "SELECT numero, cabecera, municipio_cabecera FROM registro.distritos ORDER BY numero"
MUNICIPIOS_SQL = "SELECT clave, nombre, cabecera FROM registro.municipios ORDER BY nombre, clave"


def _etagged(request: web.Request, data: bytes, content_type: str, max_age: int = 60) -> web.Response:
    """An answer with an ETag of its bytes and a 304 for a client that has them: the release list and the catalogs
    change rarely, and not with the publication generation the page cache is keyed by."""
    etag = f'W/"{hashlib.sha256(data).hexdigest()[:20]}"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}", "Vary": "Accept-Encoding"}
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=headers)
    return web.Response(body=data, content_type=content_type, charset="utf-8", headers=headers)


def _json(request: web.Request, body: Any) -> web.Response:
    return _etagged(request, orjson.dumps(body), "application/json")


def _page(request: web.Request, template: str, context: dict[str, Any], max_age: int = 60) -> web.Response:
    # Public pages carry no identity (so one copy serves everyone).
    html = aiohttp_jinja2.render_string(template, request, {"identity": None, "csrf_token": "", **context})
    return _etagged(request, html.encode(), "text/html", max_age)


def _release(row: asyncpg.Record, request: web.Request) -> dict[str, Any]:
    numero = row["numero"]
    borrados = row["archivos_borrados_at"]

    def url(nombre: str) -> str | None:
        # An old release's files were deleted (PUBLICO_DATOS_CONSERVAR): its checksums stay, without a link.
        if borrados:
            return None
        return str(request.app.router["datos-archivo"].url_for(numero=str(numero), archivo=nombre))

    return {
        "numero": numero,
        "fecha": row["created_at"].isoformat(),
        "total": row["total"],
        "cambios": row["cambios"],
        "disponible": borrados is None,
        "archivos": [{**a, "url": url(a["nombre"])} for a in row["archivos"]],
    }


async def _releases(request: web.Request) -> list[dict[str, Any]]:
    return [_release(r, request) for r in await request.app[DB_POOL].fetch(RELEASES_SQL)]


@public
async def list_datos(request: web.Request) -> web.Response:
    rows = await request.app[DB_POOL].fetch(RELEASES_SQL)
    releases = [{**_release(r, request), "creada": r["created_at"]} for r in rows]
    conservar = datos_settings().datos_conservar
    return _page(request, "publico/datos.html", {"releases": releases, "conservar": conservar})


@public
async def show_diccionario(request: web.Request) -> web.Response:
    return _page(request, "publico/diccionario.html", {"columnas": datos.COLUMNAS}, max_age=3600)


@public
async def download_diccionario(request: web.Request) -> web.Response:
    headers = {"Content-Disposition": 'attachment; filename="diccionario.csv"', "Cache-Control": "public, max-age=3600"}
    return web.Response(body=datos.diccionario_csv(), headers=headers, content_type="text/csv", charset="utf-8")


@public
async def download_archivo(request: web.Request) -> web.StreamResponse:
    numero = path_int(request, "numero")
    archivo = request.match_info["archivo"]
    # Only the names a release has: nothing a visitor types reaches the disk as a path.
    if archivo not in datos.ARCHIVOS:
        raise web.HTTPNotFound(text="Esa publicación de datos no tiene ese archivo.")
    tipo = await request.app[DB_POOL].fetchval(FILE_SQL, numero, archivo)
    path = folder(request.app[SETTINGS].media_dir, numero) / archivo
    if tipo is None or not await asyncio.to_thread(path.is_file):
        raise web.HTTPNotFound(text="Esa publicación de datos no existe.")
    headers = {
        "Cache-Control": IMMUTABLE,
        "Content-Type": tipo,
        "Content-Disposition": f'attachment; filename="conoceles-{numero}-{archivo}"',
    }
    return web.FileResponse(path, headers=headers)


@public
async def api_datos(request: web.Request) -> web.Response:
    return _json(request, {"publicaciones": await _releases(request)})


@public
async def api_cargos(request: web.Request) -> web.Response:
    rows = await request.app[DB_POOL].fetch(CARGOS_SQL)
    return _json(request, {"resultados": [dict(r) for r in rows]})


@public
async def api_postulantes(request: web.Request) -> web.Response:
    rows = await request.app[DB_POOL].fetch(POSTULANTES_SQL)
    resultados = [
        {
            **dict(r),
            "partidos": list(r["partidos"]),
            "nombre_publico": postulante_nombre(r["nombre"], r["siglas"], r["tipo"]),
        }
        for r in rows
    ]
    return _json(request, {"resultados": resultados})


@public
async def api_distritos(request: web.Request) -> web.Response:
    rows = await request.app[DB_POOL].fetch(DISTRITOS_SQL)
    return _json(request, {"resultados": [dict(r) for r in rows]})


@public
async def api_municipios(request: web.Request) -> web.Response:
    rows = await request.app[DB_POOL].fetch(MUNICIPIOS_SQL)
    return _json(request, {"resultados": [dict(r) for r in rows]})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/datos", list_datos, name="datos")
    app.router.add_get("/datos/diccionario", show_diccionario, name="datos-diccionario")
    app.router.add_get("/datos/diccionario.csv", download_diccionario, name="datos-diccionario-csv")
    app.router.add_get("/datos/{numero}/{archivo}", download_archivo, name="datos-archivo")
    app.router.add_get("/api/v1/datos", api_datos, name="api-datos")
    app.router.add_get("/api/v1/catalogos/cargos", api_cargos, name="api-cargos")
    app.router.add_get("/api/v1/catalogos/postulantes", api_postulantes, name="api-postulantes")
    app.router.add_get("/api/v1/catalogos/distritos", api_distritos, name="api-distritos")
    app.router.add_get("/api/v1/catalogos/municipios", api_municipios, name="api-municipios")
