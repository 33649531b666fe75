"""The one place that turns stored instants (UTC) into the process's local time and back (docs/design.md §10).

Pure functions, no I/O: the zone comes from the active process (``registro.procesos.zona_horaria``) and is
passed in. Templates use them through the filters of :func:`register_filters`, which read the zone that
:mod:`services.common.web` puts in every template context.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import jinja2

DEFAULT_ZONA = "America/Mexico_City"
# Template context key holding the ZoneInfo of the request's process.
CONTEXT_KEY = "zona"
INPUT_FORMAT = "%Y-%m-%dT%H:%M"
_INPUT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")

# How people in Mexico call the zones of the country; any other IANA zone is shown by its name alone.
ETIQUETAS = {
    "America/Mexico_City": "hora del centro",
    "America/Monterrey": "hora del centro",
    "America/Merida": "hora del centro",
    "America/Chihuahua": "hora del centro",
    "America/Bahia_Banderas": "hora del centro",
    "America/Matamoros": "hora del centro fronteriza",
    "America/Ojinaga": "hora del centro fronteriza",
    "America/Cancun": "hora del sureste",
    "America/Mazatlan": "hora del Pacífico",
    "America/Hermosillo": "hora de Sonora",
    "America/Ciudad_Juarez": "hora de la montaña fronteriza",
    "America/Tijuana": "hora del noroeste",
}


class ZonaInvalidaError(ValueError):
    pass


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(available_timezones())


def zona(name: str) -> ZoneInfo:
    """The zone of an IANA name such as ``America/Mexico_City``; a Spanish error for anything else."""
    if not isinstance(name, str) or name not in _known():
        raise ZonaInvalidaError("Escribe el nombre de una zona horaria, por ejemplo America/Mexico_City.")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ZonaInvalidaError("Escribe el nombre de una zona horaria, por ejemplo America/Mexico_City.") from None


def nombre_zona(name: str) -> str:
    """``America/Mexico_City`` → ``hora del centro``; an unlisted zone by its IANA name."""
    return ETIQUETAS.get(name, name)


def format_fecha_hora_zona(value: datetime, name: str) -> str:
    """``15/03/2024 a las 15:00 (hora del centro)``: for a deadline, where the reader's own clock may differ."""
    return f"{format_fecha_hora(value, zona(name))} ({nombre_zona(name)})"


def etiqueta(name: str) -> str:
    """``America/Mexico_City`` → ``hora del centro (America/Mexico_City)``, for screens where it matters."""
    nombre = ETIQUETAS.get(name)
    return f"{nombre} ({name})" if nombre else name


def to_local(value: datetime, tz: ZoneInfo) -> datetime:
    # A naive value can only be UTC here: every column is timestamptz and every instant is made with UTC.
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(tz)


def today(now: datetime, tz: ZoneInfo) -> date:
    """The local calendar day of an instant (a form "generated on", an age "as of today")."""
    return to_local(now, tz).date()


def format_fecha(value: datetime | date | None, tz: ZoneInfo) -> str:
    """``15/03/2024``; a bare date (a birth date, election day) has no zone and is shown as it is."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value, tz)
    return value.strftime("%d/%m/%Y")


def format_fecha_hora(
    value: datetime | None, tz: ZoneInfo, *, conector: str = " a las ", segundos: bool = False
) -> str:
    """``15/03/2024 a las 15:00`` in the zone; ``conector=" "`` gives the short form for tables."""
    if value is None:
        return ""
    local = to_local(value, tz)
    hora = "%H:%M:%S" if segundos else "%H:%M"
    return f"{local:%d/%m/%Y}{conector}{local.strftime(hora)}"


def format_input(value: datetime | None, tz: ZoneInfo) -> str:
    """The value of an ``<input type="datetime-local">``: local wall time, no zone."""
    return to_local(value, tz).strftime(INPUT_FORMAT) if value else ""


def format_iso(value: datetime | None, tz: ZoneInfo) -> str:
    """For ``<time datetime>``: the local time with its offset, so a machine reads the same instant."""
    return to_local(value, tz).isoformat(timespec="seconds") if value else ""


def parse_local(text: str, tz: ZoneInfo) -> datetime:
    """A ``datetime-local`` value typed in the zone → the UTC instant to store.

    Refuses an offset (the form never sends one) and a wall time the zone skips when the clock moves forward;
    a repeated hour (the clock moves back) is read as its first occurrence.
    """
    text = text.strip()
    if not _INPUT.match(text):
        raise ValueError("Escribe una fecha y hora válidas.")
    try:
        wall = datetime.fromisoformat(text)
        instant = wall.replace(tzinfo=tz).astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValueError("Escribe una fecha y hora válidas.") from None
    if instant.astimezone(tz).replace(tzinfo=None) != wall:
        raise ValueError("Esa hora no existe en la zona del proceso: el reloj se adelanta en el cambio de horario.")
    return instant


def _tz(context: Any) -> ZoneInfo:
    tz = context.get(CONTEXT_KEY)
    if not isinstance(tz, ZoneInfo):
        raise RuntimeError("the template context has no process time zone")  # a rendering bug, not user input
    return tz


def register_filters(env: jinja2.Environment) -> None:
    """``fecha``, ``fecha_hora`` (``a las``), ``fecha_hora_breve`` (tables), ``fecha_hora_seg``,
    ``fecha_input`` (datetime-local) and ``fecha_iso`` (``<time datetime>``), all in the process's zone."""

    @jinja2.pass_context
    def fecha(context: Any, value: datetime | date | None) -> str:
        return format_fecha(value, _tz(context))

    @jinja2.pass_context
    def fecha_hora(context: Any, value: datetime | None) -> str:
        return format_fecha_hora(value, _tz(context))

    @jinja2.pass_context
    def fecha_hora_breve(context: Any, value: datetime | None) -> str:
        return format_fecha_hora(value, _tz(context), conector=" ")

    @jinja2.pass_context
    def fecha_hora_seg(context: Any, value: datetime | None) -> str:
        return format_fecha_hora(value, _tz(context), conector=" ", segundos=True)

    @jinja2.pass_context
    def fecha_input(context: Any, value: datetime | None) -> str:
        return format_input(value, _tz(context))

    @jinja2.pass_context
    def fecha_iso(context: Any, value: datetime | None) -> str:
        return format_iso(value, _tz(context))

    env.filters.update(
        fecha=fecha,
        fecha_hora=fecha_hora,
        fecha_hora_breve=fecha_hora_breve,
        fecha_hora_seg=fecha_hora_seg,
        fecha_input=fecha_input,
        fecha_iso=fecha_iso,
    )
