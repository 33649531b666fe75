"""``/validacion/registro/candidaturas/{id}/auditoria``: every recorded change about one candidacy, newest first:
who, when (in the process's zone), from where, and what, in words."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from services.common.access import AUDIT_READERS, requires
from services.common.boundary import like_contains, parse_int, path_int
from services.common.db import DB_POOL
from services.common.zona import request_zona
from services.validacion.importacion.parse import fold

from . import presentacion, sql

POR_PAGINA = 50


@requires(*AUDIT_READERS)
@aiohttp_jinja2.template("validacion/auditorias.html")
async def search(request: web.Request) -> dict[str, Any]:
    """The way in for transparencia and admin, who have no registry screens: find the candidacy, open its trail."""
    q = request.query.get("q", "").strip()[:100]
    pool = request.app[DB_POOL]
    if not q:
        rows = []
    elif (numero := parse_int(q)) is not None and numero > 0:
        rows = await pool.fetch(sql.BY_ID_SQL, numero)
    else:
        rows = await pool.fetch(sql.SEARCH_SQL, like_contains(fold(q)))
    return {"q": q, "candidaturas": rows, "limite": sql.SEARCH_LIMIT}


@requires(*AUDIT_READERS)
@aiohttp_jinja2.template("validacion/auditoria.html")
async def trail(request: web.Request) -> dict[str, Any]:
    candidatura_id = path_int(request)
    pool = request.app[DB_POOL]
    candidatura = await pool.fetchrow(sql.CANDIDATURA_SQL, candidatura_id)
    if candidatura is None:
        raise web.HTTPNotFound()
    total: int = await pool.fetchval(sql.TOTAL_SQL, str(candidatura_id))
    paginas = max(1, -(-total // POR_PAGINA))
    pagina = parse_int(request.query.get("pagina", "1")) or 1
    pagina = min(max(pagina, 1), paginas)
    rows = await pool.fetch(sql.EVENTOS_SQL, str(candidatura_id), POR_PAGINA, (pagina - 1) * POR_PAGINA)
    zona = await request_zona(request)
    eventos = [
        {
            "row": row,
            "accion": presentacion.accion(row["action"]),
            "servicio": presentacion.servicio(row["service"]),
            "lineas": presentacion.lineas(row["details"], zona),
            # An event of another entity (an account, the record it replaced) says which one.
            "otra_entidad": not (row["entity"] == "candidatura" and row["entity_id"] == str(candidatura_id)),
        }
        for row in rows
    ]
    return {
        "c": candidatura,
        "eventos": eventos,
        "total": total,
        "pagina": pagina,
        "paginas": paginas,
    }
