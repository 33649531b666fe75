"""Every job one service asks of another, as a pydantic model: the only place a job name is spelled.

A job is named ``<owner>.<verb>``; the owner is the service whose worker runs it, and its queue follows from the
owner (``queues.py``). A service asks for a job with ``send(conn, Model(...))`` inside the transaction of the
change that causes it (the transactional outbox, ``outbox.py``); the owner's worker validates the payload
against the same model before the job function runs (``worker.py``) and hands the function the validated
model. A payload that does not match is refused loudly: logged as an error and marked failed in the outbox.

The submitted version of a questionnaire (:class:`Version`) carries its photo and its consents as explicit
fields. What captura, validacion and publico store of a version keeps the shape it always had (rubros, the
``foto`` rubro and ``_consentimientos`` side by side in one JSON object): :meth:`Version.from_stored` and
:meth:`Version.stored` are the only code that knows that shape.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, Self

import asyncpg
from pydantic import BaseModel, ConfigDict, Field, model_validator

from . import outbox
from .queues import QUEUES

Id = Field(ge=1, le=2_147_483_647)
# Plain strings with a closed set of values: callers pass the names they read from the database.
Cuestionario = Annotated[str, Field(pattern=r"^(curricular|identidad)$")]
Sha256 = Field(pattern=r"^[0-9a-f]{64}$")

# The most items a lote job carries (PublishLote and its follow-ups): big enough that a bulk publication costs a
# few dozen transactions, small enough that one lote's payload (a curricular is a few KiB) stays well under a MiB.
LOTE_MAX = 200

# How a stored version names its photo and its consents (kept for the versions already stored).
STORED_FOTO = "foto"
STORED_CONSENTIMIENTOS = "_consentimientos"


class Contract(BaseModel):
    """One job's payload. Unknown keys are refused: a misspelt key must fail, not be dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: ClassVar[str]

    @classmethod
    def owner(cls) -> str:
        return cls.name.partition(".")[0]

    @classmethod
    def queue(cls) -> str:
        return QUEUES[cls.owner()]


async def send(conn: asyncpg.Connection, job: Contract, *, wake: bool = True) -> int:
    """Write ``job`` to the outbox in the caller's transaction; it runs only if that transaction commits.

    ``wake=False``: the relay picks it up at its next poll instead of at commit (``outbox.enqueue`` says why)."""
    return await outbox.enqueue(conn, job.owner(), job.name, wake=wake, **job.model_dump(mode="json"))


# --- the submitted version ----------------------------------------------------------------------------------


class Foto(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sha256: str = Sha256


class Consentimientos(BaseModel):
    """The consents as they stood at submit; ``seq`` is the id of the last consent change they reflect."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    publicacion: bool = False
    estadistica: bool = False
    seq: int = Field(0, ge=0)


class Version(BaseModel):
    """A submitted version: the answers per rubro (or identity dimension), its photo, its consents."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    respuestas: dict[str, Any] = Field(default_factory=dict)
    foto: Foto | None = None
    consentimientos: Consentimientos | None = None

    @classmethod
    def from_stored(cls, datos: dict[str, Any]) -> Self:
        """Read a version in the shape captura stores it (and validacion and publico keep it)."""
        respuestas = {k: v for k, v in datos.items() if k not in (STORED_FOTO, STORED_CONSENTIMIENTOS)}
        foto = datos.get(STORED_FOTO)
        return cls.model_validate(
            {
                "respuestas": respuestas,
                # An old draft may hold a photo row without a valid hash: it never had a public photo.
                "foto": foto if isinstance(foto, dict) and _is_sha(foto.get("sha256")) else None,
                "consentimientos": datos.get(STORED_CONSENTIMIENTOS),
            }
        )

    def stored(self) -> dict[str, Any]:
        """The stored shape, for the tables that keep a version as one JSON object."""
        datos: dict[str, Any] = dict(self.respuestas)
        if self.foto is not None:
            datos[STORED_FOTO] = self.foto.model_dump()
        if self.consentimientos is not None:
            datos[STORED_CONSENTIMIENTOS] = self.consentimientos.model_dump()
        return datos

    def rubros(self) -> list[str]:
        """The keys staff may observe: every answered rubro, and the photo (judged with rubro 1)."""
        return sorted([*self.respuestas, *([STORED_FOTO] if self.foto else [])])


def _is_sha(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


# --- auth ---------------------------------------------------------------------------------------------------


class SendMail(Contract):
    """One plain-text message through SMTP."""

    name = "auth.mail"
    to: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    subject: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=100_000)


class Tipo(StrEnum):
    OBSERVACIONES = "observaciones"  # the institute returned a submitted version
    OBSERVACIONES_PARTIDO = "observaciones_partido"  # the representante returned it (party-validation step)
    CORRECCION_APROBADA = "correccion_aprobada"
    CORRECCION_RECHAZADA = "correccion_rechazada"
    PLAZO = "plazo"  # the capture closes soon and something is still not submitted
    # Sent from the deadlines dashboard (services/captura/plazos): the capture closed with something not
    # submitted (to the candidacy), or a submission has waited too long on the party (to its representantes).
    ATRASO = "atraso"
    ATRASO_PARTIDO = "atraso_partido"


class Enlace(BaseModel):
    """One line of the mail: what to open, and the path (under captura) that opens it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    titulo: str = Field(min_length=1, max_length=200)
    ruta: str = Field(pattern=r"^/captura/[A-Za-z0-9_/#-]*$", max_length=300)


class Notify(Contract):
    """A notice about a candidacy's questionnaire; auth decides who receives it (``services/auth/avisos.py``)."""

    name = "auth.notify"
    tipo: Tipo
    candidatura_id: int = Id
    # Names the event: the same key is never mailed twice to the same account, whatever the retries.
    clave: str = Field(min_length=1, max_length=200)
    cuestionario: Cuestionario | None = None
    enlaces: list[Enlace] = Field(default_factory=list, max_length=50)
    # PLAZO only: how many hours before the close this reminder is.
    horas: int | None = Field(None, ge=1, le=24 * 60)


class Provision(Contract):
    """Create the missing accounts. Either a lote auth's own screen already created (``lote_id``), or a lote
    auth creates from this message, keyed by ``origen`` (``importacion:<id>``, ``sustitucion:<id>``) so a
    repeated message creates one lote."""

    name = "auth.provision"
    lote_id: int | None = Field(None, ge=1)
    origen: str | None = Field(None, pattern=r"^(importacion|sustitucion):[1-9][0-9]{0,9}$")
    requested_by: int | None = Field(None, ge=1, le=2_147_483_647)

    @model_validator(mode="after")
    def _one_lote(self) -> Self:
        if (self.lote_id is None) == (self.origen is None):
            raise ValueError("Indica el lote o su origen, no ambos.")
        return self


def origen_importacion(importacion_id: int) -> str:
    return f"importacion:{importacion_id}"


def origen_sustitucion(candidatura_id: int) -> str:
    """Keyed by the new record's id: one substitution creates one record."""
    return f"sustitucion:{candidatura_id}"


class DisableForCandidatura(Contract):
    """The candidacy was cancelled or its person substituted: that person's accounts stop working."""

    name = "auth.disable_for_candidatura"
    candidatura_id: int = Id


# --- captura ------------------------------------------------------------------------------------------------

ESTADOS = (
    "pendiente",
    "en_captura",
    "revision_partido",
    "enviado",
    "con_observaciones",
    "validado",
    "publicado",
    "en_correccion",
    "retirado",
    "pausado",
)
Estado = Annotated[str, Field(pattern="^(" + "|".join(ESTADOS) + ")$")]
# The states validacion and publico decide; captura decides the others itself.
EstadoFromElsewhere = Annotated[str, Field(pattern=r"^(validado|con_observaciones|publicado|retirado|pausado)$")]


class Retire(Contract):
    name = "captura.retire"
    candidatura_id: int = Id
    at: datetime


class ResendConsents(Contract):
    """validacion resumed a paused candidacy: publico lost its row (and the consents it knew) with the pause, and
    the identity version it publishes again carries the consents as they were at submit; captura sends the ones
    in force now (a ``publico.identidad_visible``), so a revocation made meanwhile is not undone."""

    name = "captura.resend_consents"
    candidatura_id: int = Id


class SetEstado(Contract):
    """A state decided by validacion or publico about one submitted version."""

    name = "captura.set_estado"
    candidatura_id: int = Id
    cuestionario: Cuestionario
    numero: int = Field(ge=1)
    estado: EstadoFromElsewhere


class SetEstadoLote(Contract):
    """The states a bulk publication decided (``publico.publish_lote``), applied in one transaction: one job
    instead of one per candidacy; each item is idempotent, so a redelivered lote changes nothing."""

    name = "captura.set_estado_lote"
    items: list[SetEstado] = Field(min_length=1, max_length=LOTE_MAX)


class Observacion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    rubro: str = Field(min_length=1, max_length=100)
    fundamento: str = Field(min_length=1, max_length=100)
    texto: str = Field(min_length=1, max_length=5000)


class Reopen(Contract):
    """A returned version: its observations, and the questionnaire open for correction."""

    name = "captura.reopen"
    candidatura_id: int = Id
    cuestionario: Cuestionario
    numero: int = Field(ge=1)
    observaciones: list[Observacion]


class CorrectionDecided(Contract):
    name = "captura.correction_decided"
    solicitud_id: int = Id
    aprobada: bool
    at: datetime


class RemindDeadline(Contract):
    """Also captura's cron: remind every candidacy that has not submitted as the capture closes."""

    name = "captura.remind_deadline"


# --- validacion ---------------------------------------------------------------------------------------------


class OpenReview(Contract):
    """A submitted version enters the staff's queue (once per envio)."""

    name = "validacion.open_review"
    envio_id: int = Id
    candidatura_id: int = Id
    cuestionario: Cuestionario
    numero: int = Field(ge=1)
    version: Version
    enviado_at: datetime


class CorrectionRequest(Contract):
    """A candidacy's correction request enters the staff's list (keyed by captura's id)."""

    name = "validacion.correction_request"
    solicitud_id: int = Id
    candidatura_id: int = Id
    cuestionario: Cuestionario
    numero: int = Field(ge=1)
    rubros: list[str] = Field(min_length=1, max_length=50)
    motivo: str = Field(min_length=1, max_length=1000)
    created_at: datetime


class PublishDue(Contract):
    """validacion's cron: hand every approved version to publico once the publication date arrived."""

    name = "validacion.publish_due"


# --- publico ------------------------------------------------------------------------------------------------


class FechasRubro(BaseModel):
    """When one rubro was declared and reviewed, if it differs from the whole questionnaire's dates."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    declarado_at: datetime
    revisado_at: datetime


class Publish(Contract):
    name = "publico.publish"
    candidatura_id: int = Id
    cuestionario: Cuestionario
    numero: int = Field(ge=1)
    version: Version
    declarado_at: datetime
    revisado_at: datetime
    # Per-rubro dates (the profile's provenance line); a rubro left out has the questionnaire's dates.
    fechas_rubros: dict[str, FechasRubro] = Field(default_factory=dict)

    def procedencia(self) -> dict[str, dict[str, str]]:
        """The provenance of every answered rubro, as publico stores it (ISO dates)."""
        whole = FechasRubro(declarado_at=self.declarado_at, revisado_at=self.revisado_at)
        return {
            rubro: self.fechas_rubros.get(rubro, whole).model_dump(mode="json") for rubro in self.version.respuestas
        }


class PublishLote(Contract):
    """A bulk publication (the publication date arriving, a resume, "publicar ahora" of several versions) in
    lotes: publico applies each lote in one transaction with one cache-generation bump and one follow-up job of
    each kind, instead of one transaction, bump and two follow-ups per candidacy (docs/design.md, publication).
    ``services.validacion.publication.publish_jobs`` builds them; each item is a ``Publish`` as it would travel
    alone, and publico applies it the same way (an older or identical version changes nothing)."""

    name = "publico.publish_lote"
    items: list[Publish] = Field(min_length=1, max_length=LOTE_MAX)


class Withdraw(Contract):
    name = "publico.withdraw"
    candidatura_id: int = Id


class IdentidadVisible(Contract):
    """A consent given or revoked: show or hide the identity groups at once."""

    name = "publico.identidad_visible"
    candidatura_id: int = Id
    publicacion: bool
    estadistica: bool
    seq: int = Field(ge=0)


class BuildRelease(Contract):
    """publico's cron too: build the next open-data release once publications settled (docs/datos-abiertos.md).

    ``inmediata`` (an operator's or a test's request) skips the wait for publications to settle; a generation
    that changed nothing public still builds nothing."""

    name = "publico.build_release"
    inmediata: bool = False


class RefreshRegistro(Contract):
    """A registry change the public pages show without a publish (an import adds postulantes to the filter forms;
    a corrected name): publico copies the registry columns of the published rows named again and bumps its cache
    generation, so the next request shows the change."""

    name = "publico.refresh_registro"
    candidatura_ids: list[int] = Field(default_factory=list, max_length=20_000)


class FilaAvance(BaseModel):
    """One postulante × cargo of the capture and publication progress: counts of candidacies, nothing personal."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    postulante_id: int = Id
    cargo: str = Field(min_length=1, max_length=20)
    registradas: int = Field(ge=0)
    enviadas: int = Field(ge=0)
    validadas: int = Field(ge=0)
    publicadas: int = Field(ge=0)


class RecordAvance(Contract):
    """reportes' progress counts at ``at`` (every registered candidacy of the active process), for /estadisticas:
    publico may not read captura or reportes, so reportes sends it the aggregate."""

    name = "publico.record_avance"
    at: datetime
    filas: list[FilaAvance] = Field(default_factory=list, max_length=20_000)


# --- reportes -----------------------------------------------------------------------------------------------


class RecordStatus(Contract):
    """A questionnaire's state change; ``job_key`` makes a redelivery count once."""

    name = "reportes.record_status"
    candidatura_id: int = Id
    cuestionario: Cuestionario
    estado: Estado
    at: datetime
    job_key: str = Field(min_length=1, max_length=200)


class RecordStatusLote(Contract):
    """The state changes of a bulk publication, recorded in one job; each ``job_key`` still counts once."""

    name = "reportes.record_status_lote"
    items: list[RecordStatus] = Field(min_length=1, max_length=LOTE_MAX)


class RecordHecho(Contract):
    """A fact of a candidacy another service knows (auth created its account, captura got its signed consent
    form, validacion wrote or resolved an automatic flag or found placeholder rubros in a submitted version), for
    the reports; ``job_key`` makes a redelivery count once."""

    name = "reportes.record_hecho"
    candidatura_id: int = Id
    hecho: Literal["cuenta_entregada", "consentimiento_cargado", "bandera", "bandera_resuelta", "marcadores"]
    at: datetime
    job_key: str = Field(min_length=1, max_length=200)
    # What the fact is about (a flag's id: its resolution names the same one) and its attributes (report 5).
    referencia: str | None = Field(None, max_length=200)
    detalle: dict[str, str | int | list[str]] = Field(default_factory=dict)


class RecordIdentidad(Contract):
    """captura tells reportes what the inclusion statistics may use of a candidacy: the groups of its approved
    identity questionnaire (only with ``numero``, the approved version; None in a consent-only message) and
    whether consent 3 is in force, with ``seq`` (the id of the last consent change) so a late message never
    overrides a newer one."""

    name = "reportes.record_identidad"
    candidatura_id: int = Id
    estadistica: bool
    seq: int = Field(ge=0)
    grupos: list[str] | None = Field(None, max_length=50)
    numero: int | None = Field(None, ge=1)


class Snapshot(Contract):
    """reportes' cron: freeze the close of a past local day (yesterday when ``fecha`` is not given), once."""

    name = "reportes.snapshot"
    fecha: date | None = None


class SendAvance(Contract):
    """reportes' cron: send publico the progress counts per postulante × cargo (a ``publico.record_avance``)."""

    name = "reportes.send_avance"


class Render(Contract):
    """Build one report file requested on a reportes page (the ``reportes.archivos`` row holds its progress)."""

    name = "reportes.render"
    archivo_id: int = Field(ge=1)
    informe: Literal["avance", "mensual", "omisos", "calidad", "inclusion"]
    formato: Literal["xlsx", "csv", "pdf"]
    fecha: date
    desglose: list[Literal["ambito", "sexo"]] = Field(default_factory=list, max_length=2)
    postulante_id: int | None = Field(None, ge=1, le=2_147_483_647)
    cargo: str | None = Field(None, max_length=40)  # report 4's filter


class FlushVisitas(Contract):
    """publico's cron: send reportes the running totals of public pages and open-data downloads per local day."""

    name = "publico.flush_visitas"


class RecordVisitas(Contract):
    """The total of one kind of public request on one local day, as counted so far. A total, not an increment: a
    redelivery or a later, larger total sets it (never lowers it), so nothing is counted twice."""

    name = "reportes.record_visitas"
    fecha: date
    tipo: Literal["pagina", "descarga"]
    total: int = Field(ge=0, le=2**62)


CONTRACTS: tuple[type[Contract], ...] = (
    SendMail,
    Notify,
    Provision,
    DisableForCandidatura,
    Retire,
    SetEstado,
    SetEstadoLote,
    Reopen,
    CorrectionDecided,
    RemindDeadline,
    ResendConsents,
    OpenReview,
    CorrectionRequest,
    PublishDue,
    Publish,
    PublishLote,
    Withdraw,
    IdentidadVisible,
    BuildRelease,
    RefreshRegistro,
    RecordAvance,
    RecordStatus,
    RecordStatusLote,
    RecordHecho,
    RecordIdentidad,
    Snapshot,
    SendAvance,
    Render,
    FlushVisitas,
    RecordVisitas,
)
BY_NAME: dict[str, type[Contract]] = {c.name: c for c in CONTRACTS}
