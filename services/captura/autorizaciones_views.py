"""The three consents on the Consentimiento page: saving a change (the page itself: consentimiento_pagina.py)."""

from __future__ import annotations

from aiohttp import web

from services.common.access import CANDIDATE_SIDE, requires, writes
from services.common.db import DB_POOL
from services.common.plazos import ventana_de
from services.common.web import identity

from . import autorizaciones, hechos, reglas
from .consentimiento_pagina import render
from .scope import candidatura_in_scope


@requires(*CANDIDATE_SIDE)
@writes
async def save(request: web.Request) -> web.StreamResponse:
    form = autorizaciones.AutorizacionesForm.model_validate(dict(await request.post()))
    async with request.app[DB_POOL].acquire() as conn, conn.transaction():
        candidatura = await candidatura_in_scope(request, conn)
        deseados = form.deseados()
        actuales = await autorizaciones.actuales(conn, candidatura["id"])
        otorga = any(otorgado and not actuales[tipo].otorgado for tipo, otorgado in deseados.items())
        accion = reglas.Accion.OTORGAR if otorga else reglas.Accion.REVOCAR
        decision = reglas.can_do(await ventana_de(conn, candidatura["id"]), hechos.now(), accion)
        if not decision.allowed:
            return await render(request, conn, candidatura, errors={"autorizaciones": decision.reason}, status=409)
        await autorizaciones.cambiar(conn, request, identity(request), candidatura["id"], deseados)
    location = request.app.router["consentimiento"].url_for(id=str(candidatura["id"]))
    raise web.HTTPSeeOther(location.with_query(autorizaciones="1").with_fragment("autorizaciones"))
