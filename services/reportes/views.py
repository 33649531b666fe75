"""reportes' pages: the index, report 1 (avance cuantitativo de la captura) at a cut-off date, and its files.

The page computes the table itself (reads only); a file is asked for with a POST that writes the request row and
its ``reportes.render`` job in one transaction, then shows its progress until the worker finishes it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

import aiohttp_jinja2
from aiohttp import web

from services.common import audit, contracts, espera, tiempo
from services.common.access import REPORT_MANAGERS, REPORT_READERS, requires, writes
from services.common.boundary import path_int
from services.common.db import DB_POOL
from services.common.graficas import barras_horizontales
from services.common.web import REDIS, identity
from services.common.zona import request_zona

from . import datos, formatos
from .avance import COLUMNAS, tabla
from .jobs import aclaracion
from .mensual import nombre as nombre_mes
from .parametros import Parametros, ParametrosError, formato, leer

INFORME = "avance"
EN_CURSO = ("pendiente", "en_proceso")
ESTADOS = {
    "pendiente": "En espera",
    "en_proceso": "Generándose",
    "listo": "Listo",
    "error": "No se pudo generar",
}
FORMATOS = {"xlsx": "XLSX (Excel)", "csv": "CSV", "pdf": "PDF"}
# Per report: its title on the file's page, the page it comes back to, and how its downloaded file is named.
TITULOS = {
    "avance": "Avance cuantitativo de la captura",
    "omisos": "Candidaturas omisas en la captura",
    "calidad": "Calidad de los datos",
    "mensual": "Informe mensual",
}
NOMBRES_ARCHIVO = {
    "avance": "avance-captura",
    "omisos": "omisos",
    "calidad": "calidad-datos",
    "mensual": "informe-mensual",
}

# The same request still being built, or built from the frozen day (after its snapshot was taken: $4).
IGUAL_SQL = """
SELECT id FROM reportes.archivos
WHERE informe = $1 AND formato = $2 AND parametros = $3::jsonb
  AND (estado IN ('pendiente', 'en_proceso') OR (estado = 'listo' AND finished_at >= $4))
ORDER BY id DESC LIMIT 1
"""
INSERT_ARCHIVO_SQL = """
INSERT INTO reportes.archivos (informe, formato, parametros, requested_by) VALUES ($1, $2, $3::jsonb, $4) RETURNING id
"""
ARCHIVO_SQL = """
SELECT a.id, a.informe, a.formato, a.parametros, a.estado, a.progreso, a.sha256, a.error, a.created_at,
       a.finished_at, c.bytes
FROM reportes.archivos a LEFT JOIN reportes.contenidos c ON c.sha256 = a.sha256
WHERE a.id = $1 AND a.informe <> 'inclusion'
"""
RECIENTES_SQL = """
SELECT id, formato, (parametros->>'fecha')::date AS fecha, estado, sha256, created_at FROM reportes.archivos
WHERE informe = $1 ORDER BY id DESC LIMIT 10
"""
DESCARGA_SQL = """
SELECT a.informe, a.formato, a.parametros, c.contenido FROM reportes.archivos a
JOIN reportes.contenidos c ON c.sha256 = a.sha256
WHERE a.id = $1 AND a.estado = 'listo' AND a.informe <> 'inclusion'
"""


@requires(*REPORT_READERS)
@aiohttp_jinja2.template("reportes/index.html")
async def index(request: web.Request) -> dict[str, Any]:
    return {"gestiona": identity(request).role in REPORT_MANAGERS}


async def _hoy(request: web.Request) -> Any:
    return tiempo.today(datetime.now(UTC), await request_zona(request))


async def _contexto(request: web.Request, valores: dict[str, str], errores: dict[str, str]) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    contexto: dict[str, Any] = {
        "valores": valores,
        "errors": errores,
        "postulantes": await datos.postulantes(pool),
        "formatos": FORMATOS,
        "estados": ESTADOS,
        "columnas": COLUMNAS,
        "tabla": None,
        "recientes": await pool.fetch(RECIENTES_SQL, INFORME),
    }
    return contexto


@requires(*REPORT_MANAGERS)
async def progress(request: web.Request) -> web.StreamResponse:
    """Report 1 at the cut-off date of the query string (today without one)."""
    pool = request.app[DB_POOL]
    hoy = await _hoy(request)
    valores = {k: request.query.get(k, "") for k in ("fecha", "postulante", "ambito", "sexo")}
    valores["fecha"] = valores["fecha"] or hoy.isoformat()
    try:
        parametros = leer(request.query, hoy)
        resuelto = await datos.corte(pool, parametros.fecha, datetime.now(UTC))
    except ParametrosError as exc:
        return _pagina(request, await _contexto(request, valores, exc.errores), status=422)
    except datos.FechaDeCorteError as exc:
        return _pagina(request, await _contexto(request, valores, {"fecha": str(exc)}), status=422)
    resultado = tabla(await datos.situaciones(pool, resuelto, parametros.postulante), parametros.desglose)
    contexto = await _contexto(request, valores, {})
    contexto.update(
        tabla=resultado,
        corte=resuelto,
        aclaracion=aclaracion(resuelto),
        parametros=parametros,
        grafica=barras_horizontales(
            "grafica-avance",
            f"Avance de la captura al {parametros.fecha:%d/%m/%Y}",
            "Porcentaje de las candidaturas registradas que alcanzó cada etapa; los datos están en la tabla "
            "«Datos de la gráfica».",
            formatos.barras(resultado),
            maximo=100,
        ),
        barras=formatos.barras(resultado),
    )
    return _pagina(request, contexto)


def _pagina(request: web.Request, contexto: dict[str, Any], status: int = 200) -> web.Response:
    return aiohttp_jinja2.render_template("reportes/avance.html", request, contexto, status=status)


@requires(*REPORT_MANAGERS)
@writes
async def request_file(request: web.Request) -> web.StreamResponse:
    """Ask for a file of report 1: one request row and its job; the same request still running is reused."""
    form = await request.post()
    valores = {k: str(form.get(k, "")) for k in ("fecha", "postulante", "ambito", "sexo", "formato")}
    pool = request.app[DB_POOL]
    hoy = await _hoy(request)
    try:
        parametros = leer(valores, hoy)
        elegido = formato(valores["formato"])
        resuelto = await datos.corte(pool, parametros.fecha, datetime.now(UTC))
    except ParametrosError as exc:
        return _pagina(request, await _contexto(request, valores, exc.errores), status=422)
    except datos.FechaDeCorteError as exc:
        return _pagina(request, await _contexto(request, valores, {"fecha": str(exc)}), status=422)
    archivo_id = await _enqueue(request, parametros, elegido, congelado_at=resuelto.tomado_at)
    raise web.HTTPSeeOther(request.app.router["archivo"].url_for(id=str(archivo_id)))


async def _enqueue(
    request: web.Request,
    parametros: Parametros,
    elegido: Literal["xlsx", "csv", "pdf"],
    *,
    congelado_at: datetime | None,
) -> int:
    """The request's row: the same one still being built, or (for a frozen day, whose data cannot change) the
    same one already built; else a new row and its job."""
    guardados = parametros.guardados()
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        existente = await conn.fetchval(IGUAL_SQL, INFORME, elegido, guardados, congelado_at)
        if existente is not None:
            return int(existente)
        archivo_id: int = await conn.fetchval(INSERT_ARCHIVO_SQL, INFORME, elegido, guardados, ident.user_id)
        await contracts.send(
            conn,
            contracts.Render(
                archivo_id=archivo_id,
                informe=INFORME,
                formato=elegido,
                fecha=parametros.fecha,
                desglose=list(parametros.desglose),
                postulante_id=parametros.postulante,
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
            details={"informe": INFORME, "formato": elegido, **parametros.guardados()},
        )
    return archivo_id


@requires(*REPORT_MANAGERS)
@aiohttp_jinja2.template("reportes/archivo.html")
async def file_progress(request: web.Request) -> dict[str, Any]:
    row = await request.app[DB_POOL].fetchrow(ARCHIVO_SQL, path_int(request, bits=64))
    if row is None:
        raise web.HTTPNotFound()
    en_curso = row["estado"] in EN_CURSO
    parametros = _parametros(row["parametros"])
    app = request.app
    return {
        "en_espera": en_curso
        and await espera.waiting_for_worker(app[DB_POOL], app.get(REDIS), contracts.Render.name, archivo_id=row["id"]),
        "texto_espera": espera.EN_ESPERA,
        "archivo": row,
        "parametros": parametros,
        **_de_informe(request, row["informe"], parametros),
        "estados": ESTADOS,
        "formatos": FORMATOS,
        "en_curso": en_curso,
        # The page reloads itself while the job runs (no JavaScript needed); a screen-reader user can stop that.
        "auto_refresh": en_curso and request.query.get("auto") != "0",
    }


def _de_informe(request: web.Request, informe: str, parametros: Parametros) -> dict[str, Any]:
    """The file page's title, what it was asked for (None: the cut-off date) and the way back, per report."""
    router = request.app.router
    titulo = TITULOS.get(informe, informe)
    if informe == "mensual":
        query = {"mes": f"{parametros.fecha:%Y-%m}"}
        if parametros.postulante is not None:
            query["postulante"] = str(parametros.postulante)
        return {
            "titulo": titulo,
            "pedido": f"Mes: {nombre_mes(parametros.fecha)}.",
            "volver": router["mensual"].url_for().with_query(query),
        }
    if informe == "calidad":  # a picture of the moment it was asked for, with no cut-off date
        volver = {"postulante": str(parametros.postulante)} if parametros.postulante is not None else {}
        return {
            "titulo": titulo,
            "pedido": f"Generado el {parametros.fecha:%d/%m/%Y}.",
            "volver": router["calidad"].url_for().with_query(volver),
        }
    ruta = "omisos" if informe == "omisos" else "avance"
    return {"titulo": titulo, "pedido": None, "volver": router[ruta].url_for().with_query(parametros.query())}


def _parametros(guardados: Any) -> Parametros:
    valores = guardados
    return Parametros.model_validate(
        {"fecha": valores["fecha"], "desglose": tuple(valores["desglose"]), "postulante": valores["postulante"]}
    )


@requires(*REPORT_MANAGERS)
async def download(request: web.Request) -> web.StreamResponse:
    archivo_id = path_int(request, bits=64)
    row = await request.app[DB_POOL].fetchrow(DESCARGA_SQL, archivo_id)
    if row is None:
        raise web.HTTPNotFound()
    parametros = _parametros(row["parametros"])
    prefijo = NOMBRES_ARCHIVO.get(row["informe"], row["informe"])
    dia = f"{parametros.fecha:%Y-%m}" if row["informe"] == "mensual" else parametros.fecha.isoformat()
    nombre = f"{prefijo}-{dia}-{archivo_id}.{row['formato']}"
    return web.Response(
        body=bytes(row["contenido"]),
        headers={
            "Content-Type": formatos.CONTENT_TYPES[row["formato"]],
            "Content-Disposition": f'attachment; filename="{nombre}"',
            # Staff only: no shared cache may keep it, and the browser should not either.
            "Cache-Control": "private, no-store",
        },
    )
