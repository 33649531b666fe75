"""Rows made for one test, so tests do not depend on each other or on the order they run in."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import date

import asyncpg

from services.auth.passwords import hash_password
from services.common import curp

from .helpers import DEMO_PASSWORD

_counter = itertools.count(1)
_HASH = hash_password(DEMO_PASSWORD)


@dataclass(frozen=True)
class Candidata:
    candidatura_id: int
    username: str
    nombre: str


_curps: set[str] = set()
_rng = random.Random()


def _curp(nacimiento: date, sexo: str = "mujer") -> str:
    """Valid (check digit, sex and birth date as the row says) and unique in this test session."""
    while (value := curp.ficticia(sexo, nacimiento, _rng)) in _curps:
        pass
    _curps.add(value)
    return value


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
            _curp(date(1980, 1, 1)),
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


async def cuenta(db: asyncpg.Pool, role: str = "validador", must_change_password: bool = False, **scope: int) -> str:
    """A staff or candidate-side account with the test password; returns its username."""
    username = f"{role[:4]}-{next(_counter)}-{random.randint(1000, 9999)}"
    await db.execute(
        """INSERT INTO auth.users (username, password_hash, role, postulante_id, candidatura_id, nombre,
                                   must_change_password, email)
           VALUES ($1, $2, $3, $4, $5, $1, $6, $1 || '@correo.invalid')""",
        username,
        _HASH,
        role,
        scope.get("postulante_id"),
        scope.get("candidatura_id"),
        must_change_password,
    )
    return username


@dataclass(frozen=True)
class Formula:
    propietaria: int
    suplente: int
    nombres: tuple[str, str]


async def postulante(db: asyncpg.Pool, tipo: str = "independiente") -> tuple[int, str]:
    """A postulante of its own (no representative yet); returns its id and siglas."""
    n = next(_counter)
    siglas = f"IND-{n}{random.randint(1000, 9999)}"
    postulante_id: int = await db.fetchval(
        "INSERT INTO registro.postulantes (siglas, nombre, tipo) VALUES ($1, $2, $3) RETURNING id",
        siglas,
        f"Candidatura Independiente «Ñandú» {n}",
        tipo,
    )
    return postulante_id, siglas


async def formula_sin_cuentas(
    db: asyncpg.Pool, postulante_id: int, correo: str | None = None, cargo: str = "PRES_MUN", municipio: int = 16053
) -> Formula:
    """A propietaria and her suplente registered with no accounts, as the registry import leaves them."""
    n = next(_counter)
    personas = (("propietaria", f"Ñeli{n}", "Ávila", "Úrsulo"), ("suplente", f"Inés{n}", "Gómez", "Díaz"))
    async with db.acquire() as conn, conn.transaction():
        proceso = await conn.fetchval("SELECT id FROM registro.procesos WHERE activo ORDER BY id LIMIT 1")
        ids = [
            await conn.fetchval(
                """INSERT INTO registro.candidaturas (proceso_id, cargo, municipio, postulante_id, numero, tipo,
                       nombre, primer_apellido, segundo_apellido, sexo, fecha_nacimiento, curp, correo)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'mujer', $10, $11, $12) RETURNING id""",
                proceso,
                cargo,
                municipio,
                postulante_id,
                200 + n,
                tipo,
                nombre,
                apellido1,
                apellido2,
                date(1985, 6, 1),
                _curp(date(1985, 6, 1)),
                correo,
            )
            for tipo, nombre, apellido1, apellido2 in personas
        ]
        await conn.execute("UPDATE registro.candidaturas SET pareja_id = $2 WHERE id = $1", ids[0], ids[1])
        await conn.execute("UPDATE registro.candidaturas SET pareja_id = $2 WHERE id = $1", ids[1], ids[0])
    nombres = (" ".join(personas[0][1:]), " ".join(personas[1][1:]))
    return Formula(ids[0], ids[1], nombres)


async def candidata_independiente(db: asyncpg.Pool) -> Candidata:
    """A candidate with an account, postulated by an independent candidacy of its own (consent form required)."""
    _, siglas = await postulante(db, "independiente")
    return await candidata(db, siglas=siglas)
