"""The dashboard: a candidate's own candidacy, or every candidacy of a representative's postulante, with the
progress of each, what is missing, pending observations, filters, the capture deadline and a CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import aiohttp_jinja2
import asyncpg
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.common.access import requires
from services.common.curricular import RUBROS, missing_rubros
from services.common.db import DB_POOL
from services.common.estados import STATE_LABELS
from services.common.plazos import Ventana, deadline_text
from services.common.proceso import Proceso, active_proceso
from services.common.web import identity

from .scope import CANDIDATE_ROLES, scope_of
from .sql import CARGOS_SQL, PARTY_PENDING_SQL, PROGRESS_SQL


class Filtros(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    cargo: str | None = Field(None, max_length=20)
    estado: str | None = None
    ambito: int | None = Field(None, ge=1, le=99999)

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


async def _rows(request: web.Request, filtros: Filtros) -> list[dict[str, Any]]:
    ids, postulante = scope_of(identity(request))
    records = await request.app[DB_POOL].fetch(
        PROGRESS_SQL, ids, postulante, filtros.cargo, filtros.estado, filtros.ambito
    )
    return [_row(r) for r in records]


def _ventana(proceso: Proceso | None, prorroga: datetime | None = None) -> Ventana | None:
    return None if proceso is None else Ventana(proceso.captura_inicio, proceso.captura_fin, prorroga)


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


@requires(*CANDIDATE_ROLES)
async def dashboard(request: web.Request) -> web.Response:
    filtros = Filtros.model_validate(dict(request.query))
    rows = await _rows(request, filtros)
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
    }
    return aiohttp_jinja2.render_template("captura/tablero.html", request, context)


@requires(*CANDIDATE_ROLES)
async def progress_csv(request: web.Request) -> web.Response:
    rows = await _rows(request, Filtros.model_validate(dict(request.query)))
    out = io.StringIO()
    writer = csv.writer(out)
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
