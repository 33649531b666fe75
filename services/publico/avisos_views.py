"""``/validacion/transparencia/avisos``: the Unidad de Transparencia publishes a new version of an aviso de
privacidad (the rules and SQL: avisos.py). Staff pages: never through publico's cache (``cached`` is for public
pages only) and ``no-store`` like every page that needs a session (web.no_store_middleware)."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web
from pydantic import ValidationError

from services.common import audit
from services.common.access import TRANSPARENCIA, TRANSPARENCIA_READERS, requires, writes
from services.common.mensajes import mensaje
from services.common.web import identity

from . import avisos
from .lectura import primary_pool
from .paginas import parrafos
from .views import _settings

TEMPLATE = "publico/avisos_editar.html"
TITULOS = {"simplificado": "Aviso de privacidad simplificado", "integral": "Aviso de privacidad integral"}


async def _context(request: web.Request, conn: asyncpg.Pool | asyncpg.Connection) -> dict[str, Any]:
    rows = await conn.fetch(avisos.VERSIONES_SQL)
    nombre = _settings(request).instituto.nombre
    por_tipo: dict[str, list[dict[str, Any]]] = {t: [] for t in avisos.TIPOS}
    for r in rows:
        por_tipo[r["tipo"]].append({**dict(r), "parrafos": parrafos(r["texto"], nombre)})
    return {
        "tipos": avisos.TIPOS,
        "titulos": TITULOS,
        "versiones": por_tipo,
        "errors": {},
        "valores": {},
        "tipo_con_error": "",
        "publicada": request.query.get("publicada", ""),
        "puede_editar": identity(request).role in TRANSPARENCIA,
        "min_texto": avisos.MIN_TEXTO,
        "max_texto": avisos.MAX_TEXTO,
    }


@requires(*TRANSPARENCIA_READERS)
async def show(request: web.Request) -> web.Response:
    return aiohttp_jinja2.render_template(TEMPLATE, request, await _context(request, primary_pool(request)))


@requires(*TRANSPARENCIA)
@writes
async def publish(request: web.Request) -> web.StreamResponse:
    tipo = request.match_info["tipo"]
    if tipo not in avisos.TIPOS:
        raise web.HTTPNotFound()
    raw = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    pool = primary_pool(request)
    try:
        form = avisos.AvisoForm.model_validate(raw)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for err in exc.errors():
            errors.setdefault(f"texto_{tipo}" if err["loc"][:1] == ("texto",) else "_formulario", mensaje(err))
        return await _render_errors(request, pool, tipo, errors, raw, 422)
    async with pool.acquire() as conn, conn.transaction():
        try:
            row = await conn.fetchrow(avisos.INSERT_SQL, tipo, form.texto, form.version_base)
        except asyncpg.UniqueViolationError:
            row = None
        if row is None:
            message = (
                "Otra persona publicó una versión nueva de este aviso mientras editabas. Revisa la versión vigente; "
                "tu texto sigue abajo para que lo copies."
            )
            return await _render_errors(request, conn, tipo, {f"texto_{tipo}": message}, raw, 409)
        await audit.record(
            conn,
            request,
            identity(request),
            service="publico",
            action="publicar_aviso_privacidad",
            entity="aviso_privacidad",
            entity_id=row["id"],
            details={"tipo": tipo, "version": row["version"], "caracteres": len(form.texto)},
        )
    location = request.app.router["transparencia-avisos"].url_for()
    raise web.HTTPSeeOther(location.with_query(publicada=tipo).with_fragment(f"aviso-{tipo}"))


async def _render_errors(
    request: web.Request,
    conn: asyncpg.Pool | asyncpg.Connection,
    tipo: str,
    errors: dict[str, str],
    valores: dict[str, str],
    status: int,
) -> web.Response:
    context = await _context(request, conn)
    context.update(errors=errors, valores=valores, tipo_con_error=tipo)
    return aiohttp_jinja2.render_template(TEMPLATE, request, context, status=status)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/validacion/transparencia/avisos", show, name="transparencia-avisos")
    app.router.add_post("/validacion/transparencia/avisos/{tipo}", publish, name="transparencia-avisos-publicar")
