"""What an uncached list page needs besides its rows, kept in the process under the publication generation.

The form's choices (cargos, postulantes, distritos, municipios, the groups some profile shows) and the total of a
filter set are the same for every page rendered at one generation: a cache miss reads them once per generation
(and per filter set), not on every request. Every cached page is already keyed by the generation, so these are
exactly as fresh as the pages that show them; a publication moves the generation and the next miss reads again.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable

import asyncpg

from .filters import FILTROS, Opcion, form_choices
from .formulario import OpcionesHtml, formulario

# Totals of distinct filter sets kept per process: a bounded map, the oldest forgotten first.
TOTALS_KEPT = 4096


class PorGeneracion:
    """The form's choices of the current generation, and the totals of the filter sets seen at it."""

    def __init__(self) -> None:
        self._generacion: int | None = None
        self._opciones: dict[str, list[Opcion]] | None = None
        self._formulario: dict[str, OpcionesHtml] = {}
        self._totales: OrderedDict[str, int] = OrderedDict()
        self._lock = asyncio.Lock()

    def _at(self, generacion: int) -> None:
        if generacion != self._generacion:
            self._generacion, self._opciones = generacion, None
            self._totales.clear()

    async def opciones(self, pool: asyncpg.Pool, generacion: int) -> dict[str, list[Opcion]]:
        self._at(generacion)
        if self._opciones is None:
            # One reader per process: a burst of misses right after a publication waits for it, not all at once.
            async with self._lock:
                if self._opciones is None or generacion != self._generacion:
                    opciones = await form_choices(FILTROS, pool)
                    self._at(generacion)
                    self._opciones, self._formulario = opciones, formulario(opciones)
        assert self._opciones is not None
        return self._opciones

    async def formulario(self, pool: asyncpg.Pool, generacion: int) -> dict[str, OpcionesHtml]:
        """The form's <option>s of this generation as HTML (.formulario), built with its choices."""
        await self.opciones(pool, generacion)
        return self._formulario

    async def total(self, generacion: int, clave: str, contar: Callable[[], Awaitable[int]]) -> int:
        self._at(generacion)
        found = self._totales.get(clave)
        if found is not None:
            self._totales.move_to_end(clave)
            return found
        value = await contar()
        if generacion == self._generacion:
            self._totales[clave] = value
            while len(self._totales) > TOTALS_KEPT:
                self._totales.popitem(last=False)
        return value
