"""Everything validation looks rows up in, read once per file so 10,000 rows cost dictionary look-ups only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import asyncpg

from services.common.proceso import active_proceso

from . import sql
from .parse import fold

# Common ways staff write a cargo, besides its key and its full name.
CARGO_ALIASES = {
    "diputacion mr": "DIP_MR",
    "diputacion de mayoria": "DIP_MR",
    "diputacion rp": "DIP_RP",
    "diputacion de representacion": "DIP_RP",
    "presidencia": "PRES_MUN",
    "presidente municipal": "PRES_MUN",
    "presidenta municipal": "PRES_MUN",
    "sindico": "SIND",
    "sindica": "SIND",
    "regiduria mr": "REG_MR",
    "regiduria rp": "REG_RP",
}


@dataclass(frozen=True)
class Cargo:
    clave: str
    nombre: str
    ambito: str


@dataclass(frozen=True)
class Postulante:
    id: int
    siglas: str
    nombre: str
    tipo: str


@dataclass
class Catalogo:
    proceso_id: int
    jornada: date
    edades_minimas: dict[str, int]
    # The state, as import messages name it (CONOCELES_INSTITUTO_ENTIDAD).
    entidad: str = "la entidad"
    cargos: dict[str, Cargo] = field(default_factory=dict)
    cargo_alias: dict[str, str] = field(default_factory=dict)
    municipios: dict[int, tuple[str, bool]] = field(default_factory=dict)
    municipio_alias: dict[str, int] = field(default_factory=dict)
    distritos: set[int] = field(default_factory=set)
    # Folded siglas and folded names both lead to the postulante.
    postulantes: dict[str, Postulante] = field(default_factory=dict)
    siglas_usadas: set[str] = field(default_factory=set)
    partidos: dict[str, int] = field(default_factory=dict)
    curps_registradas: set[str] = field(default_factory=set)
    correos_registrados: set[str] = field(default_factory=set)
    posiciones_registradas: set[tuple[object, ...]] = field(default_factory=set)

    def distritos_texto(self) -> str:
        """«los distritos locales van del 1 al 24», from the catalog loaded."""
        if not self.distritos:
            return "no hay distritos locales en el catálogo"
        return f"los distritos locales van del {min(self.distritos)} al {max(self.distritos)}"

    def cargo(self, value: str) -> Cargo | None:
        clave = self.cargo_alias.get(fold(value)) or self.cargo_alias.get(fold(value.replace("_", " ")))
        return self.cargos.get(clave) if clave else None

    def municipio(self, value: object) -> int | None:
        raw = str(value).strip()
        if re.fullmatch(r"\d+(\.0)?", raw):
            number = int(float(raw))
            # "53" or "053" is the municipal part of the INEGI key 16053 (state 16 × 1000 + 53).
            estados = sorted({clave // 1000 for clave in self.municipios})
            for clave in (number, *(estado * 1000 + number for estado in estados)):
                if clave in self.municipios:
                    return clave
            return None
        return self.municipio_alias.get(fold(raw))


class SinProcesoActivoError(RuntimeError):
    pass


async def load(conn: asyncpg.Connection | asyncpg.Pool, entidad: str) -> Catalogo:
    proceso = await active_proceso(conn)
    row = await conn.fetchrow(sql.PROCESO_SQL)
    if proceso is None or row is None:
        raise SinProcesoActivoError("No hay un proceso electoral activo.")
    catalogo = Catalogo(
        proceso_id=proceso.id,
        # Ages are counted on election day; without one configured, today is the conservative choice.
        jornada=row["jornada_electoral"] or date.today(),
        edades_minimas=proceso.configuracion.edades_minimas,
        entidad=entidad,
    )
    for r in await conn.fetch(sql.CARGOS_SQL):
        cargo = Cargo(r["clave"], r["nombre"], r["ambito"])
        catalogo.cargos[cargo.clave] = cargo
        for alias in (cargo.clave, cargo.clave.replace("_", " "), cargo.nombre):
            catalogo.cargo_alias[fold(alias)] = cargo.clave
    for alias, clave in CARGO_ALIASES.items():
        catalogo.cargo_alias.setdefault(alias, clave)
    for r in await conn.fetch(sql.MUNICIPIOS_SQL):
        catalogo.municipios[r["clave"]] = (r["nombre"], r["elige_ayuntamiento"])
        catalogo.municipio_alias[fold(r["nombre"])] = r["clave"]
    catalogo.distritos = {r["numero"] for r in await conn.fetch(sql.DISTRITOS_SQL)}
    for r in await conn.fetch(sql.POSTULANTES_SQL):
        postulante = Postulante(r["id"], r["siglas"], r["nombre"], r["tipo"])
        catalogo.postulantes[fold(postulante.siglas)] = postulante
        catalogo.postulantes.setdefault(fold(postulante.nombre), postulante)
        catalogo.siglas_usadas.add(postulante.siglas.upper())
        if postulante.tipo == "partido":
            catalogo.partidos[postulante.siglas.upper()] = postulante.id
    catalogo.curps_registradas = {r["curp"] for r in await conn.fetch(sql.REGISTERED_CURPS_SQL, proceso.id)}
    catalogo.correos_registrados = {r["correo"] for r in await conn.fetch(sql.REGISTERED_EMAILS_SQL, proceso.id)}
    catalogo.posiciones_registradas = {
        tuple(r.values()) for r in await conn.fetch(sql.REGISTERED_POSITIONS_SQL, proceso.id)
    }
    return catalogo
