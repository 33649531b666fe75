"""/estadisticas' capture and publication progress (issue 10, page 6): reportes computes the counts per
postulante × cargo from its status history and sends them to publico (``reportes.send_avance`` →
``publico.record_avance``); the page and /api/v1/estadisticas show them on the next request, counts under 5
included. Every figure checked is of a postulante the test creates, recomputed from what the test did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from services.common import contracts
from services.publico import openapi

from . import factories
from .helpers import Client, eventually


async def _send(db: asyncpg.Pool, *jobs: contracts.Contract) -> list[int]:
    async with db.acquire() as conn, conn.transaction():
        return [await contracts.send(conn, job) for job in jobs]


def _estado(cid: int, estado: str, clave: str) -> contracts.RecordStatus:
    at = datetime.now(UTC) - timedelta(minutes=1)
    return contracts.RecordStatus(candidatura_id=cid, cuestionario="curricular", estado=estado, at=at, job_key=clave)


async def _avance_llega(db: asyncpg.Pool, postulante_id: int, esperado: tuple[int, int, int, int]) -> None:
    """Ask reportes for the progress now (what its cron does every five minutes) and wait until publico has it."""
    (asked,) = await _send(db, contracts.SendAvance())
    await eventually(
        lambda: db.fetchval("SELECT done_at IS NOT NULL FROM outbox.jobs WHERE id = $1", asked),
        within=60,
        what="reportes.send_avance",
    )

    async def stored() -> bool:
        row = await db.fetchrow(
            "SELECT registradas, enviadas, validadas, publicadas FROM publico.avance WHERE postulante_id = $1",
            postulante_id,
        )
        return row is not None and tuple(row) == esperado

    await eventually(stored, within=60, what=f"publico.avance {esperado}")


async def test_capture_and_publication_progress_per_postulante_and_cargo(client: Client, db: asyncpg.Pool) -> None:
    postulante_id, siglas = await factories.postulante(db, "partido")
    ids = [(await factories.candidata(db, siglas=siglas)).candidatura_id for _ in range(5)]
    a, b, c, d, e = ids
    k = f"prueba-avance-publico-{postulante_id}-"
    await _send(
        db,
        _estado(a, "enviado", k + "1"),
        _estado(b, "enviado", k + "2"),
        _estado(b, "validado", k + "3"),
        _estado(c, "enviado", k + "4"),
        _estado(c, "validado", k + "5"),
        _estado(c, "publicado", k + "6"),
        _estado(e, "enviado", k + "7"),
    )
    await eventually(
        lambda: db.fetchval("SELECT count(*) = 7 FROM reportes.historial_estados WHERE job_key LIKE $1 || '%'", k),
        what="reportes to record the changes",
    )
    # Cancelled: out of every count (it is not on the ballot).
    await db.execute("UPDATE registro.candidaturas SET estatus = 'cancelada' WHERE id = $1", e)
    params = {"postulante": siglas}
    antes = await (await client.get("/api/v1/estadisticas", params=params)).json()  # cached before the counts
    assert antes["avance"]["postulante"] == []

    await _avance_llega(db, postulante_id, (4, 3, 2, 1))
    body = await (await client.get("/api/v1/estadisticas", params=params)).json()
    openapi.Estadisticas.model_validate(body)  # the answer matches its OpenAPI schema
    cifras = {"registradas": 4, "enviadas": 3, "validadas": 2, "publicadas": 1}
    (fila,) = body["avance"]["postulante"]
    assert {k: v for k, v in fila.items() if k != "etiqueta"} == cifras and siglas in fila["etiqueta"]
    (cargo,) = body["avance"]["cargo"]  # filtered by postulante: only the cargo its candidacies run for
    assert cargo == {"etiqueta": "Presidencia municipal", **cifras}
    assert body["avance"]["al"] is not None
    # Filtered by another cargo: nothing of this postulante.
    otro = await (await client.get("/api/v1/estadisticas", params={**params, "cargo": "DIP_RP"})).json()
    assert otro["avance"]["postulante"] == [] and otro["avance"]["cargo"] == []

    html = await (await client.get("/estadisticas", params=params)).text()
    # Counts of candidacies are shown whole, even under 5: they are not people's data.
    assert "<td>4</td><td>3</td><td>2</td><td>1</td><td>25 %</td>" in html
    assert "Avance de captura y publicación por cargo" in html and "Cifras al" in html
    assert "Enviadas, " in html and 'aria-labelledby="g-avance-postulante-t g-avance-postulante-d"' in html

    # One more submission: the next batch shows on the next request, with the publication generation unchanged.
    generacion = await db.fetchval("SELECT generacion FROM publico.publicacion")
    await _send(db, _estado(d, "enviado", k + "8"))
    await eventually(
        lambda: db.fetchval("SELECT count(*) = 8 FROM reportes.historial_estados WHERE job_key LIKE $1 || '%'", k),
        what="reportes to record the submission",
    )
    await _avance_llega(db, postulante_id, (4, 4, 2, 1))
    html = await (await client.get("/estadisticas", params=params)).text()
    assert "<td>4</td><td>4</td><td>2</td><td>1</td><td>25 %</td>" in html
    assert await db.fetchval("SELECT generacion FROM publico.publicacion") >= generacion


async def test_an_older_batch_changes_nothing(db: asyncpg.Pool) -> None:
    (asked,) = await _send(db, contracts.SendAvance())
    await eventually(lambda: db.fetchval("SELECT done_at IS NOT NULL FROM outbox.jobs WHERE id = $1", asked), within=60)
    await eventually(lambda: db.fetchval("SELECT at IS NOT NULL FROM publico.avance_corte"), what="a first batch")
    filas = await db.fetchval("SELECT count(*) FROM publico.avance")
    assert filas > 0  # the demo process has registered candidacies
    corte = await db.fetchrow("SELECT at, version FROM publico.avance_corte")
    # A late redelivery of an old, empty batch.
    (job,) = await _send(db, contracts.RecordAvance(at=datetime(2020, 1, 1, tzinfo=UTC), filas=[]))
    await eventually(lambda: db.fetchval("SELECT done_at IS NOT NULL FROM outbox.jobs WHERE id = $1", job))
    after = await db.fetchrow("SELECT at, version FROM publico.avance_corte")
    assert after["at"] >= corte["at"] and after["version"] >= corte["version"]
    assert await db.fetchval("SELECT count(*) FROM publico.avance") > 0
