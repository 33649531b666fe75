"""Applies a validated preview: postulantes, candidacies, pairs, audit and the accounts' lote in one transaction."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import asyncpg
from aiohttp import web

from services.common import audit, outbox
from services.common.identity import Identity

from . import sql


class YaNoAplica(RuntimeError):
    """The preview can no longer be applied as it stands (applied already, or the registry changed since)."""


async def _postulantes(conn: asyncpg.Connection, nuevos: dict[str, dict[str, Any]]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for key, p in nuevos.items():
        postulante_id: int = await conn.fetchval(sql.INSERT_POSTULANTE_SQL, p["siglas"], p["nombre"], p["tipo"])
        if p["partidos"]:
            await conn.execute(sql.INSERT_POSTULANTE_PARTIDOS_SQL, postulante_id, p["partidos"])
        ids[key] = postulante_id
    return ids


def _columns(filas: list[dict[str, Any]], postulante_ids: dict[str, int]) -> list[list[Any]]:
    def postulante(ref: str) -> int:
        return int(ref[3:]) if ref.startswith("id:") else postulante_ids[ref]

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
        raise YaNoAplica("Esta vista previa ya se aplicó o tiene errores; carga el archivo de nuevo.")
    filas: list[dict[str, Any]] = row["datos"]
    proceso_id = row["proceso_id"]
    # The registry may have changed since the preview (a substitution, another import): checked again here.
    taken = await conn.fetch(sql.CURPS_TAKEN_SQL, proceso_id, [f["curp"] for f in filas])
    if taken:
        raise YaNoAplica(
            f"Desde la vista previa se registraron {len(taken)} de estas CURP (por ejemplo {taken[0]['curp']}); "
            "carga el archivo de nuevo para revisarlo."
        )
    postulante_ids = await _postulantes(conn, row["resumen"].get("nuevos", {}))
    try:
        inserted = await conn.fetch(sql.INSERT_CANDIDATURAS_SQL, proceso_id, *_columns(filas, postulante_ids))
    except asyncpg.UniqueViolationError as exc:
        raise YaNoAplica("Otra persona registró una de estas CURP mientras tanto; carga el archivo de nuevo.") from exc
    ids = {r["curp"]: r["id"] for r in inserted}
    await conn.execute(sql.LINK_PAIRS_SQL, *_pairs(filas, ids))
    lote_id: int | None = None
    if crear_cuentas:
        # auth provisions every registered candidacy without an account, these included.
        lote_id = await conn.fetchval(sql.CREATE_LOTE_SQL, actor.user_id)
        await outbox.enqueue(conn, "auth", "auth.provision", lote_id=lote_id)
    resumen = {"candidaturas": len(ids), "postulantes_creados": len(postulante_ids)}
    await conn.execute(sql.MARK_APPLIED_SQL, importacion_id, lote_id, resumen)
    await audit.record(
        conn,
        request,
        actor,
        service="validacion",
        action="importar_candidaturas",
        entity="importacion",
        entity_id=importacion_id,
        details={**resumen, "lote_cuentas": lote_id, "primera": min(ids.values()), "ultima": max(ids.values())},
    )
    return resumen
