"""The capture window of one candidacy: the process's dates plus the prórrogas staff granted it (docs/design.md §4).

``registro.prorrogas`` is written only by validacion (coordinación grants them by acuerdo, per candidatura or
per postulante) and read by captura, which refuses every write outside the window. The window arithmetic and
the one place that writes a deadline as people read it live here, without I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import asyncpg

from . import tiempo
from .plural import contar

# The process's dates and the latest end among the live prórrogas of the candidacy or of its postulante.
VENTANA_SQL = """
SELECT r.captura_inicio, r.captura_fin, r.zona_horaria,
       (SELECT max(p.fin) FROM registro.prorrogas p
         WHERE p.proceso_id = c.proceso_id AND p.revocada_at IS NULL
           AND (p.candidatura_id = c.id OR p.postulante_id = c.postulante_id)) AS prorroga_fin
FROM registro.candidaturas c
JOIN registro.procesos r ON r.id = c.proceso_id
WHERE c.id = $1
"""


class Momento(StrEnum):
    ANTES = "antes"
    ABIERTA = "abierta"
    CERRADA = "cerrada"


@dataclass(frozen=True)
class Ventana:
    inicio: datetime | None
    fin: datetime | None
    # A prórroga only ever moves the close later: an end before the process's close changes nothing.
    prorroga: datetime | None = None
    # The process's time zone: every deadline is written in it.
    zona: str = tiempo.DEFAULT_ZONA

    @property
    def cierre(self) -> datetime | None:
        """The close that applies to this candidacy (None: the process set no close)."""
        if self.fin is None:
            return None
        if self.prorroga is not None and self.prorroga > self.fin:
            return self.prorroga
        return self.fin

    @property
    def con_prorroga(self) -> bool:
        return self.cierre is not None and self.cierre != self.fin

    def momento(self, now: datetime) -> Momento:
        if self.inicio is not None and now < self.inicio:
            return Momento.ANTES
        cierre = self.cierre
        if cierre is not None and now > cierre:
            return Momento.CERRADA
        return Momento.ABIERTA

    def abierta(self, now: datetime) -> bool:
        return self.momento(now) is Momento.ABIERTA


SIN_VENTANA = Ventana(None, None)


def fecha_hora(value: datetime, zona: str) -> str:
    """A deadline as people read it, in the process's time zone and naming it (the reader's clock may differ).
    Every deadline the system shows goes through here."""
    return tiempo.format_fecha_hora_zona(value, zona)


def motivo_cerrada(ventana: Ventana, now: datetime) -> str | None:
    """Why a candidacy may not write now (Spanish), or None while its window is open."""
    momento = ventana.momento(now)
    if momento is Momento.ANTES and ventana.inicio is not None:
        return f"La captura todavía no empieza: abre el {fecha_hora(ventana.inicio, ventana.zona)}."
    if momento is Momento.CERRADA and ventana.cierre is not None:
        if ventana.con_prorroga:
            return (
                f"La prórroga de captura de esta candidatura terminó el {fecha_hora(ventana.cierre, ventana.zona)}: "
                "ya no puede modificarse ni enviarse la información."
            )
        return (
            f"La captura cerró el {fecha_hora(ventana.cierre, ventana.zona)}: ya no puede modificarse ni enviarse la "
            "información. Si necesitas más tiempo, pide una prórroga al Instituto."
        )
    return None


def deadline_text(ventana: Ventana | None, now: datetime) -> str | None:
    """The capture deadline with the time left, as the dashboard says it."""
    if ventana is None:
        return None
    if ventana.momento(now) is Momento.ANTES and ventana.inicio is not None:
        return f"La captura abre el {fecha_hora(ventana.inicio, ventana.zona)}."
    fin = ventana.cierre
    if fin is None:
        return None
    prorroga = " (con prórroga)" if ventana.con_prorroga else ""
    if now > fin:
        return f"La captura cerró el {fecha_hora(fin, ventana.zona)}{prorroga}."
    left = fin - now
    days, hours = left.days, left.seconds // 3600
    minutes = (left.seconds % 3600) // 60
    parts = [contar(days, "día", "días")] if days else []
    parts.append(contar(hours, "hora", "horas") if days or hours else contar(minutes, "minuto", "minutos"))
    queda = "queda" if (days or hours or minutes) == 1 and len(parts) == 1 else "quedan"
    return f"La captura cierra el {fecha_hora(fin, ventana.zona)}{prorroga}; {queda} {' y '.join(parts)}."


async def ventana_de(conn: asyncpg.Connection | asyncpg.Pool, candidatura_id: int) -> Ventana:
    row = await conn.fetchrow(VENTANA_SQL, candidatura_id)
    if row is None:
        return SIN_VENTANA
    return Ventana(row["captura_inicio"], row["captura_fin"], row["prorroga_fin"], row["zona_horaria"])
