"""Report 2, *omisos*: registered candidacies that had submitted nothing when their capture closed. No I/O.

Each candidacy is judged at its own close (the process's ``captura_fin``, moved later by a prórroga of the
candidatura or of its postulante: ``plazos.Ventana.cierre``), or at the chosen cut-off when that comes first.
*Nothing submitted* means neither questionnaire reached the institute (enviado or any state after it) before that
instant, in reportes' own status history. Sustituidas and canceladas are not omisos: they are counted apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .avance import ENVIADO_O_DESPUES, ESTATUS, REGISTRADA, SEXOS, Evento

TIPOS = {"propietaria": "Propietaria", "suplente": "Suplente"}


@dataclass(frozen=True)
class Candidatura:
    """A candidacy as the registry has it, with the close of its capture window (None: the process set none)."""

    candidatura_id: int
    postulante_id: int
    postulante: str
    cargo_nombre: str
    cargo_orden: int
    ambito: str
    numero: int
    tipo: str
    nombre: str
    sexo: str
    estatus: str
    created_at: datetime
    cierre: datetime | None
    con_prorroga: bool = False


@dataclass(frozen=True)
class Omiso:
    candidatura: Candidatura
    hasta: datetime  # the instant it was judged at: its close, or the cut-off when that came first
    capturo: bool  # it saved something (en_captura) but never submitted
    plazo_vigente: bool  # its window had not closed at the cut-off: it may still submit

    @property
    def situacion(self) -> str:
        return "Capturó sin enviar" if self.capturo else "Sin captura"


@dataclass
class Grupo:
    postulante: str
    registradas: int = 0
    omisos: list[Omiso] = field(default_factory=list)


@dataclass(frozen=True)
class Aparte:
    postulante: str
    cargo: str
    estatus: str
    total: int


@dataclass
class Resultado:
    grupos: list[Grupo]
    aparte: list[Aparte]

    @property
    def registradas(self) -> int:
        return sum(g.registradas for g in self.grupos)

    @property
    def omisos(self) -> int:
        return sum(len(g.omisos) for g in self.grupos)

    @property
    def vigentes(self) -> int:
        return sum(o.plazo_vigente for g in self.grupos for o in g.omisos)


def juzgar(candidatura: Candidatura, eventos: Iterable[Evento], corte: datetime) -> Omiso | None:
    """The candidacy as an omiso at ``corte`` (or at its close, if earlier); None if it submitted something."""
    cierre = candidatura.cierre
    hasta = cierre if cierre is not None and cierre < corte else corte
    antes = [e for e in eventos if e.at < hasta]
    if any(e.estado in ENVIADO_O_DESPUES for e in antes):
        return None
    return Omiso(candidatura, hasta, capturo=bool(antes), plazo_vigente=cierre is None or cierre > corte)


def omisos(candidaturas: Iterable[Candidatura], eventos: Mapping[int, Sequence[Evento]], corte: datetime) -> Resultado:
    """Omisos grouped by postulante (by name), each ordered by cargo, ámbito, number and propietaria first."""
    grupos: dict[tuple[str, int], Grupo] = {}
    aparte: dict[tuple[str, int, int, str, str], int] = {}
    for c in candidaturas:
        if c.created_at >= corte:
            continue
        if c.estatus != REGISTRADA:
            clave_aparte = (c.postulante, c.postulante_id, c.cargo_orden, c.cargo_nombre, c.estatus)
            aparte[clave_aparte] = aparte.get(clave_aparte, 0) + 1
            continue
        grupo = grupos.setdefault((c.postulante, c.postulante_id), Grupo(c.postulante))
        grupo.registradas += 1
        omiso = juzgar(c, eventos.get(c.candidatura_id, ()), corte)
        if omiso is not None:
            grupo.omisos.append(omiso)
    for grupo in grupos.values():
        grupo.omisos.sort(
            key=lambda o: (o.candidatura.cargo_orden, o.candidatura.ambito, o.candidatura.numero, o.candidatura.tipo)
        )
    return Resultado(
        [grupos[k] for k in sorted(grupos)],
        [Aparte(k[0], k[3], ESTATUS.get(k[4], k[4]), n) for k, n in sorted(aparte.items())],
    )


ENCABEZADOS = ("Postulante", "Cargo", "Ámbito", "Número", "Tipo", "Nombre", "Sexo", "Situación", "Cierre")
RESUMEN = ("Postulante", "Candidaturas registradas", "Omisas", "Con plazo vigente")


def fila(omiso: Omiso, cierre: str) -> list[object]:
    c = omiso.candidatura
    return [
        c.postulante,
        c.cargo_nombre,
        c.ambito,
        c.numero,
        TIPOS.get(c.tipo, c.tipo),
        c.nombre,
        SEXOS.get(c.sexo, c.sexo),
        omiso.situacion + (" (plazo vigente)" if omiso.plazo_vigente else ""),
        cierre + (" (con prórroga)" if c.con_prorroga else ""),
    ]
