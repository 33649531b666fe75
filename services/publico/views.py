"""The public site and its JSON API: everything here is anonymous, cached and works without JavaScript."""

from __future__ import annotations

import hashlib
from typing import Any

import aiohttp_jinja2
import asyncpg
import orjson
from aiohttp import web
from redis.exceptions import RedisError

from services.common import tiempo
from services.common.access import public
from services.common.boundary import path_int
from services.common.db import DB_POOL, database_unavailable
from services.common.etiquetas import calidad
from services.common.web import REDIS, SETTINGS

from . import perfil
from .cache import GENERATION, cached
from .catalogos import PorGeneracion
from .enlaces import enlaces
from .filters import FILTROS, SEXOS, FiltrosBase, ListFilters, activos, encode_cursor, query_string
from .query import count_query, list_query
from .settings import PublicoSettings
from .sql import COUNTS_SQL, PROCESO_SQL, PROFILE_SQL, SORT_KEY_SQL

PROCESO_VARIANT_KEY = "publico:proceso:variante"
CATALOGOS: web.AppKey[PorGeneracion] = web.AppKey("publico_catalogos", PorGeneracion)


def _settings(request: web.Request) -> PublicoSettings:
    settings = request.app[SETTINGS]
    assert isinstance(settings, PublicoSettings)
    return settings


async def _serve(request: web.Request, render: Any, filters: FiltrosBase | None = None) -> web.Response:
    """The list, a profile and their API twins: they depend on the generation and the address only, so the
    gateway may answer them from its memory (``gateway=True``); the home page does not come through here."""
    variant = filters.model_dump_json(exclude_none=True) if filters is not None else ""
    return await cached(
        request, request.app[REDIS], request.app[DB_POOL], _settings(request).cache_ttl, render, variant, gateway=True
    )


def _html(request: web.Request, template: str, context: dict[str, Any]) -> tuple[bytes, str]:
    # Public pages are the same for everyone (so they can be cached): no identity in them.
    context = {"identity": None, "csrf_token": "", **context}
    text = aiohttp_jinja2.render_string(template, request, context)
    return text.encode(), "text/html"


async def _page(
    request: web.Request, pool: asyncpg.Pool, filters: FiltrosBase
) -> tuple[list[asyncpg.Record], str | None, int]:
    """One page of the list and the total of its filters: one indexed query, and the count only when needed.

    A first page that is not full holds every matching row, so its length is the total; otherwise the count
    runs once per filter set and generation (.catalogos), so the following pages of the same filters reuse it.
    """
    after = None
    if filters.after_id is not None:
        row = await pool.fetchrow(SORT_KEY_SQL, filters.after_id)
        if row is not None:
            after = (
                row["cargo_orden"],
                row["distrito"],
                row["municipio"],
                row["numero"],
                row["primer_apellido"],
                row["id"],
            )
    page = list_query(FILTROS, filters, after)
    rows = await pool.fetch(page.sql, *page.args)
    if after is None and len(rows) <= filters.limite:
        total = len(rows)
    else:
        count = count_query(FILTROS, filters)

        async def contar() -> int:
            return int(await pool.fetchval(count.sql, *count.args))

        total = await request.app[CATALOGOS].total(request[GENERATION], count.sql + repr(count.args), contar)
    next_cursor = encode_cursor(rows[filters.limite - 1]["id"]) if len(rows) > filters.limite else None
    return rows[: filters.limite], next_cursor, total


def _perfil_base(request: web.Request) -> str:
    """The profile's address without its id: a card's link is this plus the id, one url_for per page, not per row."""
    url = str(request.app.router["perfil"].url_for(id="0"))
    assert url.endswith("/0"), url
    return url[:-1]


def _card(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "nombre": row["nombre_completo"],
        "cargo": row["cargo"],
        "cargo_nombre": row["cargo_nombre"],
        "postulante": row["postulante"],
        "postulante_nombre": row["postulante_nombre"],
        "postulante_tipo": row["postulante_tipo"],
        "distrito": row["distrito"],
        "municipio": row["municipio"],
        "municipio_nombre": row["municipio_nombre"],
        "numero": row["numero"],
        "tipo": row["tipo"],
        "calidad": calidad(row["tipo"], row["sexo"]),
        "sexo": row["sexo"],
        "edad": row["edad"],
        "sobrenombre": row["sobrenombre"],
        "foto": f"/media/{row['foto']}.jpg" if row["foto"] else None,
    }


def _summary(row: asyncpg.Record) -> dict[str, Any]:
    """A row of the API list: what a card shows, and where the whole record is (questionnaires included)."""
    return {**_card(row), "url": f"/api/v1/candidaturas/{row['id']}"}


def _profile(row: asyncpg.Record) -> dict[str, Any]:
    return {
        **_card(row),
        "curricular": row["curricular"],
        "declarado_at": row["declarado_at"].isoformat(),
        "revisado_at": row["revisado_at"].isoformat(),
    }


async def _proceso_variant(request: web.Request) -> tuple[asyncpg.Record | None, str]:
    """The process row the home page shows, and its hash as the cache variant.

    Read on every request (one small row): the process settings change without a publication, so the cached page
    is keyed by them too, and a corrected date or acuerdo shows on the next request. With PostgreSQL away, the
    last hash seen (kept in Redis) still finds the cached page, as every other public page keeps serving.
    """
    redis = request.app[REDIS]
    try:
        proceso = await request.app[DB_POOL].fetchrow(PROCESO_SQL)
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        try:
            last = await redis.get(PROCESO_VARIANT_KEY)
        except RedisError:
            last = None
        if last is None:
            raise
        return None, last.decode()
    variant = "" if proceso is None else hashlib.sha256(orjson.dumps(dict(proceso), default=str)).hexdigest()[:16]
    try:
        await redis.set(PROCESO_VARIANT_KEY, variant)
    except RedisError:
        pass
    return proceso, variant


@public
async def home(request: web.Request) -> web.Response:
    pool = request.app[DB_POOL]
    proceso, variant = await _proceso_variant(request)

    async def render() -> tuple[bytes, str]:
        counts = await pool.fetch(COUNTS_SQL)
        context = {
            "counts": counts,
            "total": sum(r["total"] for r in counts),
            "proceso": proceso,
            "enlaces": enlaces(request.app),
            # The footer's name from the row this page is keyed by, not the context's (kept up to a second,
            # services/common/zona.py): a renamed process must not be cached under its new key with the old name.
            "proceso_nombre": str(proceso["nombre"]) if proceso else "",
        }
        if proceso:  # its dates in the zone of the row the page is keyed by (a zone change is a new key)
            context[tiempo.CONTEXT_KEY] = tiempo.zona(proceso["zona_horaria"])
        return _html(request, "publico/inicio.html", context)

    return await cached(request, request.app[REDIS], pool, _settings(request).cache_ttl, render, variant)


@public
async def list_candidaturas(request: web.Request) -> web.Response:
    filters = ListFilters.model_validate(dict(request.query))
    pool = request.app[DB_POOL]

    async def render() -> tuple[bytes, str]:
        rows, next_cursor, total = await _page(request, pool, filters)
        opciones = await request.app[CATALOGOS].opciones(pool, request[GENERATION])
        formulario = await request.app[CATALOGOS].formulario(pool, request[GENERATION])
        context = {
            "rows": rows,
            "next_cursor": next_cursor,
            "siguiente": query_string(FILTROS, filters, cursor=next_cursor or ""),
            "total": total,
            "filters": filters,
            "filtros": FILTROS,
            "formulario": formulario,
            "perfil_base": _perfil_base(request),
            "activos": activos(FILTROS, filters, opciones),
        }
        return _html(request, "publico/candidaturas.html", context)

    return await _serve(request, render, filters)


async def _published(pool: asyncpg.Pool, candidatura_id: int) -> asyncpg.Record:
    row = await pool.fetchrow(PROFILE_SQL, candidatura_id)
    if row is None:
        raise web.HTTPNotFound(text="Esta candidatura no está publicada.")
    return row


def _candidatura_id(request: web.Request) -> int:
    return path_int(request)


@public
async def show_candidatura(request: web.Request) -> web.Response:
    candidatura_id = _candidatura_id(request)
    pool = request.app[DB_POOL]

    # Looked up only on a cache miss: a cached profile costs no query. A 404 raised here is not cached.
    async def render() -> tuple[bytes, str]:
        found = await perfil.load(pool, candidatura_id)
        if found is None:
            raise web.HTTPNotFound(text="Esta candidatura no está publicada.")
        return _html(request, "publico/perfil.html", {"p": found, "c": found.c, "sexos": SEXOS})

    return await _serve(request, render)


@public
async def api_list_candidaturas(request: web.Request) -> web.Response:
    filters = ListFilters.model_validate(dict(request.query))

    async def render() -> tuple[bytes, str]:
        rows, next_cursor, total = await _page(request, request.app[DB_POOL], filters)
        body = {"total": total, "siguiente": next_cursor, "resultados": [_summary(r) for r in rows]}
        return orjson.dumps(body), "application/json"

    return await _serve(request, render, filters)


@public
async def api_show_candidatura(request: web.Request) -> web.Response:
    candidatura_id = _candidatura_id(request)

    async def render() -> tuple[bytes, str]:
        row = await _published(request.app[DB_POOL], candidatura_id)
        return orjson.dumps(_profile(row)), "application/json"

    return await _serve(request, render)
