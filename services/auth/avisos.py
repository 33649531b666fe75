"""The notice job (``contracts.Notify``): a notice about a candidacy's questionnaire (``services/common/avisos.py``)
becomes one mail (``contracts.SendMail``) per account that should read it.

Who receives it: every active account of the candidacy with an e-mail; for the institute's return and the
decision on a correction, also the representante(s) of its postulante, who capture for their candidacies and
asked for the correction as often as the candidates do. The party's own return is not mailed back to the
party, and the deadline reminder goes to the candidacy only (a representante sees every candidacy's progress
on its dashboard and would otherwise get one reminder per candidacy).

Each (key, account) is claimed in ``auth.avisos`` in the transaction that enqueues the mail, so a retried
notice sends nothing twice.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from services.common import contracts
from services.common.avisos import CURRICULAR, Aviso, Tipo
from services.common.cuestionarios import FORMAS
from services.common.settings import CommonSettings

PARA_REPRESENTANTES = frozenset(
    {Tipo.OBSERVACIONES, Tipo.CORRECCION_APROBADA, Tipo.CORRECCION_RECHAZADA, Tipo.ATRASO_PARTIDO}
)
# What only the party can act on: its candidacy's accounts are not mailed.
SOLO_REPRESENTANTES = frozenset({Tipo.ATRASO_PARTIDO})

RECIPIENTS_SQL = """
SELECT u.id, u.email, u.nombre, u.username
FROM auth.users u
WHERE u.active AND coalesce(u.email, '') <> ''
  AND (($3 AND u.candidatura_id = $1)
       OR ($2 AND u.role = 'representante'
           AND u.postulante_id = (SELECT postulante_id FROM registro.candidaturas WHERE id = $1)))
ORDER BY u.id
"""
CANDIDATURA_SQL = """
SELECT c.nombre, c.primer_apellido, c.segundo_apellido, c.estatus, g.nombre AS cargo_nombre,
       p.nombre AS postulante_nombre
FROM registro.candidaturas c
JOIN registro.cargos g ON g.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
WHERE c.id = $1
"""
CLAIM_SQL = """
INSERT INTO auth.avisos (clave, user_id, tipo, candidatura_id) VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING
RETURNING user_id
"""

CUESTIONARIOS = {c.value: f.nombre for c, f in FORMAS.items()}
SUBJECTS = {
    Tipo.OBSERVACIONES: "Conóceles: el Instituto hizo observaciones a tu cuestionario",
    Tipo.OBSERVACIONES_PARTIDO: "Conóceles: tu partido devolvió tu cuestionario con comentarios",
    Tipo.CORRECCION_APROBADA: "Conóceles: el Instituto aprobó tu solicitud de corrección",
    Tipo.CORRECCION_RECHAZADA: "Conóceles: el Instituto no aprobó tu solicitud de corrección",
    Tipo.PLAZO: "Conóceles: la captura cierra en menos de {horas} horas",
    Tipo.ATRASO: "Conóceles: la captura cerró y falta tu envío",
    Tipo.ATRASO_PARTIDO: "Conóceles: un cuestionario espera la revisión de tu partido",
}
INTROS = {
    Tipo.OBSERVACIONES: (
        "El Instituto revisó el {cuestionario} de {candidatura} y lo devolvió con observaciones.\n"
        "Abre cada rubro para leer la observación y corregirlo:"
    ),
    Tipo.OBSERVACIONES_PARTIDO: (
        "La representación de {postulante} revisó el {cuestionario} de {candidatura} antes de enviarlo al "
        "Instituto y lo devolvió con comentarios.\nAbre cada rubro para leer el comentario y corregirlo:"
    ),
    Tipo.CORRECCION_APROBADA: (
        "El Instituto aprobó la solicitud de corrección del {cuestionario} de {candidatura}.\n"
        "Ya puedes modificar estos rubros:"
    ),
    Tipo.CORRECCION_RECHAZADA: (
        "El Instituto no aprobó la solicitud de corrección del {cuestionario} de {candidatura}; la información "
        "publicada sigue igual.\nPuedes consultar la solicitud aquí:"
    ),
    Tipo.PLAZO: (
        "La captura de información cierra en menos de {horas} horas y {candidatura} todavía no ha enviado a validación:"
    ),
    Tipo.ATRASO: "La captura de información cerró y {candidatura} no envió a validación:",
    Tipo.ATRASO_PARTIDO: (
        "El {cuestionario} de {candidatura} espera la revisión de la representación de {postulante} desde hace "
        "más días de los previstos por el Instituto:"
    ),
}
CLOSINGS = {
    Tipo.OBSERVACIONES: "Cuando termines, vuelve a enviar el cuestionario a validación.",
    Tipo.OBSERVACIONES_PARTIDO: "Cuando termines, vuelve a enviar el cuestionario.",
    Tipo.CORRECCION_APROBADA: (
        "Mientras tanto, el sitio público sigue mostrando la versión publicada. Cuando termines, envía el "
        "cuestionario a validación."
    ),
    Tipo.CORRECCION_RECHAZADA: "",
    Tipo.PLAZO: "Después del cierre ya no se podrá guardar ni enviar información.",
    Tipo.ATRASO: "Si necesitas más tiempo, pide una prórroga al Instituto: sin ella ya no se puede guardar ni enviar.",
    Tipo.ATRASO_PARTIDO: "Apruébalo o devuélvelo con comentarios para que siga su curso.",
}
FOOTER = "Este correo se envió automáticamente; no lo respondas."


def render(aviso: Aviso, *, destinatario: str, candidatura: str, postulante: str, public_url: str) -> tuple[str, str]:
    """Subject and plain-text body of a notice, in Spanish, with absolute links. No I/O."""
    values = {
        "cuestionario": CUESTIONARIOS.get(aviso.cuestionario or CURRICULAR, "cuestionario"),
        "candidatura": candidatura,
        "postulante": postulante,
        "horas": aviso.horas or 0,
    }
    base = public_url.rstrip("/")
    lines = [f"- {e.titulo}: {base}{e.ruta}" for e in aviso.enlaces]
    parts = [f"Hola, {destinatario}:", INTROS[aviso.tipo].format(**values), "\n".join(lines)]
    if CLOSINGS[aviso.tipo]:
        parts.append(CLOSINGS[aviso.tipo])
    parts.append(FOOTER)
    return SUBJECTS[aviso.tipo].format(**values), "\n\n".join(p for p in parts if p) + "\n"


def _nombre(row: asyncpg.Record) -> str:
    person = " ".join(p for p in (row["nombre"], row["primer_apellido"], row["segundo_apellido"]) if p)
    return f"{person} ({row['cargo_nombre']})"


async def notify(ctx: dict[str, Any], aviso: Aviso) -> int:
    """Enqueue the mail of one notice to each account that should read it; returns how many were enqueued."""
    settings: CommonSettings = ctx["settings"]
    enqueued = 0
    async with ctx["db_pool"].acquire() as conn, conn.transaction():
        candidatura = await conn.fetchrow(CANDIDATURA_SQL, aviso.candidatura_id)
        if candidatura is None or candidatura["estatus"] != "registrada":
            return 0  # cancelled or substituted meanwhile: its accounts no longer work
        recipients = await conn.fetch(
            RECIPIENTS_SQL,
            aviso.candidatura_id,
            aviso.tipo in PARA_REPRESENTANTES,
            aviso.tipo not in SOLO_REPRESENTANTES,
        )
        for user in recipients:
            if await conn.fetchval(CLAIM_SQL, aviso.clave, user["id"], aviso.tipo.value, aviso.candidatura_id) is None:
                continue  # already mailed to this account
            subject, body = render(
                aviso,
                destinatario=user["nombre"] or user["username"],
                candidatura=_nombre(candidatura),
                postulante=candidatura["postulante_nombre"],
                public_url=settings.public_url,
            )
            await contracts.send(conn, contracts.SendMail(to=user["email"], subject=subject, body=body))
            enqueued += 1
    return enqueued
