"""The filters of the public list and the API, declared once: adding a filter is one row of :data:`FILTROS`.

Each row says what the query parameter is called, how it is validated, the SQL condition it adds (``{}`` is where
its numbered parameter goes, see :mod:`.query`), its Spanish label and how the form offers it. The validation
model, the WHERE clause of the list and count queries, the cache key and the form all come from the table.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from services.common.boundary import like_contains, parse_int
from services.common.etiquetas import postulante_nombre

from .text import normalize

SEXOS = {"mujer": "Mujer", "hombre": "Hombre", "no_binario": "No binario"}
CARGOS_SQL = "SELECT clave, nombre FROM registro.cargos ORDER BY orden"
POSTULANTES_SQL = "SELECT siglas, nombre, tipo FROM registro.postulantes ORDER BY id"

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


def _search_pattern(value: object) -> object:
    # Accent- and case-insensitive (nombre_busqueda is stored normalized); LIKE wildcards typed by people are
    # literal. A text that normalizes to nothing filters nothing.
    folded = normalize(str(value))
    return like_contains(folded) if folded else None


@dataclass(frozen=True)
class Filtro:
    nombre: str  # the query parameter
    etiqueta: str  # the form's Spanish label
    tipo: type  # the validated Python type
    condicion: str  # SQL with one ``{}`` for the parameter
    campo: Any = field(default_factory=lambda: Field(None))  # a pydantic Field: the value's constraints
    control: Lista | Texto | None = None  # None: not in the form, only in links and the API
    parametro: Callable[[object], object] = _same  # the validated value → the SQL parameter (None: no filter)

    def __post_init__(self) -> None:
        if self.condicion.count("{}") != 1:
            raise ValueError(f"the condition of filter {self.nombre!r} needs exactly one {{}} placeholder")


FILTROS: tuple[Filtro, ...] = (
    Filtro(
        "q",
        "Nombre",
        str,
        "nombre_busqueda LIKE {} ESCAPE '\\'",
        Field(None, max_length=100),
        Texto(),
        _search_pattern,
    ),
    Filtro(
        "cargo",
        "Cargo",
        str,
        "cargo = {}",
        Field(None, max_length=20),
        Lista("Todos los cargos", sql=CARGOS_SQL, opcion=lambda r: (r["clave"], r["nombre"])),
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
    ),
    Filtro("distrito", "Distrito", int, "distrito = {}", Field(None, ge=1, le=99)),
    Filtro("municipio", "Municipio", int, "municipio = {}", Field(None, ge=1, le=99999)),
    Filtro(
        "sexo",
        "Sexo",
        str,
        "sexo = {}",
        Field(None, pattern="^(" + "|".join(SEXOS) + ")$"),
        Lista("Todos", opciones=tuple(SEXOS.items())),
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


def encode_cursor(candidatura_id: int) -> str:
    return base64.urlsafe_b64encode(str(candidatura_id).encode()).decode().rstrip("=")
