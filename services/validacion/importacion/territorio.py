"""The sección catalog (``seccion,municipio,distrito``) and the municipio → distrito composition
(``municipio,distrito``): validated like the candidacies, and each upload replaces the whole catalog."""

from __future__ import annotations

from typing import Any

import asyncpg
from aiohttp import web

from services.common import audit
from services.common.signed_identity import Identity

from . import campos
from .campos import CampoInvalidoError
from .catalogo import Catalogo
from .parse import Tabla
from .validate import Problema, Resultado

COLUMNAS = {"secciones": ("seccion", "municipio", "distrito"), "composicion": ("municipio", "distrito")}

DELETE_SQL = {"secciones": "DELETE FROM registro.secciones", "composicion": "DELETE FROM registro.municipio_distritos"}
INSERT_SQL = {
    "secciones": """
        INSERT INTO registro.secciones (seccion, municipio, distrito)
        SELECT * FROM unnest($1::integer[], $2::integer[], $3::integer[])""",
    "composicion": """
        INSERT INTO registro.municipio_distritos (municipio, distrito)
        SELECT * FROM unnest($1::integer[], $2::integer[])""",
}


def validate(tipo: str, tabla: Tabla, catalogo: Catalogo) -> Resultado:
    resultado = Resultado()
    columnas = COLUMNAS[tipo]
    faltan = [c for c in columnas if c not in tabla.columnas]
    for columna in faltan:
        resultado.errores.append(Problema(1, columna, f"Falta la columna «{columna}» en la primera fila."))
    if faltan:
        return resultado
    if not tabla.filas:
        resultado.errores.append(Problema(1, "", "El archivo no tiene filas."))
        return resultado
    vistos: dict[tuple[int, ...], int] = {}
    for numero, row in tabla.filas:
        valores: dict[str, int] = {}
        for columna in columnas:
            try:
                valor = campos.entero(row.get(columna), required=True, label=f"la columna {columna}")
            except CampoInvalidoError as exc:
                if columna != "municipio":
                    resultado.errores.append(Problema(numero, columna, str(exc)))
                    continue
                valor = None
            if columna == "municipio":
                raw = campos.text(row.get("municipio"))
                valor = catalogo.municipio(raw) if raw else None
                if valor is None:
                    mensaje = f"El municipio «{raw}» no existe en {catalogo.entidad}." if raw else "Falta el municipio."
                    resultado.errores.append(Problema(numero, columna, mensaje))
                    continue
            elif columna == "distrito" and valor not in catalogo.distritos:
                resultado.errores.append(
                    Problema(numero, columna, f"El distrito {valor} no existe ({catalogo.distritos_texto()}).")
                )
                continue
            assert valor is not None
            valores[columna] = valor
        if len(valores) != len(columnas):
            continue
        key = (valores["seccion"],) if tipo == "secciones" else (valores["municipio"], valores["distrito"])
        if key in vistos:
            que = f"La sección {key[0]}" if tipo == "secciones" else "El par municipio-distrito"
            resultado.errores.append(Problema(numero, columnas[0], f"{que} ya aparece en la fila {vistos[key]}."))
            continue
        vistos[key] = numero
        resultado.filas.append({"fila": numero, **valores})
    return resultado


async def apply(conn: asyncpg.Connection, row: asyncpg.Record, request: web.Request, actor: Identity) -> dict[str, Any]:
    tipo: str = row["tipo"]
    filas: list[dict[str, Any]] = row["datos"]
    await conn.execute(DELETE_SQL[tipo])
    await conn.execute(INSERT_SQL[tipo], *([f[c] for f in filas] for c in COLUMNAS[tipo]))
    await audit.record(
        conn,
        request,
        actor,
        service="validacion",
        action=f"cargar_{tipo}",
        entity="importacion",
        entity_id=row["id"],
        details={"filas": len(filas)},
    )
    return {tipo: len(filas)}
