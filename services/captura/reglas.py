"""The rule book of captura: what a candidacy may change now, decided in one place and without I/O.

Every write path asks here: a rubro, a dimension of the identity questionnaire, the photo, a submit
(:func:`can_edit`), the signed consent form, the consents, a correction request and the party's decisions
(:func:`can_do`). The facts come from :mod:`services.captura.hechos`; the answer is allowed, or refused with the
reason in Spanish, ready to show to the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.common.plazos import Ventana, motivo_cerrada

from .domain import EDITABLE_STATES, LOCKED_DEFAULT, LOCKED_REASONS

REVISION_PARTIDO = "revision_partido"
EN_CORRECCION = "en_correccion"
# The photo belongs to rubro 1 (Datos generales y contacto público): a correction of that rubro opens it.
FOTO_RUBRO = "contacto"

# Why a questionnaire in each locked state may not change: the words the person reads next to its disabled form.
YA_ENVIADO = LOCKED_REASONS["enviado"]
ESPERA_PARTIDO = LOCKED_REASONS[REVISION_PARTIDO]
YA_VALIDADO = LOCKED_REASONS["validado"]
SOLO_CORREGIBLES = "Solo puedes modificar los rubros cuya corrección aprobó el Instituto."
SOLO_RETIRAR = " Puedes retirar tus autorizaciones en cualquier momento, pero no otorgar nuevas."
DEVOLVER_CERRADA = (
    " Si la devuelves, la candidatura no podrá corregirla: apruébala o pide al Instituto una prórroga para ella."
)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""


PERMITIDO = Decision(True)


def _refused(reason: str) -> Decision:
    return Decision(False, reason)


@dataclass(frozen=True)
class Situacion:
    """What the rule book needs to know about one questionnaire of one candidacy."""

    ventana: Ventana
    estado: str = "pendiente"
    # The rubros of the approved correction, while the questionnaire is en_correccion.
    corregibles: frozenset[str] = frozenset()


def can_edit(situacion: Situacion, now: datetime, rubro: str | None = None) -> Decision:
    """May the candidacy save this rubro (or dimension; None: the questionnaire as a whole, i.e. submit it)?"""
    if reason := motivo_cerrada(situacion.ventana, now):
        return _refused(reason)
    estado = situacion.estado
    if estado not in EDITABLE_STATES:
        return _refused(LOCKED_REASONS.get(estado, LOCKED_DEFAULT))
    if estado == EN_CORRECCION and rubro is not None and rubro not in situacion.corregibles:
        return _refused(SOLO_CORREGIBLES)
    return PERMITIDO


class Accion(StrEnum):
    """The writes of a candidacy that are not answers: they follow the capture window only."""

    DOCUMENTO = "documento"  # the signed consent form
    OTORGAR = "otorgar_consentimiento"
    REVOCAR = "revocar_consentimiento"
    CORRECCION = "solicitar_correccion"
    PARTIDO_APROBAR = "partido_aprobar"
    PARTIDO_DEVOLVER = "partido_devolver"


def can_do(ventana: Ventana, now: datetime, accion: Accion) -> Decision:
    # Withdrawing a consent is a right at any time (and the consent page promises it), so it never waits for
    # the window; nor does the party's approval of a version the candidacy submitted in time, which would
    # otherwise be stranded at the close.
    if accion in (Accion.REVOCAR, Accion.PARTIDO_APROBAR):
        return PERMITIDO
    reason = motivo_cerrada(ventana, now)
    if reason is None:
        return PERMITIDO
    if accion is Accion.OTORGAR:
        reason += SOLO_RETIRAR
    elif accion is Accion.PARTIDO_DEVOLVER:
        reason += DEVOLVER_CERRADA
    return _refused(reason)
