"""The filters of the public list and the API, declared once: adding a filter is one row of :data:`FILTROS`.

Each row says what the query parameter is called, how it is validated, the SQL condition it adds (``{}`` is where
its numbered parameter goes, see :mod:`.query`), its Spanish label and how the form offers it. The validation
model, the WHERE clause of the list and count queries, the cache key and the form all come from the table.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import asyncpg
from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from services.common.boundary import parse_int
from services.common.curricular import GRADOS
from services.common.etiquetas import postulante_nombre

from .text import normalize

SEXOS = {"mujer": "Mujer", "hombre": "Hombre", "no_binario": "No binario"}
CARGOS_SQL = "SELECT clave, nombre FROM registro.cargos ORDER BY orden"
POSTULANTES_SQL = "SELECT siglas, nombre, tipo FROM registro.postulantes ORDER BY id"
DISTRITOS_SQL = "SELECT numero, cabecera FROM registro.distritos ORDER BY numero"
MUNICIPIOS_SQL = "SELECT clave, nombre FROM registro.municipios ORDER BY nombre, clave"
# Only groups some published profile shows: the column holds publishable groups only (.busqueda).
GRUPOS_SQL = """
SELECT DISTINCT g FROM publico.candidaturas, unnest(grupos_publicos) AS g WHERE curricular IS NOT NULL ORDER BY g
"""
# The age ranges of docs/design.md §6, half-open [desde, hasta); None: no upper bound.
EDADES: dict[str, tuple[int, int | None]] = {
    "18-24": (18, 25),
    "25-29": (25, 30),
    "30-39": (30, 40),
    "40-49": (40, 50),
    "50-59": (50, 60),
    "60+": (60, None),
}
SI_NO = {"si": "Sí", "no": "No"}

Opcion = tuple[object, str]


@dataclass(frozen=True)
class Lista:
    """A <select>: the "all" choice first, then fixed ``opciones`` or the rows of ``sql`` made into choices."""

    todos: str
    opciones: tuple[Opcion, ...] = ()
    sql: str | None = None
    opcion: Callable[[asyncpg.Record], Opcion] | None = None

    async def choices(self, pool: asyncpg.Pool) -> list[Opcion]:
        if self.sql is None or self.opcion is None:
            return list(self.opciones)
        return [self.opcion(row) for row in await pool.fetch(self.sql)]


@dataclass(frozen=True)
class Texto:
    """A free text box."""


def _same(value: object) -> object:
    return value


def edad_etiqueta(rango: str) -> str:
    desde, hasta = EDADES[rango]
    return f"{desde} años o más" if hasta is None else f"De {desde} a {hasta - 1} años"


def _age_range(value: object) -> object:
    desde, hasta = EDADES[str(value)]
    return asyncpg.Range(desde, hasta)


def _yes(value: object) -> object:
    return value == "si"


def _choice_pattern(values: Sequence[str]) -> str:
    return "^(" + "|".join(re.escape(v) for v in values) + ")$"


def _search_text(value: object) -> object:
    # Accent- and case-insensitive (nombre_busqueda is stored normalized); compared as a plain substring, so no
    # character typed is a wildcard. A text that normalizes to nothing filters nothing.
    folded = normalize(str(value))
    return folded or None


# The trigram index (migrations/0051_publico_lista_indices.sql) finds the rows holding every trigram of the text,
# strpos keeps those holding the text itself. A text under three characters has no trigram: the containment is
# then true for every row and the order index serves the page (such a text matches most names anyway).
SEARCH_SQL = "trigramas @> publico.trigramas({0}::text) AND strpos(nombre_busqueda, {0}::text) > 0"


@dataclass(frozen=True)
class Filtro:
    nombre: str  # the query parameter
    etiqueta: str  # the form's Spanish label
    tipo: type  # the validated Python type
    condicion: str  # SQL with one ``{}`` (or ``{0}``, as often as needed) for the parameter
    campo: Any = field(default_factory=lambda: Field(None))  # a pydantic Field: the value's constraints
    control: Lista | Texto | None = None  # None: not in the form, only in links and the API
    parametro: Callable[[object], object] = _same  # the validated value → the SQL parameter (None: no filter)
    # A column of publico.totales (migrations/0052_publico_totales.sql): a filter set made only of such filters is
    # counted by summing that small table, with the same condition, instead of counting the published rows.
    en_totales: bool = False

    def __post_init__(self) -> None:
        slots = re.findall(r"\{(\d*)\}", self.condicion)
        if slots != [""] and (not slots or set(slots) != {"0"}):
            raise ValueError(f"the condition of filter {self.nombre!r} needs exactly one {{}} placeholder")


FILTROS: tuple[Filtro, ...] = (
    Filtro(
        "q",
        "Nombre o sobrenombre",
        str,
        SEARCH_SQL,
        Field(None, max_length=100),
        Texto(),
        _search_text,
    ),
    Filtro(
        "cargo",
        "Cargo",
        str,
        "cargo = {}",
        Field(None, max_length=20),
        Lista("Todos los cargos", sql=CARGOS_SQL, opcion=lambda r: (r["clave"], r["nombre"])),
        en_totales=True,
    ),
    Filtro(
        "postulante",
        "Partido o candidatura",
        str,
        "postulante = {}",
        Field(None, max_length=60),
        Lista(
            "Todos",
            sql=POSTULANTES_SQL,
            opcion=lambda r: (r["siglas"], postulante_nombre(r["nombre"], r["siglas"], r["tipo"])),
        ),
        en_totales=True,
    ),
    Filtro(
        "distrito",
        "Distrito",
        int,
        "distrito = {}",
        Field(None, ge=1, le=99),
        Lista(
            "Todos los distritos",
            sql=DISTRITOS_SQL,
            opcion=lambda r: (r["numero"], f"Distrito {r['numero']}: {r['cabecera']}"),
        ),
        en_totales=True,
    ),
    Filtro(
        "municipio",
        "Municipio",
        int,
        "municipio = {}",
        Field(None, ge=1, le=99999),
        Lista("Todos los municipios", sql=MUNICIPIOS_SQL, opcion=lambda r: (r["clave"], r["nombre"])),
        en_totales=True,
    ),
    Filtro(
        "sexo",
        "Sexo",
        str,
        "sexo = {}",
        Field(None, pattern="^(" + "|".join(SEXOS) + ")$"),
        Lista("Todos", opciones=tuple(SEXOS.items())),
        en_totales=True,
    ),
    Filtro(
        "edad",
        "Edad",
        str,
        "edad <@ {}::int4range",
        Field(None, pattern=_choice_pattern(list(EDADES))),
        Lista("Todas las edades", opciones=tuple((r, edad_etiqueta(r)) for r in EDADES)),
        _age_range,
    ),
    Filtro(
        "escolaridad",
        "Grado máximo de estudios",
        str,
        "curricular -> 'formacion' ->> 'grado_maximo' = {}",
        Field(None, pattern=_choice_pattern(GRADOS)),
        Lista("Todos los grados", opciones=tuple((g, g) for g in GRADOS)),
    ),
    Filtro(
        "grupo",
        "Grupo en situación de discriminación",
        str,
        "grupos_publicos @> ARRAY[{}::text]",
        Field(None, max_length=100),
        Lista("Todos", sql=GRUPOS_SQL, opcion=lambda r: (r["g"], r["g"])),
    ),
    Filtro(
        "accion_afirmativa",
        "Registrada como acción afirmativa",
        str,
        "(coalesce(btrim(accion_afirmativa), '') <> '') = {}",
        Field(None, pattern=_choice_pattern(list(SI_NO))),
        Lista("Indistinto", opciones=tuple(SI_NO.items())),
        _yes,
    ),
)


class FiltrosBase(BaseModel):
    """What every list query takes besides the filters: the page cursor and the page size."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    cursor: str | None = Field(None, max_length=40)
    limite: int = Field(24, ge=1, le=100)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object, info: Any) -> object:
        # An empty box of the form means "no filter"; an empty page size is still a mistake.
        return None if value == "" and info.field_name != "limite" else value

    @property
    def after_id(self) -> int | None:
        if not self.cursor:
            return None
        try:
            decoded = base64.urlsafe_b64decode(self.cursor.encode() + b"==").decode()
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None
        # A made-up cursor past int4 would reach PostgreSQL as an id it cannot hold.
        return parse_int(decoded)

    def __getitem__(self, name: str) -> Any:
        # Templates read a filter by its row's name: filters[f.nombre].
        return getattr(self, name)


def model_of(filtros: Sequence[Filtro]) -> type[FiltrosBase]:
    """The pydantic model validating the query string for these filters (every one optional)."""
    fields: dict[str, Any] = {f.nombre: (f.tipo | None, f.campo) for f in filtros}
    return create_model("ListFilters", __base__=FiltrosBase, **fields)


def values_of(filtros: Sequence[Filtro], filters: FiltrosBase) -> list[tuple[Filtro, object]]:
    """The SQL parameter of each filter in use, in table order."""
    out: list[tuple[Filtro, object]] = []
    for f in filtros:
        value = getattr(filters, f.nombre)
        parameter = f.parametro(value) if value is not None else None
        if parameter is not None:
            out.append((f, parameter))
    return out


async def form_choices(filtros: Sequence[Filtro], pool: asyncpg.Pool) -> dict[str, list[Opcion]]:
    return {f.nombre: await f.control.choices(pool) for f in filtros if isinstance(f.control, Lista)}


ListFilters = model_of(FILTROS)


@dataclass(frozen=True)
class Activo:
    """A filter in use, as the page shows it: its label, its value in words and the link that removes it."""

    nombre: str
    etiqueta: str
    valor: str
    quitar: str  # query string without this filter


def query_string(filtros: Sequence[Filtro], filters: FiltrosBase, without: str | None = None, **extra: str) -> str:
    """The query string of the filters in use (table order), minus ``without``, plus ``extra``: links keep filters."""
    pairs = [(f.nombre, str(filters[f.nombre])) for f in filtros if f.nombre != without and filters[f.nombre]]
    if filters.limite != FiltrosBase.model_fields["limite"].default:
        pairs.append(("limite", str(filters.limite)))
    pairs += [(k, v) for k, v in extra.items() if v]
    return urlencode(pairs)


def activos(filtros: Sequence[Filtro], filters: FiltrosBase, opciones: dict[str, list[Opcion]]) -> list[Activo]:
    out = []
    for f in filtros:
        value = filters[f.nombre]
        if value is None or value == "":
            continue
        label = dict(opciones.get(f.nombre, ())).get(value, str(value))
        out.append(Activo(f.nombre, f.etiqueta, str(label), query_string(filtros, filters, without=f.nombre)))
    return out


def encode_cursor(candidatura_id: int) -> str:
    return base64.urlsafe_b64encode(str(candidatura_id).encode()).decode().rstrip("=")
