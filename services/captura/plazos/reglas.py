"""Who a questionnaire waits on, since when, and whether it is late: the rule of the deadlines dashboard.

No I/O: the views read the rows and the process, this decides. A questionnaire waits on

- the candidacy while it is ``pendiente``, ``en_captura``, ``con_observaciones`` or ``en_correccion``: it is
  late once its capture window (prórroga included) has closed;
- the party while it is ``revision_partido``, and the institute while it is ``enviado`` or while a correction
  request of a published questionnaire waits for its decision (``correccion_solicitada``, not a questionnaire
  state): late once it has waited there longer than the days the process sets
  (``Configuracion.dias_espera_partido`` / ``_instituto``).

How long it has waited counts from its last change of state (``captura.cuestionarios.updated_at``); a
questionnaire nobody opened yet has waited since the candidacy was registered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from services.common.plazos import Momento, Ventana
from services.common.plural import contar


class Grupo(StrEnum):
    CANDIDATURA = "candidatura"
    PARTIDO = "partido"
    INSTITUTO = "instituto"


GRUPO_LABELS = {
    Grupo.CANDIDATURA: "Esperan a la candidatura",
    Grupo.PARTIDO: "Esperan al partido",
    Grupo.INSTITUTO: "Esperan al Instituto",
}
# Not a state of the questionnaire (it stays publicado): a correction request waiting for the institute's decision.
CORRECCION_SOLICITADA = "correccion_solicitada"
ETIQUETA_CORRECCION_SOLICITADA = "Corrección solicitada"
QUIEN = {Grupo.CANDIDATURA: "La candidatura", Grupo.PARTIDO: "El partido", Grupo.INSTITUTO: "El Instituto"}
ESTADOS_POR_GRUPO: dict[Grupo, tuple[str, ...]] = {
    Grupo.CANDIDATURA: ("pendiente", "en_captura", "con_observaciones", "en_correccion"),
    Grupo.PARTIDO: ("revision_partido",),
    Grupo.INSTITUTO: ("enviado", CORRECCION_SOLICITADA),
}
GRUPO_DE_ESTADO = {estado: grupo for grupo, estados in ESTADOS_POR_GRUPO.items() for estado in estados}
ESTADOS_EN_ESPERA = tuple(GRUPO_DE_ESTADO)
# Whom a reminder can reach: the institute does not mail itself, its late items are on this screen.
GRUPOS_CON_RECORDATORIO = (Grupo.CANDIDATURA, Grupo.PARTIDO)


@dataclass(frozen=True)
class Espera:
    """How many days the party and the institute may take before an item counts as late."""

    dias_partido: int
    dias_instituto: int

    def dias(self, grupo: Grupo) -> int | None:
        if grupo is Grupo.PARTIDO:
            return self.dias_partido
        if grupo is Grupo.INSTITUTO:
            return self.dias_instituto
        return None


def grupo_de(estado: str) -> Grupo | None:
    """Whom a questionnaire in this state waits on; None when it waits on nobody (validado, publicado…)."""
    return GRUPO_DE_ESTADO.get(estado)


def atrasado(grupo: Grupo, desde: datetime, ventana: Ventana, now: datetime, espera: Espera) -> bool:
    if grupo is Grupo.CANDIDATURA:
        return ventana.momento(now) is Momento.CERRADA
    dias = espera.dias(grupo)
    return dias is not None and now - desde > timedelta(days=dias)


def tiempo_de_espera(desde: datetime, now: datetime) -> str:
    """«3 días», «5 horas», «menos de una hora»: how long an item has waited, as the dashboard says it."""
    waited = max(now - desde, timedelta(0))
    if waited.days:
        return contar(waited.days, "día", "días")
    hours = waited.seconds // 3600
    return contar(hours, "hora", "horas") if hours else "menos de una hora"


def boton_recordatorio(grupo: Grupo, n: int) -> str:
    """The reminder button's words, with how many candidacies it would mail."""
    if grupo is Grupo.PARTIDO:
        return f"Enviar recordatorio a los partidos de {contar(n, 'candidatura atrasada', 'candidaturas atrasadas')}"
    if n == 1:
        return "Enviar recordatorio a la candidatura atrasada"
    return f"Enviar recordatorio a las {n:,} candidaturas atrasadas"
