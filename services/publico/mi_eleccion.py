"""/mi-eleccion (page 5): "¿Quién compite donde vivo?": every contest on the ballots of one municipio.

A voter's ballots are the ayuntamiento of the municipio, the diputación de mayoría relativa of its distrito and
the state's representación proporcional lists. A municipio split among several distritos shows each distrito,
unless the voter gave a sección (once the sección catalog is loaded), which names exactly one. Works with a
plain GET form: no JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from services.common.access import public
from services.common.db import DB_POOL
from services.common.web import REDIS, SETTINGS

from .cache import cached
from .settings import PublicoSettings
from .sql import COLUMNS, SORT_ORDER

MUNICIPIOS_SQL = "SELECT clave, nombre FROM registro.municipios ORDER BY nombre, clave"
MUNICIPIO_SQL = "SELECT clave, nombre, elige_ayuntamiento FROM registro.municipios WHERE clave = $1"
HAY_SECCIONES_SQL = "SELECT EXISTS (SELECT 1 FROM registro.secciones)"
SECCION_SQL = "SELECT municipio, distrito FROM registro.secciones WHERE seccion = $1"
# Both catalogs the territorio import loads say which distritos a municipio belongs to.
DISTRITOS_SQL = """
SELECT distrito FROM registro.municipio_distritos WHERE municipio = $1
UNION SELECT distrito FROM registro.secciones WHERE municipio = $1
ORDER BY 1
"""
CONTIENDAS_SQL = f"""
SELECT {COLUMNS}, g.ambito
FROM publico.candidaturas
JOIN registro.cargos g ON g.clave = cargo
WHERE curricular IS NOT NULL AND (
    (g.ambito = 'municipio' AND municipio = $1)
    OR (g.ambito = 'distrito' AND distrito = ANY($2::int[]))
    OR g.ambito = 'estado')
ORDER BY {SORT_ORDER}
"""  # noqa: S608

NO_MUNICIPIO = "No encontramos ese municipio. Elígelo de la lista."
NO_SECCION = "No encontramos esa sección electoral. Revisa el número en tu credencial para votar."
SECCION_DE_OTRO = "Esa sección electoral no pertenece al municipio elegido. Revisa los dos datos."
NUMERO = "Escribe solo números."


class Consulta(BaseModel):
    """The form's two boxes; both empty: the form alone."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    municipio: int | None = Field(None, ge=1, le=2_147_483_647)
    seccion: int | None = Field(None, ge=1, le=2_147_483_647)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value


@dataclass
class Contienda:
    titulo: str
    ambito: str
    candidaturas: list[dict[str, Any]] = field(default_factory=list)


def contiendas(rows: list[dict[str, Any]]) -> list[Contienda]:
    """Group the rows (already in the neutral order) into contests: one per cargo and, for distrito cargos, per
    distrito."""
    result: list[Contienda] = []
    by_key: dict[tuple[str, int | None], Contienda] = {}
    for row in rows:
        distrito = row["distrito"] if row["ambito"] == "distrito" else None
        key = (row["cargo"], distrito)
        if key not in by_key:
            titulo = row["cargo_nombre"] + (f", distrito {distrito}" if distrito is not None else "")
            by_key[key] = Contienda(titulo, row["ambito"])
            result.append(by_key[key])
        by_key[key].candidaturas.append(row)
    return result


class ConsultaError(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _html(request: web.Request, context: dict[str, Any]) -> bytes:
    context = {"identity": None, "csrf_token": "", **context}
    return aiohttp_jinja2.render_string("publico/mi_eleccion.html", request, context).encode()


async def _form_context(pool: asyncpg.Pool, raw: dict[str, str]) -> dict[str, Any]:
    return {
        "municipios": await pool.fetch(MUNICIPIOS_SQL),
        "hay_secciones": await pool.fetchval(HAY_SECCIONES_SQL),
        "valores": {"municipio": raw.get("municipio", ""), "seccion": raw.get("seccion", "")},
        "municipio": None,
        "distritos": [],
        "contiendas": [],
        "error": None,
    }


async def _resultado(pool: asyncpg.Pool, consulta: Consulta) -> dict[str, Any]:
    municipio_clave = consulta.municipio
    distritos: list[int] = []
    if consulta.seccion is not None:
        seccion = await pool.fetchrow(SECCION_SQL, consulta.seccion)
        if seccion is None:
            raise ConsultaError(NO_SECCION, 404)
        if municipio_clave is not None and municipio_clave != seccion["municipio"]:
            raise ConsultaError(SECCION_DE_OTRO, 400)
        municipio_clave, distritos = seccion["municipio"], [seccion["distrito"]]
    assert municipio_clave is not None
    municipio = await pool.fetchrow(MUNICIPIO_SQL, municipio_clave)
    if municipio is None:
        raise ConsultaError(NO_MUNICIPIO, 404)
    if not distritos:
        distritos = [r["distrito"] for r in await pool.fetch(DISTRITOS_SQL, municipio_clave)]
    rows = [dict(r) for r in await pool.fetch(CONTIENDAS_SQL, municipio_clave, distritos)]
    return {"municipio": municipio, "distritos": distritos, "contiendas": contiendas(rows)}


@public
async def mi_eleccion(request: web.Request) -> web.Response:
    pool = request.app[DB_POOL]
    settings = request.app[SETTINGS]
    assert isinstance(settings, PublicoSettings)
    raw = dict(request.query)
    try:
        consulta = Consulta.model_validate(raw)
    except ValidationError:
        context = {**await _form_context(pool, raw), "error": NUMERO}
        return web.Response(body=_html(request, context), status=400, content_type="text/html", charset="utf-8")

    async def render() -> tuple[bytes, str]:
        # The validated values, so the cached page is the same for every spelling of the same query.
        context = await _form_context(pool, {k: str(v) for k, v in consulta.model_dump(exclude_none=True).items()})
        if consulta.municipio is not None or consulta.seccion is not None:
            context.update(await _resultado(pool, consulta))
        return _html(request, context), "text/html"

    try:
        variant = consulta.model_dump_json(exclude_none=True)
        return await cached(request, request.app[REDIS], pool, settings.cache_ttl, render, variant)
    except ConsultaError as exc:
        # Not cached: made-up numbers must not fill Redis.
        context = {**await _form_context(pool, raw), "error": exc.message}
        return web.Response(body=_html(request, context), status=exc.status, content_type="text/html", charset="utf-8")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/mi-eleccion", mi_eleccion, name="mi-eleccion")
