"""Report 4's pages (estadísticas de inclusión, for the Coordinación de Igualdad): the report with its filters, and
its files. Only ever suppressed cells leave ``inclusion.reporte``; the files are built from the same function."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.common import audit, contracts
from services.common.access import INCLUSION_READERS, requires, writes
from services.common.boundary import INT4_MAX, path_int
from services.common.db import DB_POOL
from services.common.graficas import barras_horizontales
from services.common.web import identity

from . import datos, datos_inclusion, formatos_inclusion
from .inclusion import MEDIDAS, SEXOS, TOTAL, Filtros, reporte
from .views import ESTADOS, FORMATOS, INSERT_ARCHIVO_SQL, _hoy

INFORME = "inclusion"
MENSAJES = {
    "postulante": "Elige un partido, coalición o candidatura de la lista.",
    "cargo": "Elige un cargo de la lista.",
    "formato": "Elige el formato del archivo: XLSX, CSV o PDF.",
}
PENDIENTE_SQL = """
SELECT id FROM reportes.archivos
WHERE informe = $1 AND formato = $2 AND parametros = $3::jsonb AND estado IN ('pendiente', 'en_proceso')
ORDER BY id DESC LIMIT 1
"""
ARCHIVO_SQL = """
SELECT a.id, a.formato, a.parametros, a.estado, a.progreso, a.sha256, a.error, a.created_at, a.finished_at, c.bytes
FROM reportes.archivos a LEFT JOIN reportes.contenidos c ON c.sha256 = a.sha256
WHERE a.id = $1 AND a.informe = 'inclusion'
"""
RECIENTES_SQL = """
SELECT id, formato, estado, created_at FROM reportes.archivos WHERE informe = 'inclusion' ORDER BY id DESC LIMIT 10
"""
DESCARGA_SQL = """
SELECT a.formato, c.contenido FROM reportes.archivos a JOIN reportes.contenidos c ON c.sha256 = a.sha256
WHERE a.id = $1 AND a.informe = 'inclusion' AND a.estado = 'listo'
"""


class FiltrosForm(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    postulante: int | None = Field(None, ge=1, le=INT4_MAX)
    cargo: str | None = Field(None, max_length=40)


class FiltrosError(ValueError):
    def __init__(self, errores: dict[str, str]) -> None:
        super().__init__("; ".join(errores.values()))
        self.errores = errores


def leer(valores: dict[str, str], postulantes: set[int], cargos: set[str]) -> Filtros:
    datos_ = {k: (valores.get(k) or "").strip() or None for k in ("postulante", "cargo")}
    try:
        form = FiltrosForm.model_validate(datos_)
    except ValidationError as exc:
        raise FiltrosError({str(e["loc"][0]): MENSAJES[str(e["loc"][0])] for e in exc.errors()}) from None
    errores = {}
    if form.postulante is not None and form.postulante not in postulantes:
        errores["postulante"] = MENSAJES["postulante"]
    if form.cargo is not None and form.cargo not in cargos:
        errores["cargo"] = MENSAJES["cargo"]
    if errores:
        raise FiltrosError(errores)
    return Filtros(form.postulante, form.cargo)


def guardados(filtros: Filtros) -> dict[str, Any]:
    return {"postulante": filtros.postulante, "cargo": filtros.cargo}


def query(filtros: Filtros) -> dict[str, str]:
    return {k: str(v) for k, v in guardados(filtros).items() if v is not None}


async def _opciones(request: web.Request) -> tuple[list[tuple[int, str]], list[tuple[str, str]]]:
    pool = request.app[DB_POOL]
    return await datos.postulantes(pool), await datos_inclusion.cargos(pool)


def _pagina(request: web.Request, contexto: dict[str, Any], status: int = 200) -> web.Response:
    return aiohttp_jinja2.render_template("reportes/inclusion.html", request, contexto, status=status)


async def _base(request: web.Request, valores: dict[str, str], errores: dict[str, str]) -> dict[str, Any]:
    postulantes, cargos = await _opciones(request)
    return {
        "valores": valores,
        "errors": errores,
        "postulantes": postulantes,
        "cargos": cargos,
        "sexos": SEXOS,
        "medidas": MEDIDAS,
        "total": TOTAL,
        "formatos": FORMATOS,
        "estados": ESTADOS,
        "reporte": None,
        "recientes": await request.app[DB_POOL].fetch(RECIENTES_SQL),
    }


async def _leer(request: web.Request, valores: dict[str, str]) -> Filtros:
    postulantes, cargos = await _opciones(request)
    return leer(valores, {p for p, _ in postulantes}, {c for c, _ in cargos})


@requires(*INCLUSION_READERS)
async def inclusion(request: web.Request) -> web.StreamResponse:
    valores = {k: request.query.get(k, "") for k in ("postulante", "cargo")}
    try:
        filtros = await _leer(request, valores)
    except FiltrosError as exc:
        return _pagina(request, await _base(request, valores, exc.errores), status=422)
    personas = await datos_inclusion.personas(request.app[DB_POOL])
    resultado = await asyncio.to_thread(reporte, personas, filtros)
    contexto = await _base(request, valores, {})
    barras = formatos_inclusion.barras(resultado)
    contexto.update(
        reporte=resultado,
        filtros=filtros,
        consulta=query(filtros),
        barras=barras,
        grafica=barras_horizontales(
            "grafica-inclusion",
            "Candidaturas por grupo",
            "Candidaturas de cada grupo (autoidentificación con consentimiento 3 o acción afirmativa); los datos "
            "están en la tabla «Datos de la gráfica». Las cifras de 1 a 4 no se dibujan.",
            barras,
        ),
    )
    return _pagina(request, contexto)


@requires(*INCLUSION_READERS)
@writes
async def request_file(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    valores = {k: str(form.get(k, "")) for k in ("postulante", "cargo", "formato")}
    try:
        filtros = await _leer(request, valores)
        if valores["formato"] not in FORMATOS:
            raise FiltrosError({"formato": MENSAJES["formato"]})
    except FiltrosError as exc:
        return _pagina(request, await _base(request, valores, exc.errores), status=422)
    elegido = valores["formato"]
    parametros = guardados(filtros)
    ident = identity(request)
    hoy = await _hoy(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        archivo_id = await conn.fetchval(PENDIENTE_SQL, INFORME, elegido, parametros)
        if archivo_id is None:
            archivo_id = await conn.fetchval(INSERT_ARCHIVO_SQL, INFORME, elegido, parametros, ident.user_id)
            await contracts.send(
                conn,
                contracts.Render(
                    archivo_id=archivo_id,
                    informe=INFORME,
                    formato=elegido,
                    fecha=hoy,
                    postulante_id=filtros.postulante,
                    cargo=filtros.cargo,
                ),
            )
            await audit.record(
                conn,
                request,
                ident,
                service="reportes",
                action="pedir_reporte",
                entity="archivo_reporte",
                entity_id=archivo_id,
                details={"informe": INFORME, "formato": elegido, **parametros},
            )
    raise web.HTTPSeeOther(request.app.router["inclusion-archivo"].url_for(id=str(archivo_id)))


@requires(*INCLUSION_READERS)
@aiohttp_jinja2.template("reportes/inclusion_archivo.html")
async def file_progress(request: web.Request) -> dict[str, Any]:
    row = await request.app[DB_POOL].fetchrow(ARCHIVO_SQL, path_int(request, bits=64))
    if row is None:
        raise web.HTTPNotFound()
    en_curso = row["estado"] in ("pendiente", "en_proceso")
    parametros = row["parametros"]
    return {
        "archivo": row,
        "consulta": {k: str(v) for k, v in parametros.items() if v is not None},
        "estados": ESTADOS,
        "formatos": FORMATOS,
        "en_curso": en_curso,
        "auto_refresh": en_curso and request.query.get("auto") != "0",
    }


@requires(*INCLUSION_READERS)
async def download(request: web.Request) -> web.StreamResponse:
    archivo_id = path_int(request, bits=64)
    row = await request.app[DB_POOL].fetchrow(DESCARGA_SQL, archivo_id)
    if row is None:
        raise web.HTTPNotFound()
    return web.Response(
        body=bytes(row["contenido"]),
        headers={
            "Content-Type": formatos_inclusion.CONTENT_TYPES[row["formato"]],
            "Content-Disposition": f'attachment; filename="estadisticas-inclusion-{archivo_id}.{row["formato"]}"',
            "Cache-Control": "private, no-store",
        },
    )
