"""The automatic checks of a submitted version (issue #9): personal data in free texts, copied proposals.

For other modules (the reviewer's page, transparencia's queue) the API is:

- ``detectar(version, cuestionario) -> list[Hallazgo]``: the sensitive-data findings of one submitted version
  (``contracts.Version`` or its ``respuestas`` dict), pure. Every free text of the cuestionario curricular
  (the public contact fields are checked only for identifiers: a phone or e-mail there is meant to be public),
  and every free text of the cuestionario de identidad (its «especificar» texts; the LFPDPPP's special categories
  are not flagged there, since that questionnaire asks for them on purpose). A field whose check raises gives one
  ``revision_fallida`` finding instead, so a person looks at it.
- ``Hallazgo``: one row of ``validacion.banderas`` (tipo, clase, rubro, campo, inicio, fin, fragmento,
  otra_candidatura_id, similitud, estado); ``inicio``/``fin`` are character offsets in the field's text.
- ``banderas.revisar(conn, revision_id, candidatura_id, cuestionario, version)``: runs everything (including the
  copied-proposal check, which needs the stored fingerprints) and writes the flags, inside the caller's
  transaction; ``validacion.open_review`` calls it only when it created the review.
- ``sensibles.CLASES`` (the classes of personal data) and ``TIPOS``/``CLASES_COPIA`` name what a flag can be.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from services.common.contracts import Version
from services.common.cuestionarios import Cuestionario
from services.common.curricular import RUBROS

from . import sensibles

log = logging.getLogger(__name__)

DATO_SENSIBLE = "dato_sensible"
PROPUESTA_COPIADA = "propuesta_copiada"
REVISION_FALLIDA = "revision_fallida"
TIPOS = (DATO_SENSIBLE, PROPUESTA_COPIADA, REVISION_FALLIDA)
COPIA = "copia"
PLATAFORMA_COMUN = "plataforma_comun"
CLASES_COPIA = (COPIA, PLATAFORMA_COMUN)
ERROR = "error"
ABIERTA = "abierta"
INFORMATIVA = "informativa"

RUBRO_CONTACTO = "contacto"
RUBRO_PROPUESTAS = "propuestas"
# The campaign's public contact: phones, e-mails and the campaign office are what these fields are for.
CAMPOS_PUBLICOS = frozenset(c.name for r in RUBROS if r.clave == RUBRO_CONTACTO for c in r.campos)
CAMPOS_PROPUESTA = tuple(c.name for r in RUBROS if r.clave == RUBRO_PROPUESTAS for c in r.campos)
_LIBRES = {r.clave: tuple(c.name for c in r.campos if c.kind != "select") for r in RUBROS}
# An identity answer that is an option's key (snake_case), not something the person wrote.
_CLAVE_OPCION = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True)
class Hallazgo:
    tipo: str
    clase: str
    rubro: str
    campo: str
    inicio: int = 0
    fin: int = 0
    fragmento: str = ""
    otra_candidatura_id: int | None = None
    similitud: float | None = None
    estado: str = ABIERTA


def _respuestas(version: Version | Mapping[str, Any]) -> Mapping[str, Any]:
    return version.respuestas if isinstance(version, Version) else version


Texto = tuple[str, str, object, frozenset[str]]  # rubro, campo, the value as stored, classes left out


def _textos_curriculares(respuestas: Mapping[str, Any]) -> Iterator[Texto]:
    for rubro, campos in respuestas.items():
        if not isinstance(campos, Mapping):
            continue
        for campo in _LIBRES.get(rubro, ()):
            valor = campos.get(campo)
            if valor not in (None, ""):
                publico = rubro == RUBRO_CONTACTO and campo in CAMPOS_PUBLICOS
                yield rubro, campo, valor, sensibles.CONTACTO if publico else frozenset()


def _textos_identidad(respuestas: Mapping[str, Any]) -> Iterator[Texto]:
    for rubro, campos in respuestas.items():
        if not isinstance(campos, Mapping):
            continue
        for campo, valor in campos.items():
            if isinstance(valor, list) or valor in (None, ""):
                continue
            if campo.endswith("_otro") or not (isinstance(valor, str) and _CLAVE_OPCION.match(valor)):
                yield rubro, campo, valor, sensibles.CATEGORIAS_ESPECIALES


_TEXTOS: dict[Cuestionario, Callable[[Mapping[str, Any]], Iterator[Texto]]] = {
    Cuestionario.CURRICULAR: _textos_curriculares,
    Cuestionario.IDENTIDAD: _textos_identidad,
}
# The questionnaires whose proposals are compared with other candidacies'.
CON_PROPUESTAS = frozenset({Cuestionario.CURRICULAR})


def textos(version: Version | Mapping[str, Any], cuestionario: str) -> Iterator[Texto]:
    """(rubro, campo, valor, classes left out) of every free text of the version; ``valor`` as stored."""
    return _TEXTOS[Cuestionario(cuestionario)](_respuestas(version))


def fallida(rubro: str, campo: str) -> Hallazgo:
    return Hallazgo(REVISION_FALLIDA, ERROR, rubro, campo)


def detectar(version: Version | Mapping[str, Any], cuestionario: str) -> list[Hallazgo]:
    """The sensitive-data findings of a submitted version, field by field (see the module docstring)."""
    found: list[Hallazgo] = []
    for rubro, campo, valor, excluir in textos(version, cuestionario):
        try:
            hits = sensibles.buscar(valor, excluir)  # type: ignore[arg-type]
        except Exception:  # one odd text must not stop the others: a person looks at it instead
            log.warning("sensitive-data check failed on %s/%s", rubro, campo, exc_info=True)
            found.append(fallida(rubro, campo))
            continue
        found += [Hallazgo(DATO_SENSIBLE, h.clase, rubro, campo, h.inicio, h.fin, h.fragmento) for h in hits]
    return found
