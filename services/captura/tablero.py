"""The dashboard: a candidate's own candidacy, or every candidacy of a representative's postulante, with the
progress of each, what is missing, pending observations, filters, the capture deadline and a CSV export."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from services.common import celdas
from services.common.access import CANDIDATE_SIDE, requires
from services.common.curricular import RUBROS
from services.common.db import DB_POOL
from services.common.estados import STATE_LABELS
from services.common.plazos import Ventana, deadline_text
from services.common.proceso import Proceso, active_proceso
from services.common.web import identity

from .curricular import missing_rubros
from .scope import scope_of
from .sql import AMBITO_POR_NOMBRE_SQL, CARGOS_SQL, PARTY_PENDING_SQL, PROGRESS_SQL


class Filtros(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    cargo: str | None = Field(None, max_length=20)
    estado: str | None = None
    # What the person typed: a district number, an INEGI key or a name; resolved by ``resolve_filtros``.
    ambito: str | None = Field(None, max_length=100)

    @field_validator("cargo", "estado", "ambito", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("estado")
    @classmethod
    def _known_state(cls, value: str | None) -> str | None:
        if value is not None and value not in STATE_LABELS:
            raise ValueError("estado desconocido")
        return value


FILTER_MESSAGES = {
    "cargo": "Elige un cargo de la lista.",
    "estado": "Elige un estado del cuestionario de la lista.",
    "ambito": "Escribe el número del distrito, la clave INEGI o el nombre del municipio (hasta 100 caracteres).",
}
DISTRITO_RE = re.compile(r"^(?:distrito(?:\s+local)?\s*)?(\d{1,5})$")


def parse_filtros(query: Mapping[str, str]) -> tuple[Filtros, dict[str, str]]:
    """The filters that are valid and a Spanish message for each one that is not (never a bare error page)."""
    values = {k: query.get(k, "") for k in FILTER_MESSAGES}
    try:
        return Filtros.model_validate(values), {}
    except ValidationError as exc:
        wrong = {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
    errors = {field: FILTER_MESSAGES[field] for field in FILTER_MESSAGES if field in wrong}
    return Filtros.model_validate({k: v for k, v in values.items() if k not in wrong}), errors


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how the SQL side compares catalog names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def ambito_number(text: str) -> int | None:
    """«10», «Distrito 10» or «16053» as the number the filter compares; None for a name."""
    match = DISTRITO_RE.match(fold(text))
    return int(match.group(1)) if match else None


async def resolve_ambito(conn: asyncpg.Connection | asyncpg.Pool, text: str | None) -> tuple[int | None, str | None]:
    """The district number or municipio key the person means, or a Spanish message if nothing matches."""
    if text is None:
        return None, None
    number = ambito_number(text)
    if number is not None:
        return number, None
    found = await conn.fetchval(AMBITO_POR_NOMBRE_SQL, fold(text))
    if found is None:
        return None, f"No encontramos el distrito o municipio «{text}». {FILTER_MESSAGES['ambito']}"
    return int(found), None


def _row(record: asyncpg.Record) -> dict[str, Any]:
    missing = missing_rubros(record["respuestas"])
    return {
        **dict(record),
        "nombre_completo": " ".join(
            p for p in (record["nombre"], record["primer_apellido"], record["segundo_apellido"]) if p
        ),
        "ambito": f"Distrito {record['distrito']}" if record["distrito"] else (record["municipio_nombre"] or "Estatal"),
        "avance": round(100 * (len(RUBROS) - len(missing)) / len(RUBROS)),
        "faltantes": [r.titulo for r in missing],
        "estado_label": STATE_LABELS[record["estado"]],
    }


async def _rows(request: web.Request, filtros: Filtros, ambito: int | None) -> list[dict[str, Any]]:
    ids, postulante = scope_of(identity(request))
    records = await request.app[DB_POOL].fetch(PROGRESS_SQL, ids, postulante, filtros.cargo, filtros.estado, ambito)
    return [_row(r) for r in records]


async def _filters(request: web.Request) -> tuple[Filtros, int | None, dict[str, str]]:
    filtros, errors = parse_filtros(request.query)
    ambito, problem = await resolve_ambito(request.app[DB_POOL], filtros.ambito)
    if problem:
        errors["ambito"] = problem
    return filtros, ambito, errors


def _ventana(proceso: Proceso | None, prorroga: datetime | None = None) -> Ventana | None:
    if proceso is None:
        return None
    return Ventana(proceso.captura_inicio, proceso.captura_fin, prorroga, proceso.zona_horaria)


def with_windows(rows: list[dict[str, Any]], proceso: Proceso | None, now: datetime, own: bool) -> str | None:
    """The deadline the dashboard states, and each row's own when a prórroga extends it.

    A candidate reads the window of their own candidacy, prórroga included; a representative reads the
    process's, and the candidacies with a prórroga say theirs in the table.
    """
    for row in rows:
        ventana = _ventana(proceso, row["prorroga_fin"])
        row["prorroga"] = deadline_text(ventana, now) if ventana is not None and ventana.con_prorroga else None
    if own and len(rows) == 1 and rows[0]["prorroga"]:
        return str(rows[0]["prorroga"])
    return deadline_text(_ventana(proceso), now)


@requires(*CANDIDATE_SIDE)
async def dashboard(request: web.Request) -> web.Response:
    filtros, ambito, errors = await _filters(request)
    # A filter that cannot apply is left out (the rest still filter) and said, with the form and what was typed.
    rows = await _rows(request, filtros, ambito)
    pool = request.app[DB_POOL]
    ident = identity(request)
    plazo = with_windows(rows, await active_proceso(pool), datetime.now(UTC), own=ident.role == "candidatura")
    context = {
        "candidaturas": rows,
        # The party-validation step: what waits for this representante's decision.
        "por_validar": (
            await pool.fetch(PARTY_PENDING_SQL, ident.postulante_id) if ident.role == "representante" else []
        ),
        "filtros": filtros,
        "cargos": await pool.fetch(CARGOS_SQL),
        "estados": STATE_LABELS,
        "plazo": plazo,
        "total_rubros": len(RUBROS),
        "request_query": request.query_string,
        "errors": errors,
        "valores": {k: request.query.get(k, "")[:100] for k in FILTER_MESSAGES},
    }
    return aiohttp_jinja2.render_template("captura/tablero.html", request, context, status=422 if errors else 200)


@requires(*CANDIDATE_SIDE)
async def progress_csv(request: web.Request) -> web.Response:
    filtros, ambito, errors = await _filters(request)
    if errors:
        raise web.HTTPUnprocessableEntity(text=" ".join(errors.values()))
    rows = await _rows(request, filtros, ambito)
    out = io.StringIO()
    writer = celdas.writer(out)
    writer.writerow(
        [
            "candidatura",
            "nombre",
            "tipo",
            "cargo",
            "ambito",
            "postulante",
            "estado",
            "avance_curricular",
            "faltantes_curricular",
            "observaciones_pendientes",
        ]
    )
    for r in rows:
        writer.writerow(
            [
                r["id"],
                r["nombre_completo"],
                r["tipo"],
                r["cargo_nombre"],
                r["ambito"],
                r["siglas"],
                r["estado_label"],
                r["avance"],
                " | ".join(r["faltantes"]),
                r["observaciones"],
            ]
        )
    # With a BOM so Excel opens the accents right.
    return web.Response(
        body=("\ufeff" + out.getvalue()).encode(),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="avance-captura.csv"', "Cache-Control": "no-store"},
    )
