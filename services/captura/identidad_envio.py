"""What the identity questionnaire adds to the shared submit (services/captura/envios.py): its completeness
rule and the consents that travel with the submitted version (``contracts.Version.consentimientos``)."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.common import identidad
from services.common.contracts import Version

from . import autorizaciones
from .identidad import missing_messages

SIN_CONJUNTO = "El cuestionario de identidad aún no está configurado para este proceso electoral."
SIN_TRATAMIENTO = (
    "Otorga el consentimiento para el tratamiento de tus datos personales (aviso de privacidad) en la página "
    "Consentimiento."
)


async def requisitos(conn: asyncpg.Connection | asyncpg.Pool, candidatura_id: int, datos: dict[str, Any]) -> list[str]:
    """Every applicable question answered ("Prefiero no contestar" is an answer), and consent 1 given: the
    answers are sensitive personal data, processed only with express consent."""
    cuestionario = await identidad.for_candidatura(conn, candidatura_id)
    if cuestionario is None:
        return [SIN_CONJUNTO]
    missing = missing_messages(cuestionario, datos)
    estados = await autorizaciones.actuales(conn, candidatura_id)
    if not estados[autorizaciones.TRATAMIENTO].otorgado:
        missing.append(SIN_TRATAMIENTO)
    return missing


async def con_consentimientos(conn: asyncpg.Connection, candidatura_id: int, version: Version) -> Version:
    """publico may not read captura's schema, so what the person authorized at submit travels with the version
    (later changes follow as ``contracts.IdentidadVisible``)."""
    return version.model_copy(update={"consentimientos": await autorizaciones.snapshot(conn, candidatura_id)})
