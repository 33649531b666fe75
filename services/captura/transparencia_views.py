"""The Unidad de Transparencia's screens over the consents and signed forms of every candidacy.

Served by captura, which owns that data, under ``/validacion/transparencia/consentimientos`` (gateway/routing.py
sends that prefix here): the list with the current state of consents 1/2/3 and of the signed form, one
candidacy's history with its forms to download, and recording a revocation requested in writing (revocacion.py).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from services.common import audit, media, tiempo
from services.common.access import TRANSPARENCIA, TRANSPARENCIA_READERS, requires, writes
from services.common.boundary import like_contains, path_int
from services.common.db import DB_POOL
from services.common.web import identity
from services.common.zona import request_zona

from . import autorizaciones, consentimiento, revocacion
from .transparencia_sql import DETAIL_SQL, DOCUMENTO_SQL, DOCUMENTOS_SQL, HISTORIAL_SQL, LIST_SQL
from .uploads import media_dir

# Accent-free search, the same folding as the SQL's translate().
_FOLD = str.maketrans("áéíóúüñ", "aeiouun")
POR_PAGINA = 50
MAX_PAGINA = 10_000
FILTROS = {
    "": "Todas",
    "formato_pendiente": "Independientes sin formato firmado",
    "retiradas": "Con autorización 2 o 3 retirada",
    "sin_tratamiento": "Sin autorización 1 (tratamiento)",
}
LISTA = "captura/transparencia_consentimientos.html"
DETALLE = "captura/transparencia_consentimiento.html"
AVISOS = {"revocada": "Quedó registrada la revocación. El sitio público deja de mostrar esos datos en unos segundos."}


class Busqueda(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    q: str = Field(default="", max_length=100)
    filtro: str = ""
    pagina: int = Field(default=1, ge=1, le=MAX_PAGINA)

    @field_validator("filtro")
    @classmethod
    def _filtro(cls, value: str) -> str:
        if value not in FILTROS:
            raise ValueError("Elige uno de los filtros de la lista.")
        return value

    @field_validator("pagina", mode="before")
    @classmethod
    def _pagina(cls, value: Any) -> Any:
        return 1 if value == "" else value


@requires(*TRANSPARENCIA_READERS)
async def list_consentimientos(request: web.Request) -> web.Response:
    raw = {k: request.query.get(k, "") for k in ("q", "filtro", "pagina")}
    try:
        busqueda = Busqueda.model_validate(raw)
    except ValidationError as exc:
        context = {"rows": [], "total": 0, "busqueda": raw, "filtros": FILTROS, "paginas": 0, "pagina": 1}
        return aiohttp_jinja2.render_template(
            LISTA, request, {**context, "errors": revocacion.errores(exc)}, status=400
        )
    pattern = like_contains(busqueda.q.lower().translate(_FOLD)) if busqueda.q else ""
    offset = (busqueda.pagina - 1) * POR_PAGINA
    rows = await request.app[DB_POOL].fetch(LIST_SQL, pattern, busqueda.filtro, POR_PAGINA, offset)
    total = rows[0]["total"] if rows else 0
    context = {
        "rows": rows,
        "total": total,
        "busqueda": busqueda.model_dump(),
        "filtros": FILTROS,
        "pagina": busqueda.pagina,
        "paginas": -(-total // POR_PAGINA),
        "errors": {},
    }
    return aiohttp_jinja2.render_template(LISTA, request, context)


async def _detail_context(request: web.Request, conn: asyncpg.Pool | asyncpg.Connection) -> dict[str, Any]:
    candidatura = await conn.fetchrow(DETAIL_SQL, path_int(request))
    if candidatura is None:
        raise web.HTTPNotFound()
    zona = await request_zona(request)
    return {
        "c": candidatura,
        "estados": await autorizaciones.actuales(conn, candidatura["id"]),
        "textos": autorizaciones.TEXTOS,
        "historial": await conn.fetch(HISTORIAL_SQL, candidatura["id"]),
        "documentos": await conn.fetch(DOCUMENTOS_SQL, candidatura["id"]),
        "requerido": candidatura["postulante_tipo"] == "independiente",
        "revocables": revocacion.REVOCABLES,
        "hoy": tiempo.today(datetime.now(UTC), zona).isoformat(),
        "max_folio": revocacion.MAX_FOLIO,
        "max_nota": revocacion.MAX_NOTA,
        "aviso": AVISOS.get(request.query.get("hecho", "")),
        "errors": {},
        "valores": {},
        "puede_revocar": identity(request).role in TRANSPARENCIA,
    }


@requires(*TRANSPARENCIA_READERS)
async def detail(request: web.Request) -> web.Response:
    context = await _detail_context(request, request.app[DB_POOL])
    return aiohttp_jinja2.render_template(DETALLE, request, context)


@requires(*TRANSPARENCIA_READERS)
async def download_documento(request: web.Request) -> web.StreamResponse:
    """One signed form as it was uploaded, as a download; staff reading personal data is audited."""
    candidatura_id = path_int(request)
    pool = request.app[DB_POOL]
    documento = await pool.fetchrow(DOCUMENTO_SQL, candidatura_id, path_int(request, "documento", bits=64))
    if documento is None:
        raise web.HTTPNotFound(text="No existe ese formato firmado.")
    extension = documento["extension"]
    path = media.private_path(media_dir(request), documento["sha256"], f".{extension}")
    if not await asyncio.to_thread(path.is_file):
        raise web.HTTPNotFound(text="No se encontró el archivo del formato firmado.")
    await audit.record(
        pool,
        request,
        identity(request),
        service="captura",
        action="descargar_consentimiento",
        entity="candidatura",
        entity_id=candidatura_id,
        details={"documento_id": documento["id"]},
    )
    headers = {
        "Content-Type": consentimiento.CONTENT_TYPES[extension],
        "Content-Disposition": f'attachment; filename="consentimiento-firmado-{candidatura_id}-{documento["id"]}'
        f'.{extension}"',
        "Cache-Control": "private, no-store",
    }
    return web.FileResponse(path, headers=headers)


@requires(*TRANSPARENCIA)
@writes
async def revoke(request: web.Request) -> web.StreamResponse:
    pool = request.app[DB_POOL]
    candidatura_id = path_int(request)
    raw = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    hoy = tiempo.today(datetime.now(UTC), await request_zona(request))
    try:
        form = revocacion.RevocacionForm.model_validate(raw, context={"hoy": hoy})
    except ValidationError as exc:
        return await _render_errors(request, pool, revocacion.errores(exc), raw)
    async with pool.acquire() as conn, conn.transaction():
        if await conn.fetchval(DETAIL_SQL, candidatura_id) is None:
            raise web.HTTPNotFound()
        try:
            await revocacion.registrar(conn, request, identity(request), candidatura_id, form)
        except revocacion.NoOtorgadoError:
            message = f"La autorización {form.tipo} no está otorgada ahora: no hay nada que retirar."
            return await _render_errors(request, conn, {"tipo": message}, raw, status=409)
    location = request.app.router["transparencia-consentimiento"].url_for(id=str(candidatura_id))
    raise web.HTTPSeeOther(location.with_query(hecho="revocada"))


async def _render_errors(
    request: web.Request,
    conn: asyncpg.Pool | asyncpg.Connection,
    errors: dict[str, str],
    valores: dict[str, str],
    status: int = 422,
) -> web.Response:
    context = await _detail_context(request, conn)
    context.update(errors=errors, valores=valores)
    return aiohttp_jinja2.render_template(DETALLE, request, context, status=status)


def add_routes(app: web.Application) -> None:
    base = "/validacion/transparencia/consentimientos"
    app.router.add_get(base, list_consentimientos, name="transparencia-consentimientos")
    app.router.add_get(base + "/{id}", detail, name="transparencia-consentimiento")
    app.router.add_get(
        base + "/{id}/documentos/{documento}", download_documento, name="transparencia-consentimiento-documento"
    )
    app.router.add_post(base + "/{id}/revocar", revoke, name="transparencia-consentimiento-revocar")
