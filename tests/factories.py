"""Rows made for one test, so tests do not depend on each other or on the order they run in."""

from __future__ import annotations

import itertools
import random
import string
from dataclasses import dataclass
from datetime import date

import asyncpg

from services.auth.passwords import hash_password

from .helpers import DEMO_PASSWORD

_counter = itertools.count(1)
_HASH = hash_password(DEMO_PASSWORD)


@dataclass(frozen=True)
class Candidata:
    candidatura_id: int
    username: str
    nombre: str


def _curp() -> str:
    # Unique per test run; the registry does not check the CURP's check digit yet.
    return "".join(random.choices(string.ascii_uppercase + string.digits, k=18))


async def candidata(
    db: asyncpg.Pool, siglas: str = "PAN", cargo: str = "PRES_MUN", municipio: int = 16053
) -> Candidata:
    n = next(_counter)
    nombre = f"Prueba{n}"
    async with db.acquire() as conn, conn.transaction():
        proceso = await conn.fetchval("SELECT id FROM registro.procesos WHERE activo ORDER BY id LIMIT 1")
        postulante = await conn.fetchval("SELECT id FROM registro.postulantes WHERE siglas = $1", siglas)
        candidatura_id = await conn.fetchval(
            """INSERT INTO registro.candidaturas (proceso_id, cargo, municipio, postulante_id, numero, tipo, nombre,
                   primer_apellido, segundo_apellido, sexo, fecha_nacimiento, curp)
               VALUES ($1, $2, $3, $4, $5, 'propietaria', $6, 'Ramírez', 'Núñez', 'mujer', $7, $8) RETURNING id""",
            proceso,
            cargo,
            municipio,
            postulante,
            100 + n,
            nombre,
            date(1980, 1, 1),
            _curp(),
        )
        username = f"prueba-{n}-{random.randint(1000, 9999)}"
        await conn.execute(
            """INSERT INTO auth.users (username, password_hash, role, candidatura_id, nombre)
               VALUES ($1, $2, 'candidatura', $3, $4)""",
            username,
            _HASH,
            candidatura_id,
            nombre,
        )
    return Candidata(candidatura_id, username, f"{nombre} Ramírez Núñez")
