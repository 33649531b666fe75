"""Loads the Michoacán catalogs in ``data/`` into ``registro``. Idempotent: run at every start."""

from __future__ import annotations

import csv
from pathlib import Path

import asyncpg

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
CHERAN = 16024

# Default minimum ages per cargo (Constitución de Michoacán); configurable per process.
CARGOS = (
    ("DIP_MR", "Diputación de mayoría relativa", "distrito", 1, 21),
    ("DIP_RP", "Diputación de representación proporcional", "estado", 2, 21),
    ("PRES_MUN", "Presidencia municipal", "municipio", 3, 21),
    ("SIND", "Sindicatura", "municipio", 4, 21),
    ("REG_MR", "Regiduría de mayoría relativa", "municipio", 5, 18),
    ("REG_RP", "Regiduría de representación proporcional", "municipio", 6, 18),
)

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


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


async def load_catalogs(conn: asyncpg.Connection) -> dict[str, int]:
    municipios = _rows("michoacan_municipios_inegi.csv")
    distritos = _rows("michoacan_distritos_locales.csv")
    partidos = _rows("partidos_michoacan_2024.csv")
    async with conn.transaction():
        await conn.executemany(UPSERT_CARGO_SQL, CARGOS)
        await conn.executemany(
            UPSERT_MUNICIPIO_SQL,
            [
                (
                    int(m["cve_completa"]),
                    m["nom_municipio"],
                    m["nom_cabecera"],
                    int(m["poblacion_total"] or 0),
                    int(m["cve_completa"]) != CHERAN,
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
        "cargos": len(CARGOS),
        "municipios": len(municipios),
        "distritos": len(distritos),
        "partidos": len(partidos),
    }
