"""Report 3, *informe mensual de la implementación y operación*: from the month's events to its figures. No I/O.

The month is the local calendar month of the process: from the first instant of its first day to the first
instant of the next month's, in the process zone (:func:`limites`). What it counts:

- *actividad*: the state changes recorded in the month (submissions, observations, validations, publications,
  corrections), the answers saved (captura's audit rows of each save) and the substitutions registered;
- *oportunidad*: the median time from a submission to its review (validated or returned with observations),
  over the reviews made in the month; and the questionnaires waiting for review at the month's close for longer
  than :data:`PLAZO_REVISION`;
- *uso del sitio público*: pages and open-data files served per day (``reportes.visitas``).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .avance import Evento

_MES = re.compile(r"^(\d{4})-(\d{2})$")  # what <input type="month"> sends
PLAZO_REVISION = timedelta(days=3)  # a submission waiting longer than this at the month's close is overdue
REVISADO = frozenset({"validado", "con_observaciones"})
CUESTIONARIOS = ("curricular", "identidad")
# (state recorded in the history, row label) in the order the page shows them.
ESTADOS_ACTIVIDAD: tuple[tuple[str, str], ...] = (
    ("enviado", "Envíos a validación"),
    ("con_observaciones", "Devoluciones con observaciones"),
    ("validado", "Validaciones"),
    ("publicado", "Publicaciones"),
    ("en_correccion", "Correcciones abiertas"),
)
MESES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
         "noviembre", "diciembre")  # fmt: skip
INCIDENCIAS_MAX = 20_000


class MesError(ValueError):
    """A month the report cannot be produced for; the message is for the person who asked."""


def leer_mes(texto: str) -> date:
    """``YYYY-MM`` as the first day of that month, or :class:`MesError`."""
    m = _MES.match(texto.strip())
    if m is None or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        raise MesError("Escribe el mes como año y mes (por ejemplo 2024-04).")
    return date(int(m.group(1)), int(m.group(2)), 1)


def siguiente(mes: date) -> date:
    return date(mes.year + mes.month // 12, mes.month % 12 + 1, 1)


def ultimo_dia(mes: date) -> date:
    return siguiente(mes) - timedelta(days=1)


def nombre(mes: date) -> str:
    return f"{MESES[mes.month - 1]} de {mes.year}"


def limites(mes: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The month's first instant and the first instant of the next, in the process zone."""
    return datetime.combine(mes, time(0), tzinfo=tz), datetime.combine(siguiente(mes), time(0), tzinfo=tz)


def validar_mes(mes: date, hoy: date, inicio: date | None) -> None:
    if mes > hoy.replace(day=1):
        raise MesError(f"El mes de {nombre(mes)} aún no empieza: el informe solo cuenta lo ocurrido.")
    if inicio is not None and mes < inicio.replace(day=1):
        raise MesError(
            f"El mes de {nombre(mes)} es anterior al inicio del proceso ({inicio:%d/%m/%Y}): no hay nada que informar."
        )


@dataclass(frozen=True)
class Revision:
    candidatura_id: int
    cuestionario: str
    enviado_at: datetime
    revisado_at: datetime

    @property
    def espera(self) -> timedelta:
        return self.revisado_at - self.enviado_at


@dataclass(frozen=True)
class Actividad:
    """Each row: (label, curricular, identidad, total); the facts without a questionnaire have only a total."""

    filas: tuple[tuple[str, int | None, int | None, int], ...]

    def total(self, etiqueta: str) -> int:
        return next(f[3] for f in self.filas if f[0] == etiqueta)

    @property
    def vacia(self) -> bool:
        return all(f[3] == 0 for f in self.filas)


@dataclass(frozen=True)
class Oportunidad:
    revisiones: int
    mediana: timedelta | None  # None: no review in the month
    vencidos: int  # waiting for review at the close for longer than PLAZO_REVISION
    pendientes: int  # waiting for review at the close


@dataclass(frozen=True)
class DiaDeUso:
    fecha: date
    paginas: int
    descargas: int


@dataclass(frozen=True)
class Uso:
    dias: tuple[DiaDeUso, ...]

    @property
    def paginas(self) -> int:
        return sum(d.paginas for d in self.dias)

    @property
    def descargas(self) -> int:
        return sum(d.descargas for d in self.dias)


def actividad(
    eventos: Iterable[tuple[int, Evento]], guardados: int, sustituciones: int, desde: datetime, hasta: datetime
) -> Actividad:
    """The month's counts: events are (candidatura_id, event); only those in [desde, hasta) count."""
    cuentas: dict[tuple[str, str], int] = {}
    for _, e in eventos:
        if desde <= e.at < hasta:
            cuentas[(e.estado, e.cuestionario)] = cuentas.get((e.estado, e.cuestionario), 0) + 1
    filas: list[tuple[str, int | None, int | None, int]] = [("Respuestas guardadas", None, None, guardados)]
    for estado, etiqueta in ESTADOS_ACTIVIDAD:
        c, i = cuentas.get((estado, "curricular"), 0), cuentas.get((estado, "identidad"), 0)
        filas.append((etiqueta, c, i, c + i))
    filas.append(("Sustituciones registradas", None, None, sustituciones))
    return Actividad(tuple(filas))


def revisiones(eventos: Iterable[tuple[int, Evento]]) -> list[Revision]:
    """Every submission followed by its review (the first validated or returned state after it)."""
    por_cuestionario: dict[tuple[int, str], list[Evento]] = {}
    for candidatura_id, e in eventos:
        por_cuestionario.setdefault((candidatura_id, e.cuestionario), []).append(e)
    resultado = []
    for (candidatura_id, cuestionario), lista in por_cuestionario.items():
        enviado_at: datetime | None = None
        for e in sorted(lista, key=lambda e: e.at):
            if e.estado == "enviado":
                enviado_at = e.at
            elif e.estado in REVISADO and enviado_at is not None:
                resultado.append(Revision(candidatura_id, cuestionario, enviado_at, e.at))
                enviado_at = None
    return resultado


def esperando(eventos: Iterable[tuple[int, Evento]], hasta: datetime) -> list[datetime]:
    """When each questionnaire still waiting for review at ``hasta`` was submitted."""
    ultimo: dict[tuple[int, str], Evento] = {}
    for candidatura_id, e in sorted(eventos, key=lambda p: p[1].at):
        if e.at < hasta:
            ultimo[(candidatura_id, e.cuestionario)] = e
    return [e.at for e in ultimo.values() if e.estado == "enviado"]


def mediana(esperas: Iterable[timedelta]) -> timedelta | None:
    valores = sorted(esperas)
    if not valores:
        return None
    return timedelta(seconds=statistics.median(v.total_seconds() for v in valores))


def oportunidad(eventos: list[tuple[int, Evento]], desde: datetime, hasta: datetime) -> Oportunidad:
    """Timeliness of the month: reviews made in [desde, hasta) and what waits at ``hasta``."""
    del_mes = [r for r in revisiones(eventos) if desde <= r.revisado_at < hasta]
    en_espera = esperando(eventos, hasta)
    return Oportunidad(
        revisiones=len(del_mes),
        mediana=mediana(r.espera for r in del_mes),
        vencidos=sum(1 for at in en_espera if hasta - at > PLAZO_REVISION),
        pendientes=len(en_espera),
    )


def uso(mes: date, hasta_dia: date, conteos: Mapping[tuple[date, str], int]) -> Uso:
    """One row per day of the month up to ``hasta_dia`` (today in the current month), zeros included."""
    dias = []
    dia = mes
    while dia <= min(ultimo_dia(mes), hasta_dia):
        dias.append(DiaDeUso(dia, conteos.get((dia, "pagina"), 0), conteos.get((dia, "descarga"), 0)))
        dia += timedelta(days=1)
    return Uso(tuple(dias))


def duracion(valor: timedelta | None) -> str:
    """A wait as people say it: «2 días 3 h», «5 h 20 min», «40 min»; «—» when there is none."""
    if valor is None:
        return "—"
    minutos = int(valor.total_seconds() // 60)
    dias, resto = divmod(minutos, 24 * 60)
    horas, minutos = divmod(resto, 60)
    if dias:
        return f"{dias} {'día' if dias == 1 else 'días'} {horas} h"
    if horas:
        return f"{horas} h {minutos} min"
    return f"{minutos} min"


def validar_incidencias(texto: str) -> str:
    """The incidents as stored: line ends normalized, trimmed; :class:`MesError` when too long."""
    limpio = texto.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(limpio) > INCIDENCIAS_MAX:
        raise MesError(f"Las incidencias caben en {INCIDENCIAS_MAX} caracteres; el texto tiene {len(limpio)}.")
    if "\x00" in limpio:
        raise MesError("El texto tiene un carácter que no se puede guardar; pégalo de nuevo como texto simple.")
    return limpio
