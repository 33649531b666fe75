"""Pages and files of report 2 (omisos) and report 5 (calidad de datos).

Both pages compute their tables themselves (reads only); a file is asked for with a POST that writes the request
row and its ``reportes.render`` job in one transaction (as report 1 does), built by :func:`render`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

import aiohttp_jinja2
import asyncpg
from aiohttp import web

from services.common import audit, contracts, tiempo
from services.common.access import REPORT_MANAGERS, requires, writes
from services.common.db import DB_POOL
from services.common.etiquetas import postulante_nombre
from services.common.instituto import Instituto
from services.common.plazos import fecha_hora
from services.common.web import identity
from services.common.zona import request_zona

from . import calidad, datos, fuentes, omisos
from .documento import Documento, Seccion
from .jobs import POSTULANTE_SQL, logo
from .parametros import Parametros, ParametrosError, formato, leer
from .settings import ruta_reglas
from .views import ESTADOS, FORMATOS, IGUAL_SQL, INSERT_ARCHIVO_SQL, RECIENTES_SQL

OMISOS: Literal["omisos"] = "omisos"
CALIDAD: Literal["calidad"] = "calidad"
TITULOS = {OMISOS: "Candidaturas omisas en la captura", CALIDAD: "Calidad de los datos"}
ACLARACION_OMISOS = (
    "Cada candidatura se revisa al cierre de su captura (con su prórroga, si la tiene) o al final de la fecha de "
    "corte si esta llega antes; omisa es la que para entonces no había enviado ningún cuestionario."
)
ACLARACION_CALIDAD = "Revisión del registro y de las banderas de la revisión automática al momento de generarla."


async def _hoy(request: web.Request) -> date:
    return tiempo.today(datetime.now(UTC), await request_zona(request))


async def _contexto(
    request: web.Request, informe: str, valores: dict[str, str], errores: dict[str, str]
) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    return {
        "valores": valores,
        "errors": errores,
        "postulantes": await datos.postulantes(pool),
        "formatos": FORMATOS,
        "estados": ESTADOS,
        "recientes": await pool.fetch(RECIENTES_SQL, informe),
        "resultado": None,
    }


async def _corte_omisos(pool: asyncpg.Pool, fecha: date) -> tuple[datos.Corte, datetime]:
    now = datetime.now(UTC)
    resuelto = await datos.corte(pool, fecha, now)
    return resuelto, min(datos.fin_del_dia(fecha, (await datos.proceso(pool)).zona), now)


@requires(*REPORT_MANAGERS)
async def omisos_page(request: web.Request) -> web.StreamResponse:
    pool = request.app[DB_POOL]
    hoy = await _hoy(request)
    valores = {k: request.query.get(k, "") for k in ("fecha", "postulante")}
    valores["fecha"] = valores["fecha"] or hoy.isoformat()
    try:
        parametros = leer(request.query, hoy)
        _, instante = await _corte_omisos(pool, parametros.fecha)
    except ParametrosError as exc:
        return _pagina(request, OMISOS, await _contexto(request, OMISOS, valores, exc.errores), 422)
    except datos.FechaDeCorteError as exc:
        return _pagina(request, OMISOS, await _contexto(request, OMISOS, valores, {"fecha": str(exc)}), 422)
    contexto = await _contexto(request, OMISOS, valores, {})
    cierre = await fuentes.cierre_del_proceso(pool)
    zona = (await datos.proceso(pool)).zona.key
    contexto.update(
        resultado=await fuentes.omisos_al(pool, instante, parametros.postulante),
        parametros=parametros,
        aclaracion=ACLARACION_OMISOS,
        cierre=fecha_hora(cierre, zona) if cierre else None,
        cierre_pasado=cierre is not None and cierre <= instante,
    )
    return _pagina(request, OMISOS, contexto)


@requires(*REPORT_MANAGERS)
async def calidad_page(request: web.Request) -> web.StreamResponse:
    pool = request.app[DB_POOL]
    hoy = await _hoy(request)
    valores = {"postulante": request.query.get("postulante", "")}
    try:
        parametros = leer({"postulante": valores["postulante"]}, hoy)
    except ParametrosError as exc:
        return _pagina(request, CALIDAD, await _contexto(request, CALIDAD, valores, exc.errores), 422)
    contexto = await _contexto(request, CALIDAD, valores, {})
    contexto.update(
        resultado=await fuentes.calidad_actual(pool, reglas(request.app), parametros.postulante),
        parametros=parametros,
        columnas=calidad.COLUMNAS,
        reglas_nombres=calidad.REGLAS,
        aclaracion=ACLARACION_CALIDAD,
    )
    return _pagina(request, CALIDAD, contexto)


def reglas(app: web.Application) -> calidad.Reglas:
    return calidad.cargar_reglas(ruta_reglas())


def _pagina(request: web.Request, informe: str, contexto: dict[str, Any], status: int = 200) -> web.Response:
    return aiohttp_jinja2.render_template(f"reportes/{informe}.html", request, contexto, status=status)


async def _pedir(request: web.Request, informe: Literal["omisos", "calidad"]) -> web.StreamResponse:
    form = await request.post()
    valores = {k: str(form.get(k, "")) for k in ("fecha", "postulante", "formato")}
    pool = request.app[DB_POOL]
    hoy = await _hoy(request)
    if informe == CALIDAD:
        valores["fecha"] = hoy.isoformat()  # report 5 is always of the moment it is built
    try:
        parametros = leer({"fecha": valores["fecha"], "postulante": valores["postulante"]}, hoy)
        elegido = formato(valores["formato"])
        if informe == OMISOS:
            await _corte_omisos(pool, parametros.fecha)
    except ParametrosError as exc:
        return _pagina(request, informe, await _contexto(request, informe, valores, exc.errores), 422)
    except datos.FechaDeCorteError as exc:
        return _pagina(request, informe, await _contexto(request, informe, valores, {"fecha": str(exc)}), 422)
    archivo_id = await _enqueue(request, informe, parametros, elegido)
    raise web.HTTPSeeOther(request.app.router["archivo"].url_for(id=str(archivo_id)))


@requires(*REPORT_MANAGERS)
@writes
async def request_omisos(request: web.Request) -> web.StreamResponse:
    return await _pedir(request, OMISOS)


@requires(*REPORT_MANAGERS)
@writes
async def request_calidad(request: web.Request) -> web.StreamResponse:
    return await _pedir(request, CALIDAD)


async def _enqueue(
    request: web.Request,
    informe: Literal["omisos", "calidad"],
    parametros: Parametros,
    elegido: Literal["xlsx", "csv", "pdf"],
) -> int:
    """The request's row and its job; the same request still being built is reused (never a built one: these
    reports read data that may change afterwards)."""
    guardados = parametros.guardados()
    ident = identity(request)
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        existente = await conn.fetchval(IGUAL_SQL, informe, elegido, guardados, None)
        if existente is not None:
            return int(existente)
        archivo_id: int = await conn.fetchval(INSERT_ARCHIVO_SQL, informe, elegido, guardados, ident.user_id)
        await contracts.send(
            conn,
            contracts.Render(
                archivo_id=archivo_id,
                informe=informe,
                formato=elegido,
                fecha=parametros.fecha,
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
            details={"informe": informe, "formato": elegido, **guardados},
        )
    return archivo_id


# --- files -------------------------------------------------------------------------------------------------------


def documento_omisos(
    resultado: omisos.Resultado, base: dict[str, Any], fecha: date, zona: str, postulante: str | None
) -> Documento:
    lineas = [f"Fecha de corte: {fecha:%d/%m/%Y}", ACLARACION_OMISOS]
    if postulante:
        lineas.append(f"Postulante: {postulante}")
    lineas.append(
        f"Candidaturas registradas: {resultado.registradas}; omisas: {resultado.omisos}"
        f" (con plazo vigente: {resultado.vigentes})."
    )
    resumen = [[g.postulante, g.registradas, len(g.omisos), sum(o.plazo_vigente for o in g.omisos)]
               for g in resultado.grupos]  # fmt: skip
    resumen.append(["Total", resultado.registradas, resultado.omisos, resultado.vigentes])
    detalle = [
        omisos.fila(o, fecha_hora(o.candidatura.cierre, zona) if o.candidatura.cierre else "Sin cierre")
        for g in resultado.grupos
        for o in g.omisos
    ]
    aparte = [[a.postulante, a.cargo, a.estatus, a.total] for a in resultado.aparte]
    return Documento(
        **base,
        titulo=f"{TITULOS[OMISOS]} al {fecha:%d/%m/%Y}",
        lineas=lineas,
        hoja="Omisos",
        secciones=(
            Seccion("Resumen por postulante", omisos.RESUMEN, resumen),
            Seccion("Candidaturas omisas", omisos.ENCABEZADOS, detalle, "No hay candidaturas omisas."),
            Seccion(
                "Fuera del reporte: candidaturas sustituidas y canceladas",
                ("Postulante", "Cargo", "Estatus", "Candidaturas"),
                aparte,
                "No hay candidaturas sustituidas ni canceladas.",
            ),
        ),
    )


def documento_calidad(
    resultado: calidad.Resultado, base: dict[str, Any], fecha: date, postulante: str | None
) -> Documento:
    lineas = [f"Generado el {fecha:%d/%m/%Y}", ACLARACION_CALIDAD]
    if postulante:
        lineas.append(f"Postulante: {postulante}")
    encabezados = ("Postulante", "Cargo", *(e for _, e in calidad.COLUMNAS))
    filas: list[list[object]] = [
        [f.postulante, f.cargo, *(f.cuentas[c] for c, _ in calidad.COLUMNAS)] for f in resultado.filas
    ]
    filas.append(["Total", "", *(resultado.total.cuentas[c] for c, _ in calidad.COLUMNAS)])
    hallazgos = [
        [h.postulante, h.cargo_nombre, h.demarcacion, calidad.REGLAS[h.regla], h.descripcion]
        for h in resultado.hallazgos
    ]
    return Documento(
        **base,
        titulo=TITULOS[CALIDAD],
        lineas=lineas,
        hoja="Calidad de datos",
        secciones=(
            Seccion("Resumen por postulante y cargo", encabezados, filas),
            Seccion(
                "Observaciones a las planillas y CURP",
                ("Postulante", "Cargo", "Demarcación", "Regla", "Detalle"),
                hallazgos,
                "Sin observaciones.",
            ),
        ),
    )


async def _base(
    pool: asyncpg.Pool, instituto: Instituto, postulante_id: int | None
) -> tuple[dict[str, Any], str | None]:
    info = await datos.proceso(pool)
    postulante = None
    if postulante_id is not None:
        row = await pool.fetchrow(POSTULANTE_SQL, postulante_id)
        postulante = postulante_nombre(row["nombre"], row["siglas"], row["tipo"]) if row else f"#{postulante_id}"
    return {"instituto": instituto.nombre, "proceso": info.nombre, "logo": logo(instituto.logo)}, postulante


async def documento(ctx: dict[str, Any], job: contracts.Render) -> Documento:
    """The document of one request of report 2 or 5 (raises ``FechaDeCorteError`` for a date no longer valid)."""
    pool: asyncpg.Pool = ctx["db_pool"]
    base, postulante = await _base(pool, ctx["settings"].instituto, job.postulante_id)
    if job.informe == OMISOS:
        _, instante = await _corte_omisos(pool, job.fecha)
        resultado = await fuentes.omisos_al(pool, instante, job.postulante_id)
        zona = (await datos.proceso(pool)).zona.key
        return documento_omisos(resultado, base, job.fecha, zona, postulante)
    reglas_calidad = calidad.cargar_reglas(ruta_reglas())
    resultado_calidad = await fuentes.calidad_actual(pool, reglas_calidad, job.postulante_id)
    return documento_calidad(resultado_calidad, base, job.fecha, postulante)
