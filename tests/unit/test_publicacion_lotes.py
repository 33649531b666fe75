"""A bulk publication in lotes (services/validacion/publication.py, services/publico/publicar.py): the pure parts."""

from __future__ import annotations

from datetime import UTC, datetime

from services.common import contracts
from services.publico.publicar import follow_ups, in_lock_order
from services.validacion.publication import LOTE, publish_jobs

AT = datetime(2024, 3, 16, 3, 30, tzinfo=UTC)


def _publish(candidatura_id: int, cuestionario: str = "curricular", numero: int = 1) -> contracts.Publish:
    return contracts.Publish(
        candidatura_id=candidatura_id,
        cuestionario=cuestionario,
        numero=numero,
        version=contracts.Version(respuestas={"propuestas": {"propuesta_1": f"Agua {candidatura_id}"}}),
        declarado_at=AT,
        revisado_at=AT,
    )


def test_one_version_travels_alone_so_an_approval_is_published_at_once() -> None:
    single = _publish(7)
    assert publish_jobs([single]) == [single]
    assert publish_jobs([]) == []


def test_several_versions_travel_in_lotes_each_exactly_once_in_order() -> None:
    publicaciones = [_publish(i) for i in range(1, 2 * LOTE + 42)]
    jobs = publish_jobs(publicaciones)
    assert all(isinstance(j, contracts.PublishLote) for j in jobs)
    assert [len(j.items) for j in jobs] == [LOTE, LOTE, 41]  # type: ignore[attr-defined]
    assert [item for j in jobs for item in j.items] == publicaciones  # type: ignore[attr-defined]
    assert LOTE <= contracts.LOTE_MAX


def test_a_lote_of_the_maximum_size_is_a_valid_contract() -> None:
    jobs = publish_jobs([_publish(i) for i in range(1, contracts.LOTE_MAX + 1)], lote=contracts.LOTE_MAX)
    assert len(jobs) == 1
    wire = jobs[0].model_dump(mode="json")
    assert contracts.PublishLote.model_validate(wire) == jobs[0]


def test_lotes_lock_rows_in_id_order_and_each_candidacys_versions_oldest_first() -> None:
    items = [_publish(9), _publish(3, "identidad"), _publish(3, numero=2), _publish(3), _publish(5)]
    ordered = in_lock_order(items)
    assert [(j.candidatura_id, j.cuestionario, j.numero) for j in ordered] == [
        (3, "curricular", 1),
        (3, "curricular", 2),
        (3, "identidad", 1),
        (5, "curricular", 1),
        (9, "curricular", 1),
    ]


def test_follow_ups_keep_the_keys_a_single_publish_used() -> None:
    # reportes drops a second record with the same key: a lote redelivered, or a version first published alone
    # and then again in a lote, counts once.
    estado, historial = follow_ups(_publish(4, numero=2), AT)
    assert (estado.candidatura_id, estado.cuestionario, estado.numero, estado.estado) == (
        4,
        "curricular",
        2,
        "publicado",
    )
    assert historial.job_key == "publicacion:4:2" and historial.estado == "publicado" and historial.at == AT
    assert follow_ups(_publish(4, "identidad", 3), AT)[1].job_key == "publicacion:4:identidad:3"
