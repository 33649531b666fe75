"""Loads the state's catalogs listed in a manifest (``data/catalogos.toml``, CONOCELES_CATALOGOS) into
``registro``. Idempotent: run at every start."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path
from typing import Literal

import asyncpg
from pydantic import BaseModel, ConfigDict, Field

from services.common.instituto import DATA_DIR

MANIFEST = DATA_DIR / "catalogos.toml"


class CargoCatalogo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clave: str = Field(min_length=1, max_length=20)
    nombre: str = Field(min_length=1)
    ambito: Literal["distrito", "estado", "municipio"]
    edad_minima: int = Field(ge=0, le=150)


class Manifiesto(BaseModel):
    model_config = ConfigDict(extra="forbid")

    municipios: str
    distritos: str
    partidos: str
    sin_ayuntamiento: list[int] = Field(default_factory=list)
    cargos: list[CargoCatalogo] = Field(min_length=1)


def read_manifest(path: Path) -> Manifiesto:
    with path.open("rb") as handle:
        return Manifiesto.model_validate(tomllib.load(handle))


UPSERT_CARGO_SQL = """
INSERT INTO registro.cargos (clave, nombre, ambito, orden, edad_minima) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (clave) DO UPDATE SET nombre = EXCLUDED.nombre, ambito = EXCLUDED.ambito, orden = EXCLUDED.orden
"""
UPSERT_MUNICIPIO_SQL = """
INSERT INTO registro.municipios (clave, nombre, cabecera, poblacion, elige_ayuntamiento) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (clave) DO UPDATE SET nombre = EXCLUDED.nombre, cabecera = EXCLUDED.cabecera,
    poblacion = EXCLUDED.poblacion, elige_ayuntamiento = EXCLUDED.elige_ayuntamiento
"""
UPSERT_DISTRITO_SQL = """
INSERT INTO registro.distritos (numero, cabecera, municipio_cabecera) VALUES ($1, $2, $3)
ON CONFLICT (numero) DO UPDATE SET cabecera = EXCLUDED.cabecera, municipio_cabecera = EXCLUDED.municipio_cabecera
"""
UPSERT_PARTIDO_SQL = """
INSERT INTO registro.postulantes (siglas, nombre, tipo, ambito, nota) VALUES ($1, $2, 'partido', $3, $4)
ON CONFLICT (siglas) DO UPDATE SET nombre = EXCLUDED.nombre, ambito = EXCLUDED.ambito, nota = EXCLUDED.nota
"""


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


async def load_catalogs(conn: asyncpg.Connection, manifest: Path = MANIFEST) -> dict[str, int]:
    catalogos = read_manifest(manifest)
    folder = manifest.parent
    municipios = _rows(folder / catalogos.municipios)
    distritos = _rows(folder / catalogos.distritos)
    partidos = _rows(folder / catalogos.partidos)
    sin_ayuntamiento = set(catalogos.sin_ayuntamiento)
    cargos = [(c.clave, c.nombre, c.ambito, orden, c.edad_minima) for orden, c in enumerate(catalogos.cargos, 1)]
    async with conn.transaction():
        await conn.executemany(UPSERT_CARGO_SQL, cargos)
        await conn.executemany(
            UPSERT_MUNICIPIO_SQL,
            [
                (
                    int(m["cve_completa"]),
                    m["nom_municipio"],
                    m["nom_cabecera"],
                    int(m["poblacion_total"] or 0),
                    int(m["cve_completa"]) not in sin_ayuntamiento,
                )
                for m in municipios
            ],
        )
        await conn.executemany(
            UPSERT_DISTRITO_SQL,
            [(int(d["distrito"]), d["cabecera_nombre"], int(d["municipio_cabecera_inegi"])) for d in distritos],
        )
        await conn.executemany(
            UPSERT_PARTIDO_SQL, [(p["siglas"], p["nombre"], p["tipo"], p["nota"] or None) for p in partidos]
        )
    return {
        "cargos": len(cargos),
        "municipios": len(municipios),
        "distritos": len(distritos),
        "partidos": len(partidos),
    }
