"""Demo data for `make run` and the tests: a process, a few candidacies and one account per role.

Idempotent: every start updates the same rows. Never loaded in production.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg

from services.auth.passwords import hash_password
from services.common import contracts, curp
from services.common.instituto import Instituto

from . import demo_carga

PROCESO_CLAVE = "PELO-2023-2024"
PROCESO_SQL = """
INSERT INTO registro.procesos (clave, nombre, entidad, captura_inicio, captura_fin, publicacion_inicio,
                               jornada_electoral, configuracion, acuerdo_publicacion_numero,
                               acuerdo_publicacion_fecha)
VALUES ($1, 'Proceso Electoral Local Ordinario 2023-2024', $2, now() - interval '30 days',
        now() + interval '60 days', now() - interval '1 day', DATE '2024-06-02',
        '{"rondas_correccion": 2, "validacion_partido": false}', 'CG-DEMO-001/2024 (ficticio)', DATE '2024-03-01')
-- A publication date is set by an acuerdo (the settings screen requires both); a database made before the
-- demo cited one gets the fictitious acuerdo, one a coordinador edited keeps theirs.
ON CONFLICT (clave) DO UPDATE SET activo = true,
    acuerdo_publicacion_numero = coalesce(registro.procesos.acuerdo_publicacion_numero,
                                          EXCLUDED.acuerdo_publicacion_numero),
    acuerdo_publicacion_fecha = coalesce(registro.procesos.acuerdo_publicacion_fecha,
                                         EXCLUDED.acuerdo_publicacion_fecha)
RETURNING id
"""

POSTULANTE_SQL = "SELECT id FROM registro.postulantes WHERE siglas = $1"

CANDIDATURA_SQL = """
INSERT INTO registro.candidaturas (proceso_id, cargo, distrito, municipio, postulante_id, numero, tipo, nombre,
    primer_apellido, segundo_apellido, sexo, fecha_nacimiento, curp, correo)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT (proceso_id, cargo, distrito, municipio, circunscripcion, postulante_id, numero, tipo)
    WHERE estatus = 'registrada'
DO UPDATE SET
    -- Databases made before the demo CURPs passed their check digit get the valid ones; a substitute keeps theirs.
    curp = CASE WHEN registro.candidaturas.sustituye_a IS NULL THEN EXCLUDED.curp
                ELSE registro.candidaturas.curp END,
    correo = CASE WHEN registro.candidaturas.sustituye_a IS NULL THEN EXCLUDED.correo
                  ELSE registro.candidaturas.correo END
RETURNING id
"""
PAIR_SQL = "UPDATE registro.candidaturas SET pareja_id = $2 WHERE id = $1 AND pareja_id IS DISTINCT FROM $2"

USER_SQL = """
INSERT INTO auth.users (username, email, password_hash, role, postulante_id, candidatura_id, nombre, is_demo)
VALUES ($1, $2, $3, $4, $5, $6, $7, true)
ON CONFLICT (username) DO UPDATE SET
    password_hash = EXCLUDED.password_hash, role = EXCLUDED.role, postulante_id = EXCLUDED.postulante_id,
    candidatura_id = EXCLUDED.candidatura_id, nombre = EXCLUDED.nombre, active = true,
    must_change_password = false, is_demo = true, updated_at = now()
RETURNING (xmax = 0) AS creada
"""

Persona = tuple[str, str, str, str, date, str]


def _persona(nombre: str, apellido1: str, apellido2: str, sexo: str, nacimiento: date) -> Persona:
    """The CURP made from the person's data, so it passes the checks the registry applies (born in the demo state)."""
    clave = curp.generar(nombre, apellido1, apellido2, sexo, nacimiento)
    return (nombre, apellido1, apellido2, sexo, nacimiento, clave)


# (cargo, distrito, municipio, siglas, número, [(nombre, apellido1, apellido2, sexo, nacimiento, curp)] × 2)
FORMULAS = (
    (
        "DIP_MR",
        10,
        None,
        "PAN",
        1,
        (
            _persona("Lucía", "Hernández", "Zavala", "mujer", date(1985, 3, 14)),
            _persona("Rosa María", "Tapia", "Ochoa", "mujer", date(1990, 7, 2)),
        ),
    ),
    (
        "DIP_MR",
        10,
        None,
        "MORENA",
        1,
        (
            _persona("Jorge", "Villaseñor", "Pérez", "hombre", date(1978, 11, 30)),
            _persona("Martín", "Gaona", "Rivera", "hombre", date(1982, 1, 9)),
        ),
    ),
    (
        "PRES_MUN",
        None,
        16053,
        "PAN",
        1,
        (
            _persona("Alejandra", "Ruiz", "Cortés", "mujer", date(1976, 5, 21)),
            _persona("Patricia", "Medina", "López", "mujer", date(1988, 9, 12)),
        ),
    ),
    (
        "PRES_MUN",
        None,
        16102,
        "PRI",
        1,
        (
            _persona("Ernesto", "Ayala", "Campos", "hombre", date(1970, 2, 17)),
            _persona("Iván", "Soto", "Magaña", "hombre", date(1993, 12, 5)),
        ),
    ),
    (
        "DIP_RP",
        None,
        None,
        "MC",
        1,
        (
            _persona("Citlali", "Tzintzun", "Morales", "mujer", date(1995, 4, 28)),
            _persona("Dalia", "Cuiriz", "Ramos", "mujer", date(1997, 8, 19)),
        ),
    ),
)

DEMO_USERNAMES = (
    "demo-admin",
    "demo-coordinacion",
    "demo-validador",
    "demo-transparencia",
    "demo-igualdad",
    "demo-representante",
    "demo-candidata",
)


class DemoInProductionError(RuntimeError):
    pass


def posiciones() -> frozenset[tuple[str, int | None, int | None, str, int]]:
    """The positions the demo accounts' candidacies hold: the published process leaves them to these."""
    return frozenset(
        (cargo, distrito, municipio, siglas, numero) for cargo, distrito, municipio, siglas, numero, _ in FORMULAS
    )


async def load(
    conn: asyncpg.Connection,
    password: str,
    env: str,
    entidad: str = "",
    tamano: str | None = None,
    media_dir: Path | None = None,
) -> dict[str, object]:
    """The accounts and their candidacies; with ``tamano`` (demo_publicado.TAMANOS) also a published process,
    whose photos go to ``media_dir`` (the folder every process shares)."""
    if env == "production":
        raise DemoInProductionError("Los datos y cuentas de demostración nunca se cargan en producción.")
    password_hash = hash_password(password)
    async with conn.transaction():
        # The demo process is the configured institute's (CONOCELES_INSTITUTO_ENTIDAD).
        proceso = await conn.fetchval(PROCESO_SQL, PROCESO_CLAVE, entidad or Instituto().entidad)
        first: dict[str, int] = {}
        for cargo, distrito, municipio, siglas, numero, personas in FORMULAS:
            postulante = await conn.fetchval(POSTULANTE_SQL, siglas)
            ids = []
            for tipo, (nombre, ap1, ap2, sexo, nacimiento, clave) in zip(
                ("propietaria", "suplente"), personas, strict=True
            ):
                ids.append(
                    await conn.fetchval(
                        CANDIDATURA_SQL,
                        proceso,
                        cargo,
                        distrito,
                        municipio,
                        postulante,
                        numero,
                        tipo,
                        nombre,
                        ap1,
                        ap2,
                        sexo,
                        nacimiento,
                        clave,
                        f"{clave.lower()}@correo.invalid",
                    )
                )
            await conn.execute(PAIR_SQL, ids[0], ids[1])
            await conn.execute(PAIR_SQL, ids[1], ids[0])
            first.setdefault(siglas, ids[0])
        pan = await conn.fetchval(POSTULANTE_SQL, "PAN")
        accounts = (
            ("demo-admin", "admin", None, None, "Administración (demo)"),
            ("demo-coordinacion", "coordinacion", None, None, "Coordinación de Prerrogativas (demo)"),
            ("demo-validador", "validador", None, None, "Validación (demo)"),
            ("demo-transparencia", "transparencia", None, None, "Unidad de Transparencia (demo)"),
            ("demo-igualdad", "igualdad", None, None, "Coordinación de Igualdad de Género (demo)"),
            ("demo-representante", "representante", pan, None, "Representación del PAN (demo)"),
            ("demo-candidata", "candidatura", None, first["PAN"], "Lucía Hernández Zavala (demo)"),
        )
        for username, role, postulante_id, candidatura_id, nombre in accounts:
            creada = await conn.fetchval(
                USER_SQL,
                username,
                f"{username}@demo.invalid",
                password_hash,
                role,
                postulante_id,
                candidatura_id,
                nombre,
            )
            if creada and candidatura_id is not None:  # the progress report counts the account as delivered
                await contracts.send(
                    conn,
                    contracts.RecordHecho(
                        candidatura_id=candidatura_id,
                        hecho="cuenta_entregada",
                        at=datetime.now(UTC),
                        job_key=f"cuenta:{candidatura_id}",
                    ),
                )
    publicadas = (
        await demo_carga.load(conn, proceso, tamano, media_dir, posiciones(), password_hash) if tamano else None
    )
    return {
        "proceso": proceso,
        "candidaturas": len(FORMULAS) * 2,
        "cuentas": len(accounts),
        "candidata": first["PAN"],
        "publicadas": publicadas,
    }
