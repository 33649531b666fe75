"""What the reviewer's page shows beside the submitted answers: the photo, the last validated version with a diff
per rubro, the automatic checks' flags with their spans, and who holds the claim on the review."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg
from markupsafe import Markup

from services.common import identidad
from services.common.contracts import Version
from services.common.curricular import RUBROS, RUBROS_BY_KEY
from services.common.signed_identity import Identity

from . import diferencias, resaltado
from .sql import BANDERAS_SQL, LAST_APPROVED_SQL

Clave = tuple[str, str]  # (rubro or dimension, field)


def _etiqueta_campo(conjunto: identidad.ConjuntoIdentidad | None, rubro: str, campo: str) -> str:
    """A field's label as the person read it when answering; never its stored key."""
    if (fijo := RUBROS_BY_KEY.get(rubro)) is not None:
        return next((c.label for c in fijo.campos if c.name == campo), "Otro campo del rubro")
    dimension = conjunto.dimension(rubro) if conjunto else None
    for p in dimension.preguntas if dimension else ():
        if campo == p.clave:
            return p.texto
        if campo == p.otro:
            return f"{p.texto} (texto que especificó)"
    return "Otro campo de la dimensión"


def _texto(respuestas: Mapping[str, Any], rubro: str, campo: str) -> str:
    parte = respuestas.get(rubro)
    return diferencias.texto(parte.get(campo)) if isinstance(parte, Mapping) else ""


def _banderas(
    rows: list[asyncpg.Record],
    respuestas: Mapping[str, Any],
    titulos: Mapping[str, str],
    conjunto: identidad.ConjuntoIdentidad | None,
) -> tuple[list[dict[str, Any]], dict[Clave, Markup]]:
    """Flags grouped by field (the field's text with every span marked once), and the same marked texts by
    (rubro, campo) so the answers themselves show the spans."""
    grupos: dict[Clave, list[asyncpg.Record]] = {}
    for row in rows:
        grupos.setdefault((row["rubro"], row["campo"]), []).append(row)
    lista, marcados = [], {}
    for (rubro, campo), flags in grupos.items():
        texto = _texto(respuestas, rubro, campo)
        tramos = [
            resaltado.Tramo(
                f["inicio"],
                f["fin"],
                resaltado.clase(f["clase"], f["tipo"]),
                "bandera informativa" if f["estado"] == "informativa" else "bandera",
            )
            for f in flags
            if f["fin"] > f["inicio"]
        ]
        marcado = resaltado.resaltar(texto, tramos)
        marcados[(rubro, campo)] = marcado
        lista.append(
            {
                "rubro": titulos.get(rubro, "Otro texto"),
                "campo": _etiqueta_campo(conjunto, rubro, campo),
                "texto": marcado,
                "banderas": [
                    {
                        **dict(f),
                        "clase_texto": resaltado.clase(f["clase"], f["tipo"]),
                        "tipo_texto": resaltado.TIPOS.get(f["tipo"], "Bandera"),
                        "estado_texto": resaltado.estado(f["estado"]),
                        "informativa": f["estado"] == "informativa",
                    }
                    for f in flags
                ],
            }
        )
    return lista, marcados


def _reclamo(review: Any, ident: Identity) -> dict[str, Any]:
    vigente = bool(review["reclamo_vigente"]) and review["estado"] == "pendiente"
    return {
        "vigente": vigente,
        "mio": vigente and review["reclamada_por"] == ident.user_id,
        "ajeno": vigente and review["reclamada_por"] != ident.user_id,
        "por": review["reclamada_por_nombre"] or "otra persona",
        "hasta": review["reclamada_hasta"],
    }


async def contexto(
    conn: asyncpg.Connection | asyncpg.Pool, review: Any, ident: Identity, identidad_ctx: Mapping[str, Any]
) -> dict[str, Any]:
    actual = Version.from_stored(review["datos"])
    es_identidad = review["cuestionario"] == identidad.IDENTIDAD
    conjunto = await identidad.for_candidatura(conn, review["candidatura_id"]) if es_identidad else None
    dimensiones = conjunto.dimensiones if conjunto else ()
    titulos = {r.clave: r.titulo for r in RUBROS} | {d.clave: d.titulo for d in dimensiones}

    previo = await conn.fetchrow(LAST_APPROVED_SQL, review["candidatura_id"], review["cuestionario"], review["numero"])
    comparacion: list[diferencias.Seccion] = []
    foto_anterior = None
    if previo is not None:
        anterior = Version.from_stored(previo["datos"])
        foto_anterior = anterior.foto.sha256 if anterior.foto else None
        if conjunto is not None:
            comparacion = diferencias.comparar_descritas(
                identidad.describe(conjunto, anterior.respuestas), identidad_ctx["identidad"]
            )
        elif not es_identidad:
            partes = [(r.clave, r.titulo, [(c.name, c.label) for c in r.campos]) for r in RUBROS]
            comparacion = diferencias.comparar(partes, anterior.respuestas, actual.respuestas)
    cambiados = {(s.clave, c.etiqueta) for s in comparacion for c in s.campos if c.cambio}

    banderas, marcados = _banderas(
        list(await conn.fetch(BANDERAS_SQL, review["id"])), actual.respuestas, titulos, conjunto
    )
    return {
        "foto": actual.foto.sha256 if actual.foto else None,
        "anterior": previo,
        "foto_anterior": foto_anterior,
        "comparacion": comparacion,
        "cambiados": cambiados,
        "banderas": banderas,
        "banderas_abiertas": sum(1 for g in banderas for b in g["banderas"] if b["estado"] == "abierta"),
        "marcados": marcados,
        "reclamo": _reclamo(review, ident),
    }
