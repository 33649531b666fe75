"""Report 5, *calidad de datos*: the checks, from the registry and from the facts validacion sends. No I/O.

Slate checks (per cargo, as the rules file says: ``data/reglas_calidad.toml``, see docs/reportes-omisos-calidad.md):

- every fórmula (postulante × cargo × demarcación × número) has exactly one propietaria and one suplente;
- ``lista``: the positions of a list or planilla run 1, 2, 3… without gaps;
- ``paridad``: among propietarias, mujeres and hombres differ by at most one (per list; for fórmulas of mayoría,
  over all the postulante's fórmulas of that cargo);
- ``alternancia``: consecutive positions of a list alternate mujer and hombre;
- ``suplente_mismo_genero``: the suplente has the propietaria's sex (``suplente_mujer_de_hombre`` allows a
  woman as a man's suplente, as the INE's parity rules do).

A person registered as no binario is not counted for parity or alternation and not checked against a suplente.
CURP checks: a valid CURP (format and RENAPO check digit) whose sex letter or birth date differ from the registry.
Flags, copied proposals and placeholders come from ``reportes.hechos`` (validacion's ``reportes.record_hecho``).
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from services.common import curp as curp_rules

from .avance import SEXOS

TODAS = "Todas"  # the demarcación of a finding about all the postulante's fórmulas of a cargo
GENEROS = ("mujer", "hombre")  # the sexes parity and alternation count
REGLAS = {
    "formula": "Fórmula incompleta o duplicada",
    "posiciones": "Posiciones no contiguas",
    "paridad": "Paridad",
    "alternancia": "Alternancia",
    "suplente": "Suplente de otro género",
    "curp": "CURP inconsistente",
}


class ReglaCargo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    lista: bool = False
    paridad: bool = False
    alternancia: bool = False
    suplente_mismo_genero: bool = False
    suplente_mujer_de_hombre: bool = True


class Reglas(BaseModel):
    """The rules per cargo clave; a cargo not listed gets only the fórmula check."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    cargos: dict[str, ReglaCargo] = {}

    def de(self, cargo: str) -> ReglaCargo:
        return self.cargos.get(cargo, ReglaCargo())


def cargar_reglas(ruta: Path) -> Reglas:
    with ruta.open("rb") as archivo:
        return Reglas.model_validate(tomllib.load(archivo))


@dataclass(frozen=True)
class Persona:
    """A registered candidacy with what the checks read."""

    candidatura_id: int
    postulante_id: int
    postulante: str
    cargo: str
    cargo_nombre: str
    cargo_orden: int
    demarcacion: str  # «Distrito 3», «Morelia», «Estatal», with the circunscripción when there is one
    numero: int
    tipo: str
    nombre: str
    sexo: str
    fecha_nacimiento: date
    curp: str


@dataclass(frozen=True)
class Hallazgo:
    postulante_id: int
    postulante: str
    cargo: str
    cargo_nombre: str
    cargo_orden: int
    demarcacion: str
    regla: str
    descripcion: str


def _hallazgo(p: Persona, regla: str, descripcion: str) -> Hallazgo:
    return Hallazgo(p.postulante_id, p.postulante, p.cargo, p.cargo_nombre, p.cargo_orden, p.demarcacion, regla,
                    descripcion)  # fmt: skip


def _sexo(valor: str) -> str:
    return SEXOS.get(valor, valor).lower()


def _posiciones(numeros: Iterable[int]) -> str:
    return ", ".join(str(n) for n in sorted(numeros))


def revisar_formula(personas: list[Persona], regla: ReglaCargo) -> list[Hallazgo]:
    """One fórmula: one propietaria and one suplente; the suplente's sex where the rule requires it."""
    primera = personas[0]
    propietarias = [p for p in personas if p.tipo == "propietaria"]
    suplentes = [p for p in personas if p.tipo == "suplente"]
    if len(propietarias) != 1 or len(suplentes) != 1:
        return [
            _hallazgo(
                primera,
                "formula",
                f"La fórmula {primera.numero} tiene {len(propietarias)} propietaria(s) y {len(suplentes)} suplente(s); "
                "debe tener una de cada una.",
            )
        ]
    propietaria, suplente = propietarias[0], suplentes[0]
    if not regla.suplente_mismo_genero or propietaria.sexo not in GENEROS or suplente.sexo not in GENEROS:
        return []
    if propietaria.sexo == suplente.sexo:
        return []
    if regla.suplente_mujer_de_hombre and propietaria.sexo == "hombre" and suplente.sexo == "mujer":
        return []
    return [
        _hallazgo(
            propietaria,
            "suplente",
            f"En la fórmula {propietaria.numero}, la propietaria es {_sexo(propietaria.sexo)} y la suplente "
            f"{_sexo(suplente.sexo)}.",
        )
    ]


def revisar_lista(propietarias: list[Persona], regla: ReglaCargo) -> list[Hallazgo]:
    """A list or planilla (its propietarias): contiguous positions and alternation."""
    if not propietarias:
        return []
    primera = propietarias[0]
    hallazgos = []
    numeros = {p.numero for p in propietarias}
    faltan = set(range(1, max(numeros) + 1)) - numeros
    if regla.lista and faltan:
        hallazgos.append(_hallazgo(primera, "posiciones", f"Faltan las posiciones {_posiciones(faltan)} de la lista."))
    if regla.alternancia:
        ordenadas = sorted(propietarias, key=lambda p: p.numero)
        seguidas = [
            (a, b)
            for a, b in pairwise(ordenadas)
            if b.numero == a.numero + 1 and a.sexo == b.sexo and a.sexo in GENEROS
        ]
        for a, b in seguidas:
            hallazgos.append(
                _hallazgo(
                    a, "alternancia", f"Las posiciones {a.numero} y {b.numero} son del mismo sexo ({_sexo(a.sexo)})."
                )
            )
    return hallazgos


def revisar_paridad(propietarias: list[Persona], alcance: str, demarcacion: str | None = None) -> list[Hallazgo]:
    mujeres = sum(p.sexo == "mujer" for p in propietarias)
    hombres = sum(p.sexo == "hombre" for p in propietarias)
    if abs(mujeres - hombres) <= 1:
        return []
    primera = propietarias[0]
    if demarcacion is not None:  # parity over several demarcaciones: the finding is of none of them
        primera = replace(primera, demarcacion=demarcacion)
    return [
        _hallazgo(
            primera,
            "paridad",
            f"{alcance[:1].upper()}{alcance[1:]} tiene {mujeres} mujer(es) y {hombres} hombre(s) como "
            "propietarias: la diferencia pasa de uno.",
        )
    ]


def revisar_curp(p: Persona) -> list[Hallazgo]:
    valor = p.curp.strip().upper()
    if not (curp_rules.formato_valido(valor) and curp_rules.digito_valido(valor)):
        return [_hallazgo(p, "curp", f"{p.nombre}: la CURP registrada no es válida (formato o dígito verificador).")]
    problemas = []
    if p.sexo in GENEROS and curp_rules.sexo_de(valor) != p.sexo:
        problemas.append(f"la CURP dice {_sexo(curp_rules.sexo_de(valor))} y el registro {_sexo(p.sexo)}")
    nacimiento = curp_rules.nacimiento_de(valor)
    if nacimiento != p.fecha_nacimiento:
        dice = f"{nacimiento:%d/%m/%Y}" if nacimiento else "una fecha que no existe"
        problemas.append(f"la CURP dice nacimiento el {dice} y el registro el {p.fecha_nacimiento:%d/%m/%Y}")
    if not problemas:
        return []
    return [_hallazgo(p, "curp", f"{p.nombre}: {'; '.join(problemas)}.")]


def revisar(personas: Iterable[Persona], reglas: Reglas) -> list[Hallazgo]:
    """Every slate and CURP finding of the registered candidacies, ordered by postulante, cargo, demarcación."""
    todas = list(personas)
    formulas: dict[tuple[object, ...], list[Persona]] = defaultdict(list)
    listas: dict[tuple[object, ...], list[Persona]] = defaultdict(list)
    cargos: dict[tuple[object, ...], list[Persona]] = defaultdict(list)
    hallazgos: list[Hallazgo] = []
    for p in todas:
        formulas[(p.postulante_id, p.cargo, p.demarcacion, p.numero)].append(p)
        if p.tipo == "propietaria":
            listas[(p.postulante_id, p.cargo, p.demarcacion)].append(p)
            cargos[(p.postulante_id, p.cargo)].append(p)
        hallazgos += revisar_curp(p)
    for grupo in formulas.values():
        hallazgos += revisar_formula(sorted(grupo, key=lambda p: p.tipo), reglas.de(grupo[0].cargo))
    for grupo in listas.values():
        regla = reglas.de(grupo[0].cargo)
        if regla.lista:
            hallazgos += revisar_lista(grupo, regla)
            if regla.paridad:
                hallazgos += revisar_paridad(grupo, f"la lista de {grupo[0].demarcacion}")
    for grupo in cargos.values():
        regla = reglas.de(grupo[0].cargo)
        if regla.paridad and not regla.lista:
            hallazgos += revisar_paridad(grupo, f"el conjunto de fórmulas de {grupo[0].cargo_nombre.lower()}", TODAS)
    return sorted(hallazgos, key=lambda h: (h.postulante, h.postulante_id, h.cargo_orden, h.demarcacion, h.regla,
                                            h.descripcion))  # fmt: skip


@dataclass(frozen=True)
class HechoCalidad:
    """One of validacion's facts (``reportes.hechos``): a flag written, a flag resolved, a version's placeholders."""

    candidatura_id: int
    hecho: str
    referencia: str | None
    detalle: Mapping[str, Any]
    orden: int  # its id: the later fact of one questionnaire wins


@dataclass(frozen=True)
class Senales:
    """What validacion's facts say of one candidacy."""

    banderas_abiertas: int = 0
    copias: int = 0
    rubros_marcadores: int = 0


def senales(hechos: Iterable[HechoCalidad]) -> dict[int, Senales]:
    """Per candidacy: flags still open, copied proposals (flags of a copy not discarded), and the placeholder
    rubros of its latest submitted version of each questionnaire."""
    lista = sorted(hechos, key=lambda h: h.orden)
    resueltas = {h.referencia: h.detalle.get("estado") for h in lista if h.hecho == "bandera_resuelta"}
    abiertas: dict[int, int] = defaultdict(int)
    copias: dict[int, int] = defaultdict(int)
    ultimos: dict[tuple[int, str], int] = {}
    for h in lista:
        if h.hecho == "bandera":
            resolucion = resueltas.get(h.referencia)
            if h.detalle.get("estado") == "abierta" and resolucion is None:
                abiertas[h.candidatura_id] += 1
            es_copia = h.detalle.get("tipo") == "propuesta_copiada" and h.detalle.get("clase") == "copia"
            if es_copia and resolucion != "descartada":
                copias[h.candidatura_id] += 1
        elif h.hecho == "marcadores":
            rubros = h.detalle.get("rubros") or []
            ultimos[(h.candidatura_id, str(h.detalle.get("cuestionario", h.referencia)))] = len(rubros)
    marcadores: dict[int, int] = defaultdict(int)
    for (candidatura_id, _), n in ultimos.items():
        marcadores[candidatura_id] += n
    ids = set(abiertas) | set(copias) | set(marcadores)
    return {i: Senales(abiertas.get(i, 0), copias.get(i, 0), marcadores.get(i, 0)) for i in ids}


COLUMNAS: tuple[tuple[str, str], ...] = (
    ("registradas", "Candidaturas registradas"),
    ("hallazgos_planilla", "Observaciones a la planilla"),
    ("curp", "CURP inconsistentes"),
    ("banderas_abiertas", "Banderas pendientes"),
    ("copias", "Propuestas copiadas"),
    ("con_marcadores", "Candidaturas con marcadores"),
    ("rubros_marcadores", "Rubros con marcadores"),
)


@dataclass
class Fila:
    postulante: str
    cargo: str
    cuentas: dict[str, int] = field(default_factory=lambda: {c: 0 for c, _ in COLUMNAS})


@dataclass
class Resultado:
    filas: list[Fila]
    total: Fila
    hallazgos: list[Hallazgo]


def resumen(
    personas: Iterable[Persona], hallazgos: list[Hallazgo], por_candidatura: Mapping[int, Senales]
) -> Resultado:
    """One row per postulante × cargo, with the total."""
    grupos: dict[tuple[str, int, int, str], Fila] = {}
    total = Fila("Total", "")

    def fila(postulante: str, postulante_id: int, orden: int, cargo: str) -> Fila:
        return grupos.setdefault((postulante, postulante_id, orden, cargo), Fila(postulante, cargo))

    for p in personas:
        s = por_candidatura.get(p.candidatura_id, Senales())
        destino = fila(p.postulante, p.postulante_id, p.cargo_orden, p.cargo_nombre)
        for f in (destino, total):
            f.cuentas["registradas"] += 1
            f.cuentas["banderas_abiertas"] += s.banderas_abiertas
            f.cuentas["copias"] += s.copias
            f.cuentas["con_marcadores"] += int(s.rubros_marcadores > 0)
            f.cuentas["rubros_marcadores"] += s.rubros_marcadores
    for h in hallazgos:
        columna = "curp" if h.regla == "curp" else "hallazgos_planilla"
        for f in (fila(h.postulante, h.postulante_id, h.cargo_orden, h.cargo_nombre), total):
            f.cuentas[columna] += 1
    return Resultado([grupos[k] for k in sorted(grupos)], total, hallazgos)
