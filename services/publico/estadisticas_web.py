"""Page 6, /estadisticas, and /api/v1/estadisticas: the aggregates of .estadisticas, cached by generation."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
import asyncpg
import orjson
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, field_validator
from redis.exceptions import RedisError

from services.common import identidad
from services.common.access import public
from services.common.db import DB_POOL, database_unavailable
from services.common.etiquetas import postulante_nombre
from services.common.graficas import Barra, barras_horizontales
from services.common.web import REDIS, SETTINGS

from .avance import VERSION_SQL
from .cache import cached
from .estadisticas import Avance, Persona, Tabla, agregar, catalogo_de
from .filters import CARGOS_SQL, POSTULANTES_SQL
from .settings import PublicoSettings

PERSONAS_SQL = """
SELECT sexo, edad, curricular->'formacion'->>'grado_maximo' AS grado, identidad_estadistica, identidad,
       accion_afirmativa
FROM publico.candidaturas
WHERE curricular IS NOT NULL AND ($1::text IS NULL OR cargo = $1) AND ($2::text IS NULL OR postulante = $2)
"""
# publico may not read captura or reportes: the progress is the aggregate reportes sends (services/publico/avance.py).
_AVANCE_SQL = """
SELECT {etiqueta} AS etiqueta, {extra} sum(a.registradas)::int AS registradas, sum(a.enviadas)::int AS enviadas,
       sum(a.validadas)::int AS validadas, sum(a.publicadas)::int AS publicadas
FROM publico.avance a
JOIN registro.cargos g ON g.clave = a.cargo
JOIN registro.postulantes s ON s.id = a.postulante_id
WHERE ($1::text IS NULL OR a.cargo = $1) AND ($2::text IS NULL OR s.siglas = $2)
GROUP BY {grupo} ORDER BY {grupo}
"""
AVANCE_CARGO_SQL = _AVANCE_SQL.format(etiqueta="g.nombre", extra="", grupo="g.orden, g.nombre")
AVANCE_POSTULANTE_SQL = _AVANCE_SQL.format(
    etiqueta="s.nombre", extra="s.siglas, s.tipo,", grupo="s.id, s.nombre, s.siglas, s.tipo"
)
AVANCE_VERSION_KEY = "publico:avance:version"
CONJUNTO_ACTIVO_SQL = """
SELECT k.id, k.version FROM registro.identidad_conjuntos k
JOIN registro.procesos r ON r.id = k.proceso_id AND r.activo
ORDER BY r.id, k.version DESC LIMIT 1
"""


class FiltrosEstadisticas(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    cargo: str | None = Field(None, max_length=20)
    postulante: str | None = Field(None, max_length=60)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value


def _settings(request: web.Request) -> PublicoSettings:
    settings = request.app[SETTINGS]
    assert isinstance(settings, PublicoSettings)
    return settings


async def _datos(pool: asyncpg.Pool, f: FiltrosEstadisticas) -> dict[str, Any]:
    rows = await pool.fetch(PERSONAS_SQL, f.cargo, f.postulante)
    personas = [
        Persona(r["sexo"], r["edad"], r["grado"], r["identidad_estadistica"], r["identidad"], r["accion_afirmativa"])
        for r in rows
    ]
    conjunto = await pool.fetchrow(CONJUNTO_ACTIVO_SQL)
    cuestionario = await identidad.load(pool, conjunto["id"], conjunto["version"]) if conjunto else None
    por_cargo = [_avance(r["etiqueta"], r) for r in await pool.fetch(AVANCE_CARGO_SQL, f.cargo, f.postulante)]
    por_postulante = [
        _avance(postulante_nombre(r["etiqueta"], r["siglas"], r["tipo"]), r)
        for r in await pool.fetch(AVANCE_POSTULANTE_SQL, f.cargo, f.postulante)
    ]
    corte = await pool.fetchrow(VERSION_SQL)
    return {
        "tablas": agregar(personas, catalogo_de(cuestionario)),
        "avance": {"cargo": por_cargo, "postulante": por_postulante},
        "avance_al": corte["at"] if corte else None,
    }


def _avance(etiqueta: str, r: asyncpg.Record) -> Avance:
    return Avance(etiqueta, r["registradas"], r["enviadas"], r["validadas"], r["publicadas"])


def _grafica(t: Tabla) -> Any:
    barras = [Barra(c.etiqueta, c.valor, c.texto) for c in t.celdas]
    shown = ", ".join(f"{c.etiqueta}: {c.texto}" for c in t.celdas)
    return barras_horizontales(f"g-{t.clave}", t.titulo, f"{t.titulo}, número de {t.cuenta}. {shown}.", barras)


# Three bars a row: past this many rows the chart would outweigh the page budget on a phone (docs/design.md §9);
# the table below it always has every row, and a filter brings the chart back.
MAX_FILAS_GRAFICA_AVANCE = 12


def _grafica_avance(clave: str, titulo: str, filas: list[Avance]) -> Any:
    """One bar per row and stage (submitted, validated, published), as a percentage of the registered; None
    when there are too many rows for a chart."""
    if len(filas) > MAX_FILAS_GRAFICA_AVANCE:
        return None
    barras = [
        Barra(f"{etapa}, {a.etiqueta}", pct, f"{pct} % ({n} de {a.registradas})")
        for a in filas
        for etapa, n, pct in a.etapas()
    ]
    shown = "; ".join(
        f"{a.etiqueta}: " + ", ".join(f"{n} de {a.registradas} {etapa.lower()}" for etapa, n, _ in a.etapas())
        for a in filas
    )
    return barras_horizontales(
        f"g-{clave}", titulo, f"{titulo}, porcentaje de las registradas. {shown}.", barras, maximo=100
    )


def _json_celda(etiqueta: str, valor: int | None, motivo: str | None) -> dict[str, Any]:
    return {"etiqueta": etiqueta, "valor": valor, "suprimida": motivo is not None, "motivo": motivo}


def _json(datos: dict[str, Any], f: FiltrosEstadisticas) -> dict[str, Any]:
    tablas = {
        t.clave: {
            "titulo": t.titulo,
            "celdas": [_json_celda(c.etiqueta, c.valor, c.motivo) for c in t.celdas],
            "total": _json_celda(t.total.etiqueta, t.total.valor, t.total.motivo) if t.total else None,
            "nota": t.nota,
        }
        for t in datos["tablas"]
    }
    avance: dict[str, Any] = {
        k: [
            {
                "etiqueta": a.etiqueta,
                "registradas": a.registradas,
                "enviadas": a.enviadas,
                "validadas": a.validadas,
                "publicadas": a.publicadas,
            }
            for a in filas
        ]
        for k, filas in datos["avance"].items()
    }
    avance["al"] = datos["avance_al"].isoformat() if datos["avance_al"] else None
    return {"filtros": f.model_dump(), "tablas": tablas, "avance": avance}


async def _avance_version(request: web.Request) -> str:
    """The version of the progress counts, part of the cache key: new counts from reportes show on the next request
    without moving the generation (which would empty every page's cache every five minutes). With PostgreSQL away,
    the last version seen (kept in Redis) still finds the cached page, as every other public page keeps serving."""
    redis = request.app[REDIS]
    try:
        version = str(await request.app[DB_POOL].fetchval(VERSION_SQL))
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        try:
            last = await redis.get(AVANCE_VERSION_KEY)
        except RedisError:
            last = None
        if last is None:
            raise
        return str(last.decode())
    try:
        await redis.set(AVANCE_VERSION_KEY, version)
    except RedisError:
        pass
    return version


async def _serve(request: web.Request, f: FiltrosEstadisticas, render: Any) -> web.Response:
    pool = request.app[DB_POOL]
    version = await _avance_version(request)
    return await cached(
        request, request.app[REDIS], pool, _settings(request).cache_ttl, render, f"{f.model_dump_json()}:{version}"
    )


@public
async def show_estadisticas(request: web.Request) -> web.Response:
    f = FiltrosEstadisticas.model_validate(dict(request.query))
    pool = request.app[DB_POOL]

    async def render() -> tuple[bytes, str]:
        datos = await _datos(pool, f)
        context = {
            "identity": None,
            "csrf_token": "",
            "f": f,
            "tablas": [(t, _grafica(t)) for t in datos["tablas"]],
            "avance": [
                ("cargo", "Avance de captura y publicación por cargo", "Cargo", datos["avance"]["cargo"]),
                (
                    "postulante",
                    "Avance de captura y publicación por partido o candidatura",
                    "Partido o candidatura",
                    datos["avance"]["postulante"],
                ),
            ],
            "avance_al": datos["avance_al"],
            "grafica_avance": _grafica_avance,
            "cargos": [(r["clave"], r["nombre"]) for r in await pool.fetch(CARGOS_SQL)],
            "postulantes": [
                (r["siglas"], postulante_nombre(r["nombre"], r["siglas"], r["tipo"]))
                for r in await pool.fetch(POSTULANTES_SQL)
            ],
        }
        return aiohttp_jinja2.render_string("publico/estadisticas.html", request, context).encode(), "text/html"

    return await _serve(request, f, render)


@public
async def api_show_estadisticas(request: web.Request) -> web.Response:
    f = FiltrosEstadisticas.model_validate(dict(request.query))

    async def render() -> tuple[bytes, str]:
        return orjson.dumps(_json(await _datos(request.app[DB_POOL], f), f)), "application/json"

    return await _serve(request, f, render)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/estadisticas", show_estadisticas, name="estadisticas")
    app.router.add_get("/api/v1/estadisticas", api_show_estadisticas, name="api-estadisticas")
