"""What the inclusion statistics (reportes, report 4) may use of a candidacy, sent in captura's own transactions.

reportes may not read captura's schema, so captura sends it ``contracts.RecordIdentidad``: the derived groups of
the approved identity questionnaire (never the answers themselves, nor a sub-identity) when validacion approves or
publico publishes it, and whether consent 3 (use in statistics) is in force on every consent change, a written
revocation included. Each message carries ``seq`` (the id of the last consent change) so reportes keeps the newest.
"""

from __future__ import annotations

import asyncpg

from services.common import contracts, identidad
from services.common.contracts import Version

from . import autorizaciones

ENVIO_SQL = """
SELECT datos FROM captura.envios WHERE candidatura_id = $1 AND cuestionario = 'identidad' AND numero = $2
"""


async def send_approved(conn: asyncpg.Connection, candidatura_id: int, numero: int) -> bool:
    """The groups of approved version ``numero`` and the consents in force; in the caller's transaction."""
    datos = await conn.fetchval(ENVIO_SQL, candidatura_id, numero)
    if datos is None:
        return False
    cuestionario = await identidad.for_candidatura(conn, candidatura_id)
    respuestas = Version.from_stored(datos).respuestas
    grupos = identidad.grupos(cuestionario, respuestas) if cuestionario else []
    await conn.execute(autorizaciones.LOCK_SQL, candidatura_id)
    consentimientos = await autorizaciones.snapshot(conn, candidatura_id)
    await contracts.send(
        conn,
        contracts.RecordIdentidad(
            candidatura_id=candidatura_id,
            estadistica=consentimientos.estadistica,
            seq=consentimientos.seq,
            grupos=grupos,
            numero=numero,
        ),
    )
    return True
