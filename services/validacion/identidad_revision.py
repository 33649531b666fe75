"""What the review page shows of a submitted cuestionario de identidad: questions and answers as text."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.common import identidad

CONSENTIMIENTOS_KEY = "_consentimientos"


async def contexto(conn: asyncpg.Connection | asyncpg.Pool, review: Any) -> dict[str, Any]:
    """``identidad`` (dimensions with their answers) and ``identidad_consentimientos`` for the template; empty
    for any other questionnaire."""
    if review["cuestionario"] != identidad.IDENTIDAD:
        return {"identidad": [], "identidad_consentimientos": {}}
    datos = review["datos"]
    cuestionario = await identidad.for_candidatura(conn, review["candidatura_id"])
    respuestas = {k: v for k, v in datos.items() if not k.startswith("_")}
    return {
        "identidad": identidad.describe(cuestionario, respuestas) if cuestionario else [],
        "identidad_consentimientos": datos.get(CONSENTIMIENTOS_KEY) or {},
    }
