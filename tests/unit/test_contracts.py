"""The job contracts (services/common/contracts.py): each model round-trips through the outbox's JSON, a
malformed payload is refused, every job has exactly one worker, and no job name is spelled anywhere else."""

from __future__ import annotations

import ast
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from services.auth.jobs import WorkerSettings as AuthWorker
from services.captura.jobs import WorkerSettings as CapturaWorker
from services.common import contracts
from services.common.contracts import CONTRACTS, Contract
from services.publico.jobs import WorkerSettings as PublicoWorker
from services.reportes.jobs import WorkerSettings as ReportesWorker
from services.validacion.jobs import WorkerSettings as ValidacionWorker

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2024, 3, 16, 3, 30, tzinfo=UTC)
SHA = "ab" * 32
VERSION = contracts.Version(
    respuestas={"propuestas": {"propuesta_1": "Agua"}},
    foto=contracts.Foto(sha256=SHA),
    consentimientos=contracts.Consentimientos(publicacion=True, estadistica=False, seq=7),
)
EXAMPLES: dict[type[Contract], dict[str, Any]] = {
    contracts.SendMail: {"to": "ana@example.org", "subject": "Hola", "body": "Texto"},
    contracts.Notify: {
        "tipo": "observaciones",
        "candidatura_id": 5,
        "clave": "observaciones:5",
        "cuestionario": "curricular",
        "enlaces": [{"titulo": "Propuestas", "ruta": "/captura/candidaturas/5/curricular/propuestas#observacion"}],
    },
    contracts.Provision: {"origen": "importacion:12", "requested_by": 3},
    contracts.DisableForCandidatura: {"candidatura_id": 5},
    contracts.Retire: {"candidatura_id": 5, "at": AT},
    contracts.ResendConsents: {"candidatura_id": 5},
    contracts.SetEstado: {"candidatura_id": 5, "cuestionario": "identidad", "numero": 2, "estado": "validado"},
    contracts.SetEstadoLote: {
        "items": [{"candidatura_id": 5, "cuestionario": "curricular", "numero": 1, "estado": "publicado"}]
    },
    contracts.Reopen: {
        "candidatura_id": 5,
        "cuestionario": "curricular",
        "numero": 1,
        "observaciones": [{"rubro": "propuestas", "fundamento": "lema", "texto": "Quita el lema."}],
    },
    contracts.CorrectionDecided: {"solicitud_id": 9, "aprobada": True, "at": AT},
    contracts.RemindDeadline: {},
    contracts.OpenReview: {
        "envio_id": 4,
        "candidatura_id": 5,
        "cuestionario": "curricular",
        "numero": 1,
        "version": VERSION,
        "enviado_at": AT,
    },
    contracts.CorrectionRequest: {
        "solicitud_id": 9,
        "candidatura_id": 5,
        "cuestionario": "curricular",
        "numero": 1,
        "rubros": ["propuestas"],
        "motivo": "Cambió mi propuesta.",
        "created_at": AT,
    },
    contracts.PublishDue: {},
    contracts.BuildRelease: {"inmediata": True},
    contracts.Publish: {
        "candidatura_id": 5,
        "cuestionario": "curricular",
        "numero": 1,
        "version": VERSION,
        "declarado_at": AT,
        "revisado_at": AT,
    },
    contracts.Withdraw: {"candidatura_id": 5},
    contracts.PublishLote: {
        "items": [
            {
                "candidatura_id": c,
                "cuestionario": q,
                "numero": 1,
                "version": VERSION,
                "declarado_at": AT,
                "revisado_at": AT,
            }
            for c, q in ((5, "curricular"), (5, "identidad"), (6, "curricular"))
        ]
    },
    contracts.IdentidadVisible: {"candidatura_id": 5, "publicacion": False, "estadistica": True, "seq": 3},
    contracts.RecordStatus: {
        "candidatura_id": 5,
        "cuestionario": "curricular",
        "estado": "enviado",
        "at": AT,
        "job_key": "envio:4",
    },
    contracts.RecordStatusLote: {
        "items": [{"candidatura_id": 5, "cuestionario": "curricular", "estado": "publicado", "at": AT, "job_key": "k"}]
    },
    contracts.RecordHecho: {"candidatura_id": 5, "hecho": "cuenta_entregada", "at": AT, "job_key": "cuenta:5"},
    contracts.RecordIdentidad: {
        "candidatura_id": 5,
        "estadistica": True,
        "seq": 4,
        "grupos": ["Persona joven"],
        "numero": 1,
    },
    contracts.Snapshot: {"fecha": "2024-04-25"},
    contracts.FlushVisitas: {},
    contracts.RecordVisitas: {"fecha": "2024-04-25", "tipo": "descarga", "total": 12},
    contracts.SendAvance: {},
    contracts.RefreshRegistro: {"candidatura_ids": [5, 6]},
    contracts.RecordAvance: {
        "at": AT,
        "filas": [
            {"postulante_id": 2, "cargo": "DIP_MR", "registradas": 4, "enviadas": 3, "validadas": 2, "publicadas": 1}
        ],
    },
    contracts.Render: {
        "archivo_id": 3,
        "informe": "avance",
        "formato": "pdf",
        "fecha": "2024-04-25",
        "desglose": ["sexo"],
        "postulante_id": 2,
    },
}
WORKERS = (AuthWorker, CapturaWorker, PublicoWorker, ReportesWorker, ValidacionWorker)


def test_every_contract_has_an_example() -> None:
    assert set(EXAMPLES) == set(CONTRACTS)
    assert len({c.name for c in CONTRACTS}) == len(CONTRACTS)


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.name)
def test_round_trip_through_the_outbox_json(contract: type[Contract]) -> None:
    job = contract(**EXAMPLES[contract])
    # What outbox.enqueue stores (jsonb) and the worker reads back.
    wire = json.loads(json.dumps(job.model_dump(mode="json")))
    assert contract.model_validate(wire) == job


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.name)
def test_an_unknown_key_is_refused(contract: type[Contract]) -> None:
    with pytest.raises(ValidationError) as refused:
        contract.model_validate({**EXAMPLES[contract], "clave_mal_escrita": 1})
    assert [e["type"] for e in refused.value.errors()] == ["extra_forbidden"]


@pytest.mark.parametrize(
    "contract", [c for c in CONTRACTS if any(f.is_required() for f in c.model_fields.values())], ids=lambda c: c.name
)
def test_a_missing_or_mistyped_field_is_refused(contract: type[Contract]) -> None:
    example = EXAMPLES[contract]
    required = next(k for k, f in contract.model_fields.items() if f.is_required())
    with pytest.raises(ValidationError):
        contract.model_validate({k: v for k, v in example.items() if k != required})
    with pytest.raises(ValidationError):
        contract.model_validate({**example, required: {"no": "es esto"}})


@pytest.mark.parametrize(
    ("contract", "change"),
    [
        (contracts.SetEstado, {"estado": "enviado"}),  # captura decides that one itself
        (contracts.SetEstado, {"cuestionario": "otro"}),
        (contracts.RecordStatus, {"estado": "inventado"}),
        (contracts.Retire, {"candidatura_id": 0}),
        (contracts.Retire, {"at": "ayer"}),
        (contracts.SendMail, {"to": "sin-arroba"}),
        (contracts.Notify, {"enlaces": [{"titulo": "x", "ruta": "https://otro.example/"}]}),
        (contracts.Publish, {"version": {"respuestas": {}, "foto": {"sha256": "no-es-un-hash"}}}),
        (contracts.Publish, {"version": {"datos": {}}}),
        (contracts.Provision, {"origen": "importacion:12; DROP"}),
        (contracts.RecordHecho, {"hecho": "inventado"}),
        (contracts.Render, {"formato": "docx"}),
        (contracts.Render, {"desglose": ["municipio"]}),
        (contracts.PublishLote, {"items": []}),  # a lote publishes something
        (contracts.PublishLote, {"items": [{"candidatura_id": 5}]}),  # each item is a whole Publish
        (
            contracts.SetEstadoLote,
            {"items": [{"candidatura_id": 5, "cuestionario": "curricular", "numero": 1, "estado": "enviado"}]},
        ),
        (contracts.RecordStatusLote, {"items": [{"estado": "inventado"}]}),
    ],
)
def test_wrong_values_are_refused(contract: type[Contract], change: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        contract.model_validate({**EXAMPLES[contract], **change})


def test_provision_names_exactly_one_lote() -> None:
    assert contracts.Provision(lote_id=3).lote_id == 3
    with pytest.raises(ValidationError):
        contracts.Provision()
    with pytest.raises(ValidationError):
        contracts.Provision(lote_id=3, origen="importacion:1")
    assert contracts.origen_importacion(12) == "importacion:12"
    assert contracts.Provision(origen=contracts.origen_sustitucion(40)).origen == "sustitucion:40"


def test_the_queue_follows_the_owner() -> None:
    assert contracts.OpenReview.owner() == "validacion"
    assert contracts.OpenReview.queue() == "conoceles:validacion"
    for contract in CONTRACTS:
        assert contract.name == f"{contract.owner()}.{contract.name.split('.', 1)[1]}"


def test_the_stored_version_keeps_its_shape() -> None:
    stored = {
        "propuestas": {"propuesta_1": "Agua"},
        "foto": {"sha256": SHA},
        "_consentimientos": {"publicacion": True, "estadistica": False, "seq": 7},
    }
    version = contracts.Version.from_stored(stored)
    assert version == VERSION
    assert version.stored() == stored
    assert version.rubros() == ["foto", "propuestas"]
    # A version stored before the consents travelled with it, without a photo.
    bare = contracts.Version.from_stored({"formacion": {"grado": "Maestría"}})
    assert bare.foto is None and bare.consentimientos is None
    assert bare.stored() == {"formacion": {"grado": "Maestría"}}


def test_every_contract_runs_in_its_owners_worker_once() -> None:
    registered: dict[str, str] = {}
    for worker in WORKERS:
        for function in worker.functions:
            assert function.name not in registered, function.name
            registered[function.name] = worker.service
        for cron in worker.cron_jobs:
            assert cron.name in {f.name for f in worker.functions}
    assert registered == {c.name: c.owner() for c in CONTRACTS}


def _string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_no_job_name_is_spelled_outside_the_contracts_module() -> None:
    names = {c.name for c in CONTRACTS} | {"review.open", "review.correction_request"}
    contracts_module = ROOT / "services" / "common" / "contracts.py"
    spelled = []
    for folder in ("services", "gateway", "launcher"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == contracts_module:
                continue
            spelled += [
                f"{path.relative_to(ROOT)}:{line}: {value}" for line, value in _string_constants(path) if value in names
            ]
    assert spelled == []


def test_the_facts_reportes_accepts_are_the_facts_the_database_allows() -> None:
    """Two migrations widening one CHECK must not drop each other's values: the last one is what the table allows."""
    import re
    import typing
    from pathlib import Path

    migrations = sorted((Path(__file__).resolve().parents[2] / "migrations").glob("*.sql"))
    checks = [
        m.group(1)
        for p in migrations
        for m in re.finditer(r"hechos_hecho_check\s+CHECK\s*\(\s*hecho IN \(([^)]*)\)", p.read_text())
    ]
    allowed = set(re.findall(r"'([a-z_]+)'", checks[-1]))
    assert allowed == set(typing.get_args(contracts.RecordHecho.model_fields["hecho"].annotation))
