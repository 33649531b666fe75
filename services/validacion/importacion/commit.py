"""Applies a validated preview: postulantes, candidacies, pairs, audit and the request for accounts in one
transaction (auth creates the lote from it, keyed by the import: ``contracts.Provision``)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import asyncpg
from aiohttp import web

from services.common import audit, contracts
from services.common.signed_identity import Identity

from . import sql


class YaNoAplicaError(RuntimeError):
    """The preview can no longer be applied as it stands (applied already, or the registry changed since)."""


async def _postulantes(conn: asyncpg.Connection, nuevos: dict[str, dict[str, Any]]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for key, p in nuevos.items():
        postulante_id: int | None = await conn.fetchval(sql.INSERT_POSTULANTE_SQL, p["siglas"], p["nombre"], p["tipo"])
        if postulante_id is None:
            # Another import created these siglas since the preview: the same postulante may be reused, a
            # different one must not receive this file's candidacies.
            existing = await conn.fetchrow(sql.POSTULANTE_BY_SIGLAS_SQL, p["siglas"])
            if existing is None or existing["nombre"] != p["nombre"] or existing["tipo"] != p["tipo"]:
                raise YaNoAplicaError(
                    f"Desde la vista previa se registró otro postulante con las siglas {p['siglas']}; "
                    "carga el archivo de nuevo para revisarlo."
                )
            postulante_id = existing["id"]
        if p["partidos"]:
            await conn.execute(sql.INSERT_POSTULANTE_PARTIDOS_SQL, postulante_id, p["partidos"])
        ids[key] = postulante_id
    return ids


async def _positions_taken(conn: asyncpg.Connection, proceso_id: int, columns: list[list[Any]]) -> None:
    """Another preview may have claimed the same fórmula positions and been applied first."""
    cargo, distrito, municipio, circunscripcion, postulante, numero, tipo = columns[:7]
    taken = await conn.fetch(
        sql.POSITIONS_TAKEN_SQL, proceso_id, cargo, distrito, municipio, circunscripcion, postulante, numero, tipo
    )
    if taken:
        first = taken[0]
        raise YaNoAplicaError(
            f"Desde la vista previa se registraron {len(taken)} de estas posiciones (por ejemplo la {first['numero']} "
            f"de {first['cargo_nombre'].lower()}, {first['tipo']}, de {first['siglas']}); carga el archivo de nuevo "
            "para revisarlo."
        )


def _columns(filas: list[dict[str, Any]], postulante_ids: dict[str, int]) -> list[list[Any]]:
    def postulante(ref: str) -> int:
        return int(ref[3:]) if ref.startswith("id:") else postulante_ids[ref]

    # The first seven identify the position (the unique index of migrations/0017).
    return [
        [f["cargo"] for f in filas],
        [f["distrito"] for f in filas],
        [f["municipio"] for f in filas],
        [f["circunscripcion"] for f in filas],
        [postulante(f["postulante"]) for f in filas],
        [f["numero"] for f in filas],
        [f["tipo"] for f in filas],
        [f["nombre"] for f in filas],
        [f["primer_apellido"] for f in filas],
        [f["segundo_apellido"] for f in filas],
        [f["sobrenombre"] for f in filas],
        [f["sexo"] for f in filas],
        [date.fromisoformat(f["fecha_nacimiento"]) for f in filas],
        [f["curp"] for f in filas],
        [f["clave_elector"] for f in filas],
        [f["rfc"] for f in filas],
        [f["correo"] for f in filas],
        [f["telefono"] for f in filas],
        [f["accion_afirmativa"] for f in filas],
        [f["eleccion_consecutiva"] for f in filas],
    ]


def _pairs(filas: list[dict[str, Any]], ids: dict[str, int]) -> tuple[list[int], list[int]]:
    formulas: dict[tuple[Any, ...], dict[str, int]] = defaultdict(dict)
    for f in filas:
        key = (f["cargo"], f["distrito"], f["municipio"], f["circunscripcion"], f["postulante"], f["numero"])
        formulas[key][f["tipo"]] = ids[f["curp"]]
    left: list[int] = []
    right: list[int] = []
    for pair in formulas.values():
        left += [pair["propietaria"], pair["suplente"]]
        right += [pair["suplente"], pair["propietaria"]]
    return left, right


async def apply(
    conn: asyncpg.Connection,
    importacion_id: int,
    request: web.Request,
    actor: Identity,
    *,
    crear_cuentas: bool,
) -> dict[str, Any]:
    """All or nothing; the caller holds the transaction. Returns what the preview page shows afterwards."""
    row = await conn.fetchrow(sql.LOCK_IMPORTACION_SQL, importacion_id)
    if row is None:
        raise web.HTTPNotFound()
    if row["tipo"] != "candidaturas" or row["estado"] != "lista":
        raise YaNoAplicaError("Esta vista previa ya se aplicó o tiene errores; carga el archivo de nuevo.")
    filas: list[dict[str, Any]] = row["datos"]
    proceso_id = row["proceso_id"]
    # Imports are applied one at a time, so the checks below see every import committed before this one; the
    # unique indexes on CURP and position stay the last word for any other writer.
    await conn.execute(sql.LOCK_APPLY_SQL)
    # The registry may have changed since the preview (a substitution, another import): checked again here.
    taken = await conn.fetch(sql.CURPS_TAKEN_SQL, proceso_id, [f["curp"] for f in filas])
    if taken:
        raise YaNoAplicaError(
            f"Desde la vista previa se registraron {len(taken)} de estas CURP (por ejemplo {taken[0]['curp']}); "
            "carga el archivo de nuevo para revisarlo."
        )
    postulante_ids = await _postulantes(conn, row["resumen"].get("nuevos", {}))
    columns = _columns(filas, postulante_ids)
    await _positions_taken(conn, proceso_id, columns)
    try:
        inserted = await conn.fetch(sql.INSERT_CANDIDATURAS_SQL, proceso_id, *columns)
    except asyncpg.UniqueViolationError as exc:
        que = "posiciones" if exc.constraint_name == sql.POSITION_INDEX else "CURP"
        raise YaNoAplicaError(f"Mientras tanto se registró una de estas {que}; carga el archivo de nuevo.") from exc
    ids = {r["curp"]: r["id"] for r in inserted}
    await conn.execute(sql.LINK_PAIRS_SQL, *_pairs(filas, ids))
    origen: str | None = None
    if crear_cuentas:
        # auth provisions every registered candidacy without an account, these included.
        origen = contracts.origen_importacion(importacion_id)
        await contracts.send(conn, contracts.Provision(origen=origen, requested_by=actor.user_id))
    # New postulantes appear in the public filter forms: publico drops its cached answers.
    await contracts.send(conn, contracts.RefreshRegistro())
    resumen = {"candidaturas": len(ids), "postulantes_creados": len(postulante_ids)}
    await conn.execute(sql.MARK_APPLIED_SQL, importacion_id, resumen, crear_cuentas)
    await audit.record(
        conn,
        request,
        actor,
        service="validacion",
        action="importar_candidaturas",
        entity="importacion",
        entity_id=importacion_id,
        details={**resumen, "lote_cuentas": origen, "primera": min(ids.values()), "ultima": max(ids.values())},
    )
    return resumen
