"""/comparar: two to four published candidacies side by side, rubro by rubro (docs/sitio-publico-lista.md).

The ids come from the list's checkboxes (``ids=1&ids=2``, a GET form that needs no JavaScript) or a typed link
(``ids=1,2``). Columns follow the neutral order of the list, so candidacies of the same contest sit together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web

from services.common.access import public
from services.common.boundary import parse_int
from services.common.curricular import RUBROS, Campo
from services.common.db import DB_POOL
from services.common.marcadores import es_marcador
from services.common.web import REDIS, SETTINGS

from .cache import cached
from .filters import SEXOS
from .settings import PublicoSettings
from .sql import COLUMNS, PUBLISHED_SQL, SORT_ORDER

MINIMO, MAXIMO = 2, 4
COMPARE_SQL = f"""
SELECT {COLUMNS} FROM publico.candidaturas
WHERE id = ANY($1::int[]) AND {PUBLISHED_SQL}
ORDER BY {SORT_ORDER}
"""  # noqa: S608
SIN_INFORMACION = "La candidatura no proporcionó información"


class ComparacionError(Exception):
    def __init__(self, status: int, mensaje: str) -> None:
        super().__init__(mensaje)
        self.status = status
        self.mensaje = mensaje


def parse_ids(values: Iterable[str]) -> list[int]:
    """The distinct ids of ``ids`` (repeated or comma-separated), in the order given; Spanish errors otherwise."""
    ids: list[int] = []
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            number = parse_int(part)
            if number is None or number < 1:
                raise ComparacionError(400, f"«{part.strip()[:20]}» no es el número de una candidatura.")
            if number not in ids:
                ids.append(number)
    if len(ids) < MINIMO:
        raise ComparacionError(400, "Para comparar, elige al menos dos candidaturas distintas.")
    if len(ids) > MAXIMO:
        raise ComparacionError(400, f"Se pueden comparar hasta {MAXIMO} candidaturas a la vez; elegiste {len(ids)}.")
    return ids


@dataclass(frozen=True)
class Fila:
    campo: Campo
    valores: tuple[str | None, ...]  # one per candidacy; None: not given


@dataclass(frozen=True)
class Bloque:
    clave: str
    titulo: str
    filas: tuple[Fila, ...]  # only the fields someone compared gave
    vacios: tuple[bool, ...]  # per candidacy: the whole rubro is empty


def bloques(curriculares: Sequence[Mapping[str, Any] | None]) -> list[Bloque]:
    """The five rubros as rows of the comparison, from each candidacy's published curricular."""
    out = []
    for rubro in RUBROS:
        datos = [(c or {}).get(rubro.clave) or {} for c in curriculares]
        filas = []
        for campo in rubro.campos:
            # A placeholder («N/A», «.») reads as missing, as on the profile (services/common/marcadores.py).
            valores = tuple((None if es_marcador(d.get(campo.name) or None) else str(d[campo.name])) for d in datos)
            if any(valores):
                filas.append(Fila(campo, valores))
        vacios = tuple(all(es_marcador(d.get(c.name) or None) for c in rubro.campos) for d in datos)
        out.append(Bloque(rubro.clave, rubro.titulo, tuple(filas), vacios))
    return out


def _error(request: web.Request, exc: ComparacionError) -> web.Response:
    context = {"identity": None, "csrf_token": "", "mensaje": exc.mensaje}
    return aiohttp_jinja2.render_template("publico/comparar_error.html", request, context, status=exc.status)


@public
async def comparar(request: web.Request) -> web.Response:
    try:
        ids = parse_ids(request.query.getall("ids", []))
    except ComparacionError as exc:
        return _error(request, exc)
    pool: asyncpg.Pool = request.app[DB_POOL]

    async def render() -> tuple[bytes, str]:
        rows = await pool.fetch(COMPARE_SQL, ids)
        missing = sorted(set(ids) - {r["id"] for r in rows})
        if missing:
            lista = ", ".join(str(n) for n in missing)
            raise ComparacionError(404, f"No hay candidatura publicada con el número {lista}.")
        context = {
            "identity": None,
            "csrf_token": "",
            "cs": rows,
            "bloques": bloques([r["curricular"] for r in rows]),
            "sexos": SEXOS,
            "sin_informacion": SIN_INFORMACION,
        }
        return aiohttp_jinja2.render_string("publico/comparar.html", request, context).encode(), "text/html"

    settings = request.app[SETTINGS]
    assert isinstance(settings, PublicoSettings)
    # Same set, same page: the order of the ids in the link does not make another cached copy.
    variant = ",".join(str(n) for n in sorted(ids))
    try:
        return await cached(request, request.app[REDIS], pool, settings.cache_ttl, render, variant)
    except ComparacionError as exc:
        return _error(request, exc)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/comparar", comparar, name="comparar")
