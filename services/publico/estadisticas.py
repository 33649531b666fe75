"""The aggregates of the public statistics page, from the published read model: pure, no I/O.

What each table counts is documented for readers in docs/sitio-publico-estadisticas.md. Identity data counts only
with consent 3 (use in statistics, ``identidad_estadistica``); the group of an acción afirmativa counts always,
as the registration made it public.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.common import identidad
from services.common.curricular import GRADOS

from .supresion import Celda, suprimir, total

SEXOS = (("mujer", "Mujer"), ("hombre", "Hombre"), ("no_binario", "No binario"))
# (desde, hasta incluida o None, etiqueta)
RANGOS_EDAD: tuple[tuple[int, int | None, str], ...] = (
    (18, 24, "18 a 24 años"),
    (25, 29, "25 a 29 años"),
    (30, 39, "30 a 39 años"),
    (40, 49, "40 a 49 años"),
    (50, 59, "50 a 59 años"),
    (60, None, "60 años o más"),
)
SIN_DATO = "Sin dato"
SIN_ESCOLARIDAD = "No proporcionó información"
SIN_RESPUESTA = "Sin respuesta"
DIMENSION_INGRESO = "ingreso"
PREGUNTA_INGRESO = "ingreso_mensual"


@dataclass(frozen=True)
class Persona:
    """One published candidacy, only what the statistics read."""

    sexo: str
    edad: int | None
    grado: str | None
    estadistica: bool  # consent 3
    identidad: Mapping[str, Any] | None  # {"grupos": [...], "respuestas": {...}} as publico stores it
    accion_afirmativa: str | None


@dataclass(frozen=True)
class Tabla:
    clave: str
    titulo: str
    cuenta: str  # what one unit is, for the text alternative and the caption
    celdas: list[Celda]
    total: Celda | None  # None when the cells do not add up to one total
    nota: str = ""


@dataclass(frozen=True)
class Catalogo:
    """From the cuestionario de identidad of the process: the group names in order and the income ranges."""

    grupos: tuple[str, ...] = tuple(identidad.GRUPOS_ACCION_AFIRMATIVA.values())
    ingresos: tuple[tuple[str, str], ...] = field(default=())


def catalogo_de(cuestionario: identidad.ConjuntoIdentidad | None) -> Catalogo:
    if cuestionario is None:
        return Catalogo()
    grupos = tuple(d.grupo for d in cuestionario.dimensiones if d.grupo)
    dimension = cuestionario.dimension(DIMENSION_INGRESO)
    pregunta = next((p for p in dimension.preguntas if p.clave == PREGUNTA_INGRESO), None) if dimension else None
    ingresos = tuple((o.clave, o.texto) for o in pregunta.opciones) if pregunta else ()
    return Catalogo(grupos or Catalogo().grupos, ingresos)


def rango_edad(edad: int | None) -> str:
    if edad is not None:
        for desde, hasta, etiqueta in RANGOS_EDAD:
            if edad >= desde and (hasta is None or edad <= hasta):
                return etiqueta
    return SIN_DATO


def _aditiva(
    clave: str, titulo: str, cuenta: str, orden: Sequence[str], valores: Iterable[str], nota: str = ""
) -> Tabla:
    counter = Counter(valores)
    # Categories outside the catalog (older data) still count, after the known ones: the total stays right.
    etiquetas = list(orden) + sorted(k for k in counter if k not in orden)
    conteos = [(e, counter[e]) for e in etiquetas]
    return Tabla(clave, titulo, cuenta, suprimir(conteos), total("Total", sum(counter.values())), nota)


def grupos_de(p: Persona) -> set[str]:
    """The groups one person counts in: self-identified only with consent 3, the acción afirmativa's always."""
    found: set[str] = set()
    if p.estadistica and isinstance(p.identidad, Mapping):
        grupos = p.identidad.get("grupos")
        if isinstance(grupos, list):
            found.update(g for g in grupos if isinstance(g, str))
    aa = identidad.grupo_accion_afirmativa(p.accion_afirmativa)
    if aa:
        found.add(aa)
    return found


def ingreso_de(p: Persona) -> str | None:
    """The income range key, or None when this person's answers may not be used (no consent 3, no answers)."""
    if not (p.estadistica and isinstance(p.identidad, Mapping)):
        return None
    respuestas = p.identidad.get("respuestas")
    dimension = respuestas.get(DIMENSION_INGRESO) if isinstance(respuestas, Mapping) else None
    answer = dimension.get(PREGUNTA_INGRESO) if isinstance(dimension, Mapping) else None
    return answer if isinstance(answer, str) and answer else ""


def agregar(personas: Sequence[Persona], catalogo: Catalogo) -> list[Tabla]:
    sexos = dict(SEXOS)
    tablas = [
        _aditiva("sexo", "Sexo", "candidaturas", list(sexos.values()), (sexos.get(p.sexo, p.sexo) for p in personas)),
        _aditiva(
            "edad",
            "Edad",
            "candidaturas",
            [r[2] for r in RANGOS_EDAD] + [SIN_DATO],
            (rango_edad(p.edad) for p in personas),
        ),
        _aditiva(
            "escolaridad",
            "Escolaridad (grado máximo de estudios)",
            "candidaturas",
            [*GRADOS, SIN_ESCOLARIDAD],
            (p.grado or SIN_ESCOLARIDAD for p in personas),
        ),
    ]
    en_grupo = Counter(g for p in personas for g in grupos_de(p))
    orden = list(catalogo.grupos) + sorted(g for g in en_grupo if g not in catalogo.grupos)
    base = sum(
        1 for p in personas if ingreso_de(p) is not None or identidad.grupo_accion_afirmativa(p.accion_afirmativa)
    )
    tablas.append(
        Tabla(
            "grupos",
            "Grupos en situación de discriminación",
            "personas",
            suprimir([(g, en_grupo[g]) for g in orden], aditiva=False),
            None,
            f"Una persona puede estar en varios grupos. Candidaturas cuyos datos se pueden usar: "
            f"{total('', base).texto}.",
        )
    )
    ingresos = dict(catalogo.ingresos)
    claves = [k for k in (ingreso_de(p) for p in personas) if k is not None]
    tablas.append(
        _aditiva(
            "ingreso",
            "Ingreso mensual",
            "candidaturas",
            [*ingresos.values(), SIN_RESPUESTA],
            (ingresos.get(k, k) if k else SIN_RESPUESTA for k in claves),
            "Solo candidaturas que autorizaron el uso estadístico de su cuestionario de identidad.",
        )
    )
    return tablas


ETAPAS = ("Enviadas", "Validadas", "Publicadas")


@dataclass(frozen=True)
class Avance:
    """Capture and publication progress of one postulante or cargo, as reportes counted it: candidacies, not
    people's attributes, so never suppressed (every registration is in the registry's public acuerdos, every
    publication on the list; whether a candidacy submitted its questionnaire is the progress the institute reports
    in public). docs/sitio-publico-estadisticas.md says so to readers."""

    etiqueta: str
    registradas: int
    enviadas: int
    validadas: int
    publicadas: int

    def etapas(self) -> list[tuple[str, int, int]]:
        """(stage, count, whole percentage of the registered) for the submitted, validated and published."""
        return [
            (etapa, n, round(100 * n / self.registradas) if self.registradas else 0)
            for etapa, n in zip(ETAPAS, (self.enviadas, self.validadas, self.publicadas), strict=True)
        ]
