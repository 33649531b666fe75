"""Page 6, /estadisticas, and /api/v1/estadisticas: the aggregates of .estadisticas, cached by generation."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
import asyncpg
import orjson
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.common import identidad
from services.common.access import public
from services.common.db import DB_POOL
from services.common.etiquetas import postulante_nombre
from services.common.graficas import Barra, barras_horizontales
from services.common.web import REDIS, SETTINGS

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
# publico may not read captura: progress is what registro registered against what publico published.
_AVANCE_SQL = """
SELECT {etiqueta} AS etiqueta, {extra} count(*) AS registradas, count(p.id) AS publicadas
FROM registro.candidaturas c
JOIN registro.procesos r ON r.id = c.proceso_id AND r.activo
JOIN registro.cargos g ON g.clave = c.cargo
JOIN registro.postulantes s ON s.id = c.postulante_id
LEFT JOIN publico.candidaturas p ON p.id = c.id AND p.curricular IS NOT NULL
WHERE c.estatus = 'registrada' AND ($1::text IS NULL OR c.cargo = $1) AND ($2::text IS NULL OR s.siglas = $2)
GROUP BY {grupo} ORDER BY {grupo}
"""
AVANCE_CARGO_SQL = _AVANCE_SQL.format(etiqueta="g.nombre", extra="", grupo="g.orden, g.nombre")
AVANCE_POSTULANTE_SQL = _AVANCE_SQL.format(
    etiqueta="s.nombre", extra="s.siglas, s.tipo,", grupo="s.id, s.nombre, s.siglas, s.tipo"
)
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
    por_cargo = [
        Avance(r["etiqueta"], r["registradas"], r["publicadas"])
        for r in await pool.fetch(AVANCE_CARGO_SQL, f.cargo, f.postulante)
    ]
    por_postulante = [
        Avance(postulante_nombre(r["etiqueta"], r["siglas"], r["tipo"]), r["registradas"], r["publicadas"])
        for r in await pool.fetch(AVANCE_POSTULANTE_SQL, f.cargo, f.postulante)
    ]
    return {
        "tablas": agregar(personas, catalogo_de(cuestionario)),
        "avance": {"cargo": por_cargo, "postulante": por_postulante},
    }


def _grafica(t: Tabla) -> Any:
    barras = [Barra(c.etiqueta, c.valor, c.texto) for c in t.celdas]
    shown = ", ".join(f"{c.etiqueta}: {c.texto}" for c in t.celdas)
    return barras_horizontales(f"g-{t.clave}", t.titulo, f"{t.titulo}, número de {t.cuenta}. {shown}.", barras)


def _grafica_avance(clave: str, titulo: str, filas: list[Avance]) -> Any:
    barras = [Barra(a.etiqueta, a.porcentaje, f"{a.porcentaje} % ({a.publicadas} de {a.registradas})") for a in filas]
    shown = ", ".join(f"{a.etiqueta}: {a.publicadas} de {a.registradas} publicadas" for a in filas)
    return barras_horizontales(f"g-{clave}", titulo, f"{titulo}, porcentaje publicado. {shown}.", barras, maximo=100)


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
    avance = {
        k: [{"etiqueta": a.etiqueta, "registradas": a.registradas, "publicadas": a.publicadas} for a in filas]
        for k, filas in datos["avance"].items()
    }
    return {"filtros": f.model_dump(), "tablas": tablas, "avance": avance}


async def _serve(request: web.Request, f: FiltrosEstadisticas, render: Any) -> web.Response:
    return await cached(
        request, request.app[REDIS], request.app[DB_POOL], _settings(request).cache_ttl, render, f.model_dump_json()
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
                ("cargo", "Avance de publicación por cargo", "Cargo", datos["avance"]["cargo"]),
                (
                    "postulante",
                    "Avance de publicación por partido o candidatura",
                    "Partido o candidatura",
                    datos["avance"]["postulante"],
                ),
            ],
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
