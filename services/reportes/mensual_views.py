"""Report 3's pages: the informe mensual of a month, its incidents (written here by coordinacion) and its files."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from services.common import audit, contracts, tiempo
from services.common.access import REPORT_MANAGERS, requires, writes
from services.common.db import DB_POOL
from services.common.graficas import barras_horizontales
from services.common.web import identity

from . import datos, formatos, mensual, mensual_datos, mensual_parametros
from .parametros import ParametrosError, formato
from .views import ESTADOS, FORMATOS, IGUAL_SQL, INSERT_ARCHIVO_SQL, RECIENTES_SQL

INFORME = "mensual"


async def _hoy(request: web.Request) -> date:
    info = await datos.proceso(request.app[DB_POOL])
    return tiempo.today(datetime.now(UTC), info.zona)


async def _contexto(
    request: web.Request, valores: dict[str, str], errores: dict[str, str], **extra: Any
) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    return {
        "valores": valores,
        "errors": errores,
        "postulantes": await datos.postulantes(pool),
        "formatos": FORMATOS,
        "estados": ESTADOS,
        "informe": None,
        "recientes": await pool.fetch(RECIENTES_SQL, INFORME),
        "plazo_dias": mensual.PLAZO_REVISION.days,
        "duracion": mensual.duracion,
        "nombre_mes": mensual.nombre,
        "incidencias_max": mensual.INCIDENCIAS_MAX,
        "guardado": False,
        **extra,
    }


def _pagina(request: web.Request, contexto: dict[str, Any], status: int = 200) -> web.Response:
    return aiohttp_jinja2.render_template("reportes/mensual.html", request, contexto, status=status)


async def _leer(request: web.Request, valores: dict[str, str]) -> tuple[date, int | None]:
    parametros = mensual_parametros.leer(valores, await _hoy(request))
    try:
        await mensual_datos.resolver(request.app[DB_POOL], parametros.mes, datetime.now(UTC))
    except mensual.MesError as exc:
        raise ParametrosError({"mes": str(exc)}) from None
    return parametros.mes, parametros.postulante


async def _con_informe(
    request: web.Request, valores: dict[str, str], mes: date, postulante: int | None, **extra: Any
) -> dict[str, Any]:
    informe = await mensual_datos.informe(request.app[DB_POOL], mes, datetime.now(UTC), postulante)
    barras = formatos.barras(informe.avance)
    grafica = barras_horizontales(
        "grafica-mensual",
        f"Avance de la captura al {informe.corte.fecha:%d/%m/%Y}",
        "Porcentaje de las candidaturas registradas que alcanzó cada etapa al cierre del mes; los datos están en "
        "la tabla «Datos de la gráfica».",
        barras,
        maximo=100,
    )
    query = {"mes": f"{mes:%Y-%m}", **({"postulante": str(postulante)} if postulante else {})}
    contexto = await _contexto(request, valores, {}, **extra)
    contexto.update(informe=informe, barras=barras, grafica=grafica, query=query, mes=mes)
    contexto.setdefault("incidencias", informe.incidencias)
    return contexto


@requires(*REPORT_MANAGERS)
async def show(request: web.Request) -> web.StreamResponse:
    """The month of the query string (the current one without it)."""
    valores = {k: request.query.get(k, "") for k in ("mes", "postulante")}
    try:
        mes, postulante = await _leer(request, valores)
    except ParametrosError as exc:
        return _pagina(request, await _contexto(request, valores, exc.errores), status=422)
    valores["mes"] = f"{mes:%Y-%m}"
    guardado = request.query.get("guardado") == "1"
    return _pagina(request, await _con_informe(request, valores, mes, postulante, guardado=guardado))


@requires(*REPORT_MANAGERS)
@writes
async def save_incidencias(request: web.Request) -> web.StreamResponse:
    """Write the month's incidents (the whole text, replacing what was there), audited."""
    form = await request.post()
    valores = {k: str(form.get(k, "")) for k in ("mes", "postulante")}
    texto = str(form.get("incidencias", ""))
    try:
        mes, postulante = await _leer(request, valores)
    except ParametrosError as exc:
        return _pagina(request, await _contexto(request, valores, exc.errores), status=422)
    try:
        limpio = mensual_parametros.incidencias(texto)
    except ParametrosError as exc:
        contexto = await _con_informe(request, valores, mes, postulante, incidencias=texto)
        contexto["errors"] = exc.errores
        return _pagina(request, contexto, status=422)
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        antes = await conn.fetchval("SELECT texto FROM reportes.incidencias WHERE mes = $1", mes)
        await mensual_datos.guardar_incidencias(conn, mes, limpio, ident.user_id)
        await audit.record(
            conn,
            request,
            ident,
            service="reportes",
            action="escribir_incidencias",
            entity="informe_mensual",
            entity_id=f"{mes:%Y-%m}",
            details={"antes": antes, "despues": limpio},
        )
    query = {"mes": f"{mes:%Y-%m}", "guardado": "1", **({"postulante": str(postulante)} if postulante else {})}
    destino = request.app.router["mensual"].url_for().with_query(query)
    raise web.HTTPSeeOther(destino.with_fragment("seccion-incidencias"))


@requires(*REPORT_MANAGERS)
@writes
async def request_file(request: web.Request) -> web.StreamResponse:
    """Ask for a file of the month: one request row and its ``reportes.render`` job (the same one still running is
    reused)."""
    form = await request.post()
    valores = {k: str(form.get(k, "")) for k in ("mes", "postulante", "formato")}
    try:
        mes, postulante = await _leer(request, valores)
        elegido = formato(valores["formato"])
    except ParametrosError as exc:
        return _pagina(request, await _contexto(request, valores, exc.errores), status=422)
    guardados: dict[str, Any] = {"fecha": mes.isoformat(), "desglose": [], "postulante": postulante}
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        # Only a request still being built is reused: the month's incidents and counts may change later.
        archivo_id = await conn.fetchval(IGUAL_SQL, INFORME, elegido, guardados, None)
        if archivo_id is None:
            archivo_id = await conn.fetchval(INSERT_ARCHIVO_SQL, INFORME, elegido, guardados, ident.user_id)
            await contracts.send(
                conn,
                contracts.Render(
                    archivo_id=archivo_id, informe=INFORME, formato=elegido, fecha=mes, postulante_id=postulante
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
                details={"informe": INFORME, "formato": elegido, **guardados},
            )
    raise web.HTTPSeeOther(request.app.router["archivo"].url_for(id=str(archivo_id)))
