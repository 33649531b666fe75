"""Report 1, *avance cuantitativo de la captura*: from the registry and the status history to the table. No I/O.

Two steps, both pure. :func:`situacion` says where one candidacy stood at an instant (``hasta``, exclusive) from
its registry row, its state changes and its facts; the daily snapshot stores exactly that, one row per candidacy.
:func:`tabla` groups situations into the report's rows. Only registered candidacies are counted; sustituidas
and canceladas are left out of every denominator and counted apart, so a substitution never lowers a percentage.

How each column counts (docs/reportes.md repeats it for the people who present the report):

- *cuenta entregada*: auth created the candidacy's account (its password goes on a lote's credentials sheet);
- *curricular / identidad enviado*: the questionnaire reached the institute at least once (enviado or any state
  after it), so a version returned with observations still counts as submitted;
- *consentimiento cargado*: the signed consent form was uploaded at least once;
- *con observaciones*: either questionnaire stands returned with observations at that instant;
- *validado*: the cuestionario curricular was approved at least once; *publicado*: it was published and is not
  withdrawn or paused at that instant.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime

ENVIADO_O_DESPUES = frozenset({"enviado", "con_observaciones", "validado", "publicado", "en_correccion"})
VALIDADO_O_DESPUES = frozenset({"validado", "publicado"})
FUERA_DEL_SITIO = frozenset({"retirado", "pausado"})
CUENTA = "cuenta_entregada"
CONSENTIMIENTO = "consentimiento_cargado"
REGISTRADA = "registrada"

# (attribute of Situacion, column heading) in the order the report shows them.
COLUMNAS: tuple[tuple[str, str], ...] = (
    ("cuenta", "Cuentas entregadas"),
    ("curricular_enviado", "Curricular enviado"),
    ("identidad_enviado", "Identidad enviada"),
    ("consentimiento", "Consentimiento cargado"),
    ("con_observaciones", "Con observaciones"),
    ("validado", "Validados"),
    ("publicado", "Publicados"),
)
DESGLOSES = ("ambito", "sexo")  # the optional breakdowns, besides postulante × cargo
SEXOS = {"mujer": "Mujer", "hombre": "Hombre", "no_binario": "No binario"}
ESTATUS = {"registrada": "Registrada", "sustituida": "Sustituida", "cancelada": "Cancelada"}


@dataclass(frozen=True)
class Registro:
    """A candidacy as the registry has it, with the labels the report groups by."""

    candidatura_id: int
    postulante_id: int
    postulante: str
    cargo: str
    cargo_nombre: str
    cargo_orden: int
    ambito: str
    sexo: str
    estatus: str
    created_at: datetime


@dataclass(frozen=True)
class Evento:
    """One recorded state change (``reportes.historial_estados``), in the order it was recorded."""

    cuestionario: str
    estado: str
    at: datetime


@dataclass(frozen=True)
class Hecho:
    hecho: str
    at: datetime


@dataclass(frozen=True)
class Situacion:
    """Where one candidacy stood at a cut-off instant: one row of the daily snapshot."""

    candidatura_id: int
    postulante_id: int
    postulante: str
    cargo: str
    cargo_nombre: str
    cargo_orden: int
    ambito: str
    sexo: str
    estatus: str
    cuenta: bool
    curricular_enviado: bool
    identidad_enviado: bool
    consentimiento: bool
    con_observaciones: bool
    validado: bool
    publicado: bool


SITUACION_CAMPOS = tuple(f.name for f in fields(Situacion))


def situacion(
    registro: Registro, eventos: Iterable[Evento], hechos: Iterable[Hecho], hasta: datetime
) -> Situacion | None:
    """The candidacy's situation from what happened before ``hasta``; None if it was not registered yet."""
    if registro.created_at >= hasta:
        return None
    antes = sorted((e for e in eventos if e.at < hasta), key=lambda e: e.at)  # stable: ties keep record order
    ultimo: dict[str, str] = {}
    alcanzados: dict[str, set[str]] = {"curricular": set(), "identidad": set()}
    for evento in antes:
        ultimo[evento.cuestionario] = evento.estado
        alcanzados.setdefault(evento.cuestionario, set()).add(evento.estado)
    ocurridos = {h.hecho for h in hechos if h.at < hasta}
    curricular = alcanzados["curricular"]
    return Situacion(
        candidatura_id=registro.candidatura_id,
        postulante_id=registro.postulante_id,
        postulante=registro.postulante,
        cargo=registro.cargo,
        cargo_nombre=registro.cargo_nombre,
        cargo_orden=registro.cargo_orden,
        ambito=registro.ambito,
        sexo=registro.sexo,
        estatus=registro.estatus,
        cuenta=CUENTA in ocurridos,
        curricular_enviado=bool(curricular & ENVIADO_O_DESPUES),
        identidad_enviado=bool(alcanzados["identidad"] & ENVIADO_O_DESPUES),
        consentimiento=CONSENTIMIENTO in ocurridos,
        con_observaciones="con_observaciones" in ultimo.values(),
        validado=bool(curricular & VALIDADO_O_DESPUES),
        publicado="publicado" in curricular and ultimo.get("curricular") not in FUERA_DEL_SITIO,
    )


def porcentaje(parte: int, total: int) -> str:
    """``45.5 %`` with one decimal; a dash when there is nothing to divide by."""
    if total <= 0:
        return "—"
    return f"{100 * parte / total:.1f} %"


@dataclass
class Fila:
    postulante: str
    cargo: str
    ambito: str | None = None
    sexo: str | None = None
    registradas: int = 0
    cuentas: dict[str, int] = field(default_factory=lambda: {c: 0 for c, _ in COLUMNAS})

    def porcentaje(self, columna: str) -> str:
        return porcentaje(self.cuentas[columna], self.registradas)

    def etiquetas(self) -> list[str]:
        return [v for v in (self.postulante, self.cargo, self.ambito, self.sexo) if v is not None]


@dataclass
class Aparte:
    """Sustituidas and canceladas of one group, counted outside the denominators."""

    postulante: str
    cargo: str
    estatus: str
    total: int


@dataclass
class Tabla:
    desglose: tuple[str, ...]
    filas: list[Fila]
    total: Fila
    aparte: list[Aparte]

    def encabezados(self) -> list[str]:
        grupos = ["Postulante", "Cargo"]
        if "ambito" in self.desglose:
            grupos.append("Ámbito")
        if "sexo" in self.desglose:
            grupos.append("Sexo")
        return grupos


def _sexo(valor: str) -> str:
    return SEXOS.get(valor, valor)


def tabla(situaciones: Iterable[Situacion], desglose: Sequence[str] = ()) -> Tabla:
    """Rows per postulante × cargo (× ámbito, × sexo when asked), with totals; sustituidas and canceladas apart."""
    elegido = tuple(d for d in DESGLOSES if d in desglose)
    grupos: dict[tuple[object, ...], Fila] = {}
    aparte: dict[tuple[object, ...], Aparte] = {}
    total = Fila(postulante="Total", cargo="")
    for s in situaciones:
        if s.estatus != REGISTRADA:
            clave_aparte = (s.postulante, s.postulante_id, s.cargo_orden, s.cargo_nombre, s.estatus)
            entrada = aparte.setdefault(
                clave_aparte, Aparte(s.postulante, s.cargo_nombre, ESTATUS.get(s.estatus, s.estatus), 0)
            )
            entrada.total += 1
            continue
        ambito = s.ambito if "ambito" in elegido else None
        sexo = _sexo(s.sexo) if "sexo" in elegido else None
        clave = (s.postulante, s.postulante_id, s.cargo_orden, s.cargo_nombre, ambito or "", sexo or "")
        fila = grupos.setdefault(clave, Fila(s.postulante, s.cargo_nombre, ambito, sexo))
        for destino in (fila, total):
            destino.registradas += 1
            for columna, _ in COLUMNAS:
                destino.cuentas[columna] += int(getattr(s, columna))
    filas = [grupos[k] for k in sorted(grupos, key=_orden)]
    return Tabla(elegido, filas, total, [aparte[k] for k in sorted(aparte, key=_orden)])


def _orden(clave: tuple[object, ...]) -> tuple[str, ...]:
    # Postulante by name, then cargo by its catalog order, then the breakdowns alphabetically.
    return tuple(f"{v:06d}" if isinstance(v, int) else str(v) for v in clave)
