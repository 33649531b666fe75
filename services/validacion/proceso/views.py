"""``/validacion/proceso``: the active process's settings, read by every service through
``services.common.proceso.active_proceso``."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import ValidationError

from services.common import audit, tiempo
from services.common.access import PROCESS_MANAGERS, requires, writes
from services.common.db import DB_POOL
from services.common.proceso import Configuracion
from services.common.web import identity

from . import forms, sql


async def _context(request: web.Request) -> dict[str, Any]:
    pool = request.app[DB_POOL]
    proceso = await pool.fetchrow(sql.PROCESO_SQL)
    if proceso is None:
        raise web.HTTPNotFound(text="No hay un proceso electoral activo.")
    configuracion = Configuracion.model_validate(proceso["configuracion"] or {})
    zona = tiempo.zona(proceso["zona_horaria"])
    valores: dict[str, Any] = {f: tiempo.format_input(proceso[f], zona) for f in forms.FECHAS}
    valores["zona_horaria"] = proceso["zona_horaria"]
    valores["jornada_electoral"] = proceso["jornada_electoral"].isoformat() if proceso["jornada_electoral"] else ""
    valores["acuerdo_publicacion_numero"] = proceso["acuerdo_publicacion_numero"] or ""
    fecha_acuerdo = proceso["acuerdo_publicacion_fecha"]
    valores["acuerdo_publicacion_fecha"] = fecha_acuerdo.isoformat() if fecha_acuerdo else ""
    valores.update({n: getattr(configuracion, n) for n in forms.NUMEROS})
    valores["validacion_partido"] = configuracion.validacion_partido
    valores["avisos_plazo_horas"] = ", ".join(str(h) for h in configuracion.avisos_plazo_horas)
    cargos = await pool.fetch(sql.CARGOS_SQL)
    for cargo in cargos:
        valores[f"edad_{cargo['clave']}"] = configuracion.edades_minimas.get(cargo["clave"], "")
    return {
        "proceso": proceso,
        "cargos": cargos,
        "valores": valores,
        "errors": {},
        "guardado": False,
        "zona_etiqueta": tiempo.etiqueta(proceso["zona_horaria"]),
        "zonas_sugeridas": tiempo.ETIQUETAS,
    }


@requires(*PROCESS_MANAGERS)
@aiohttp_jinja2.template("validacion/proceso.html")
async def form(request: web.Request) -> dict[str, Any]:
    context = await _context(request)
    context["guardado"] = request.query.get("guardado") == "1"
    return context


@requires(*PROCESS_MANAGERS)
@writes
async def save(request: web.Request) -> web.StreamResponse:
    context = await _context(request)
    form = await request.post()
    cargos = [c["clave"] for c in context["cargos"]]
    errors = {**forms.check_edades(form, cargos), **forms.check_acuerdo(form)}
    try:
        nuevos = forms.from_form(form, cargos, tiempo.zona(context["proceso"]["zona_horaria"]))
    except ValidationError as exc:
        errors = {**forms.errores(exc), **errors}
    if errors:
        context["valores"] = {k: v for k, v in form.items() if isinstance(v, str)}
        context["valores"]["validacion_partido"] = form.get("validacion_partido") == "1"
        context["errors"] = errors
        return aiohttp_jinja2.render_template("validacion/proceso.html", request, context, status=422)
    proceso_id = context["proceso"]["id"]
    configuracion = nuevos.configuracion.model_dump(mode="json")
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        antes = await conn.fetchrow(sql.LOCK_SQL, proceso_id)
        await conn.execute(
            sql.UPDATE_SQL,
            proceso_id,
            nuevos.captura_inicio,
            nuevos.captura_fin,
            nuevos.publicacion_inicio,
            nuevos.jornada_electoral,
            configuracion,
            nuevos.zona_horaria,
            nuevos.acuerdo_publicacion_numero,
            nuevos.acuerdo_publicacion_fecha,
        )
        await audit.record(
            conn,
            request,
            identity(request),
            service="validacion",
            action="ajustes_proceso",
            entity="proceso",
            entity_id=proceso_id,
            details={
                "antes": {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in dict(antes).items()},
                "despues": nuevos.model_dump(mode="json"),
            },
        )
    raise web.HTTPSeeOther(str(request.app.router["proceso"].url_for().with_query(guardado="1")))
