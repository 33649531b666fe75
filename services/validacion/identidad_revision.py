"""What the review page shows of a submitted cuestionario de identidad: questions and answers as text."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.common import identidad
from services.common.contracts import Version


async def contexto(conn: asyncpg.Connection | asyncpg.Pool, review: Any) -> dict[str, Any]:
    """``identidad`` (dimensions with their answers) and ``identidad_consentimientos`` for the template; empty
    for any other questionnaire."""
    if review["cuestionario"] != identidad.IDENTIDAD:
        return {"identidad": [], "identidad_consentimientos": {}}
    version = Version.from_stored(review["datos"])
    cuestionario = await identidad.for_candidatura(conn, review["candidatura_id"])
    return {
        "identidad": identidad.describe(cuestionario, version.respuestas) if cuestionario else [],
        "identidad_consentimientos": version.consentimientos.model_dump() if version.consentimientos else {},
    }
