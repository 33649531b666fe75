"""Report 1, avance cuantitativo de la captura, through the gateway against the running system (issue 11).

Every figure checked is of a postulante the test creates (other tests add candidacies), recomputed here from what
the test itself did. Past days are made the way the services make them: candidacies whose registry row says when
they were registered, and state changes and facts sent through the outbox as the services send them.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import asyncpg

from services.common import contracts, tiempo

from . import factories
from .helpers import Client, approve_review, eventually, fill_curricular
from .uploads import upload

AVANCE = "/reportes/avance"
ARCHIVO = re.compile(r"/reportes/archivos/(\d+)$")
COLUMNAS = ("registradas", "cuenta", "curricular_enviado", "identidad_enviado", "consentimiento",
            "con_observaciones", "validado", "publicado")  # fmt: skip
SIGNED_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def totales(html: str) -> dict[str, int]:
    """The total row of the report's table, column by column."""
    pie = html.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    return {c: int(v) for c, v in re.findall(r'data-columna="(\w+)">(\d+)', pie)}


async def zona(db: asyncpg.Pool) -> ZoneInfo:
    return tiempo.zona(await db.fetchval("SELECT zona_horaria FROM registro.procesos WHERE activo ORDER BY id DESC"))


def mediodia(dia: date, tz: ZoneInfo, horas: int = 0) -> datetime:
    return datetime.combine(dia, time(12 + horas), tzinfo=tz).astimezone(UTC)


async def staff(make_client: type[Client], db: asyncpg.Pool, role: str = "coordinacion") -> Client:
    client = make_client()
    await client.login(await factories.cuenta(db, role))
    return client


async def report(client: Client, dia: date, postulante_id: int, **extra: str) -> str:
    query = {"fecha": dia.isoformat(), "postulante": str(postulante_id), **extra}
    response = await client.get(AVANCE, params=query)
    text = await response.text()
    assert response.status == 200, text
    return text


async def send(db: asyncpg.Pool, *jobs: contracts.Contract) -> None:
    async with db.acquire() as conn, conn.transaction():
        for job in jobs:
            await contracts.send(conn, job)


def estado(candidatura_id: int, cuestionario: str, valor: str, at: datetime, clave: str) -> contracts.RecordStatus:
    return contracts.RecordStatus(
        candidatura_id=candidatura_id, cuestionario=cuestionario, estado=valor, at=at, job_key=clave
    )


def hecho(candidatura_id: int, valor: str, at: datetime, clave: str) -> contracts.RecordHecho:
    return contracts.RecordHecho(candidatura_id=candidatura_id, hecho=valor, at=at, job_key=clave)  # type: ignore[arg-type]


async def recorded(db: asyncpg.Pool, prefix: str, n: int) -> None:
    async def count() -> bool:
        total = await db.fetchval(
            "SELECT (SELECT count(*) FROM reportes.historial_estados WHERE job_key LIKE $1 || '%')"
            " + (SELECT count(*) FROM reportes.hechos WHERE job_key LIKE $1 || '%')",
            prefix,
        )
        return bool(total == n)

    await eventually(count, what=f"reportes to record {n} changes")


async def render(client: Client, dia: date, postulante_id: int, formato: str) -> tuple[str, bytes, str]:
    """Ask for a file, follow its progress page until it is ready, download it; its SHA-256, bytes and page."""
    data = {"fecha": dia.isoformat(), "postulante": str(postulante_id), "formato": formato}
    response = await client.submit(
        AVANCE + f"?fecha={dia.isoformat()}&postulante={postulante_id}", AVANCE + "/archivos", data
    )
    assert response.status == 303, await response.text()
    location = response.headers["Location"]
    assert ARCHIVO.search(location), location

    async def ready() -> str | None:
        page = await (await client.get(location)).text()
        assert "No se pudo generar" not in page, page
        return page if "Estado: <strong>Listo</strong>" in page else None

    first = await (await client.get(location)).text()
    assert "<progress" in first
    page = await eventually(ready, within=60, what="the report file")
    sha = re.search(r'<code id="sha256">([0-9a-f]{64})</code>', page)
    assert sha, page
    download = await client.get(location + "/descarga")
    assert download.status == 200
    assert download.headers["Cache-Control"].startswith("private")
    assert download.headers["Content-Disposition"].startswith("attachment")
    body = await download.read()
    assert hashlib.sha256(body).hexdigest() == sha.group(1)
    return sha.group(1), body, location


async def test_the_report_as_of_past_days_and_a_frozen_day_stays_as_it_was_presented(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    tz = await zona(db)
    hoy = tiempo.today(datetime.now(UTC), tz)
    d5, d4, d3 = hoy - timedelta(days=5), hoy - timedelta(days=4), hoy - timedelta(days=3)
    postulante_id, siglas = await factories.postulante(db, "partido")
    a, b, c = [(await factories.candidata(db, siglas=siglas)).candidatura_id for _ in range(3)]
    formula = await factories.formula_sin_cuentas(db, postulante_id)
    mias = [a, b, c, formula.propietaria, formula.suplente]
    # Registered on day 5, except the suplente, registered on day 4.
    await db.execute(
        "UPDATE registro.candidaturas SET created_at = $2 WHERE id = ANY($1)", mias[:4], mediodia(d5, tz, -3)
    )
    await db.execute("UPDATE registro.candidaturas SET created_at = $2 WHERE id = $1", mias[4], mediodia(d4, tz, -3))

    k = f"prueba-avance-{postulante_id}-"
    await send(
        db,
        hecho(a, "cuenta_entregada", mediodia(d5, tz), k + "1"),
        hecho(b, "cuenta_entregada", mediodia(d5, tz), k + "2"),
        estado(a, "curricular", "en_captura", mediodia(d5, tz, 1), k + "3"),
        estado(a, "curricular", "enviado", mediodia(d4, tz), k + "4"),
        estado(b, "curricular", "enviado", mediodia(d4, tz), k + "5"),
        estado(b, "curricular", "con_observaciones", mediodia(d4, tz, 2), k + "6"),
        hecho(a, "consentimiento_cargado", mediodia(d4, tz), k + "7"),
        estado(a, "curricular", "validado", mediodia(d3, tz), k + "8"),
        estado(a, "identidad", "enviado", mediodia(d3, tz), k + "9"),
    )
    await recorded(db, k, 9)
    coordinacion = await staff(make_client, db)

    cero = dict.fromkeys(COLUMNAS, 0)
    dia5 = {**cero, "registradas": 4, "cuenta": 2}
    dia4 = {**dia5, "registradas": 5, "curricular_enviado": 2, "consentimiento": 1, "con_observaciones": 1}
    dia3 = {**dia4, "identidad_enviado": 1, "validado": 1}
    assert totales(await report(coordinacion, d5, postulante_id)) == dia5
    page4 = await report(coordinacion, d4, postulante_id)
    assert totales(page4) == dia4
    assert "reconstruidas del historial" in page4
    assert "40.0 %" in page4  # 2 of 5 submitted the curricular
    assert totales(await report(coordinacion, d3, postulante_id)) == dia3

    # The file of day 4, asked for before the day is frozen.
    sha_antes, csv_antes, _ = await render(coordinacion, d4, postulante_id, "csv")
    assert "Total" in csv_antes.decode("utf-8-sig")

    # Day 4 is frozen (what the cron does each night for the day that ended); then the registry and the history
    # change: a cancellation and a late-arriving approval dated day 4.
    await send(db, contracts.Snapshot(fecha=d4))
    await eventually(lambda: db.fetchval("SELECT 1 FROM reportes.cortes WHERE fecha = $1", d4), what="the snapshot")
    congelado = "SELECT count(*) FROM audit.eventos WHERE action = 'congelar_corte' AND entity_id = $1"
    assert await db.fetchval(congelado, d4.isoformat()) == 1
    await db.execute("UPDATE registro.candidaturas SET estatus = 'cancelada' WHERE id = $1", c)
    await send(db, estado(b, "curricular", "validado", mediodia(d4, tz, 3), k + "10"))
    await recorded(db, k, 10)

    frozen = await report(coordinacion, d4, postulante_id)
    assert totales(frozen) == dia4, "a frozen day shows what it showed when it was presented"
    assert "corte diario guardado" in frozen
    # Snapshotting again changes nothing (and records nothing).
    filas = await db.fetchval("SELECT count(*) FROM reportes.corte_candidaturas WHERE fecha = $1", d4)
    async with db.acquire() as conn, conn.transaction():
        again = await contracts.send(conn, contracts.Snapshot(fecha=d4))
    await eventually(lambda: db.fetchval("SELECT done_at FROM outbox.jobs WHERE id = $1", again), what="the rerun")
    assert await db.fetchval("SELECT count(*) FROM reportes.corte_candidaturas WHERE fecha = $1", d4) == filas
    assert await db.fetchval(congelado, d4.isoformat()) == 1
    # Day 3 has no snapshot: from the history (both approvals) and the registry as it is now (c cancelled).
    later = await report(coordinacion, d3, postulante_id)
    # b was approved after its observations: no longer "with observations".
    assert totales(later) == {**dia3, "registradas": 4, "validado": 2, "con_observaciones": 0}
    aparte = later.split('id="aparte"', 1)[1].split("</table>", 1)[0]
    assert "<td>Cancelada</td><td>1</td>" in aparte

    # The figures of the file presented before the freeze are the frozen day's; only the line saying where they
    # come from differs. The same parameters over the same (frozen) data then give the same file, byte for byte.
    sha_despues, csv_despues, archivo = await render(coordinacion, d4, postulante_id, "csv")
    assert sha_despues != sha_antes
    sin_origen = [line for line in csv_antes.decode().splitlines() if "Cifras" not in line]
    assert sin_origen == [line for line in csv_despues.decode().splitlines() if "Cifras" not in line]
    # Asked again: the frozen day's file is the same one, reused.
    assert (await render(coordinacion, d4, postulante_id, "csv"))[::2] == (sha_despues, archivo)
    pdf_sha, pdf, pdf_archivo = await render(coordinacion, d4, postulante_id, "pdf")
    assert pdf.startswith(b"%PDF")
    assert (await render(coordinacion, d4, postulante_id, "pdf"))[::2] == (pdf_sha, pdf_archivo)
    _, xlsx, _ = await render(coordinacion, d4, postulante_id, "xlsx")
    assert xlsx.startswith(b"PK")
    # Kept with their parameters: the CSV before and after the freeze, one PDF and one XLSX.
    rows = await db.fetch(
        "SELECT formato, parametros, sha256 FROM reportes.archivos WHERE parametros->>'postulante' = $1 ORDER BY id",
        str(postulante_id),
    )
    assert [r["formato"] for r in rows] == ["csv", "csv", "pdf", "xlsx"]
    assert {r["parametros"]["fecha"] for r in rows} == {d4.isoformat()} and len({r["sha256"] for r in rows}) == 4


async def test_todays_report_follows_a_candidacy_through_capture_validation_accounts_and_consent(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    tz = await zona(db)
    hoy = tiempo.today(datetime.now(UTC), tz)
    postulante_id, siglas = await factories.postulante(db, "independiente")
    person = await factories.candidata(db, siglas=siglas)
    formula = await factories.formula_sin_cuentas(db, postulante_id)
    coordinacion = await staff(make_client, db)
    assert totales(await report(coordinacion, hoy, postulante_id)) == {**dict.fromkeys(COLUMNAS, 0), "registradas": 3}

    # The accounts: a lote of auth creates the fórmula's; auth tells reportes.
    lote = await coordinacion.submit("/cuenta/lotes", "/cuenta/lotes", {})
    assert lote.status == 303, await lote.text()
    await eventually(
        lambda: db.fetchval(
            "SELECT count(*) = 2 FROM reportes.hechos WHERE hecho = 'cuenta_entregada' AND candidatura_id = ANY($1)",
            [formula.propietaria, formula.suplente],
        ),
        within=120,
        what="the delivered accounts",
    )

    # The candidate uploads her signed form, fills in and submits the curricular, and a reviewer approves it.
    candidata = make_client()
    await candidata.login(person.username)
    base = f"/captura/candidaturas/{person.candidatura_id}/consentimiento"
    subido = await upload(candidata, base, f"{base}/documento", "documento", SIGNED_PDF, "f.pdf", "application/pdf")
    assert subido.status == 303, await subido.text()
    await fill_curricular(candidata, person.candidatura_id)
    overview = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    sent = await candidata.submit(overview, f"{overview}/enviar", {})
    assert sent.status == 303, await sent.text()
    await approve_review(await staff(make_client, db, "validador"), db, person.candidatura_id)

    async def updated() -> dict[str, int] | None:
        figures = totales(await report(coordinacion, hoy, postulante_id))
        return figures if figures["validado"] == 1 else None

    figures = await eventually(updated, what="the approval in the report")
    assert figures["registradas"] == 3 and figures["cuenta"] == 2
    assert figures["consentimiento"] == 1 and figures["curricular_enviado"] == 1
    page = await report(coordinacion, hoy, postulante_id, sexo="1", ambito="1")
    assert '<th scope="col">Sexo</th>' in page and "<td>Mujer</td>" in page
    assert "el día aún no termina" in page


async def test_bad_cut_off_dates_and_formats_are_clear_messages(make_client: type[Client], db: asyncpg.Pool) -> None:
    coordinacion = await staff(make_client, db, "admin")
    tz = await zona(db)
    manana = tiempo.today(datetime.now(UTC), tz) + timedelta(days=1)
    cases = {
        manana.isoformat(): "posterior a hoy",
        "1990-01-01": "anterior al inicio del proceso",
        "26/04/2024": "Escribe la fecha de corte",
        "2024-02-30": "Escribe la fecha de corte",
    }
    for fecha, message in cases.items():
        response = await coordinacion.get(AVANCE, params={"fecha": fecha})
        text = await response.text()
        assert response.status == 422, text
        assert message in text and 'aria-invalid="true"' in text and f'value="{fecha}"' in text
    bad = await coordinacion.get(AVANCE, params={"postulante": "abc"})
    assert bad.status == 422
    response = await coordinacion.submit(AVANCE, AVANCE + "/archivos", {"fecha": "", "formato": "docx"})
    assert response.status == 422 and "Elige el formato" in await response.text()
    assert (await coordinacion.get("/reportes/archivos/999999999")).status == 404
    assert (await coordinacion.get("/reportes/archivos/999999999/descarga")).status == 404
    assert (await coordinacion.get("/reportes/archivos/abc")).status == 404


async def test_report_one_is_for_coordinacion_and_admin_only(make_client: type[Client], db: asyncpg.Pool) -> None:
    for role in ("igualdad", "validador", "transparencia"):
        client = await staff(make_client, db, role)
        assert (await client.get(AVANCE)).status == 403, role
        assert (await client.get("/reportes/archivos/1")).status == 403, role
        index = await client.get("/reportes/")
        assert index.status == 200 and AVANCE not in await index.text()
    candidata = make_client()
    await candidata.login((await factories.candidata(db)).username)
    assert (await candidata.get(AVANCE)).status == 403
    anonymous = make_client()
    assert (await anonymous.get(AVANCE)).status in (302, 303)


async def test_a_file_left_half_done_by_a_stopped_worker_is_built_whole_by_the_retry(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    tz = await zona(db)
    hoy = tiempo.today(datetime.now(UTC), tz)
    postulante_id, siglas = await factories.postulante(db, "partido")
    await factories.candidata(db, siglas=siglas)
    parametros = {"fecha": hoy.isoformat(), "desglose": [], "postulante": postulante_id}
    # What a worker stopped mid-render leaves: the row in progress, no bytes; its outbox job is handed over again.
    archivo_id = await db.fetchval(
        "INSERT INTO reportes.archivos (informe, formato, parametros, estado, progreso) "
        "VALUES ('avance', 'xlsx', $1::jsonb, 'en_proceso', 60) RETURNING id",
        parametros,
    )
    await send(
        db,
        contracts.Render(
            archivo_id=archivo_id, informe="avance", formato="xlsx", fecha=hoy, postulante_id=postulante_id
        ),
    )
    row = await eventually(
        lambda: db.fetchrow(
            "SELECT a.sha256, c.contenido, a.progreso FROM reportes.archivos a "
            "JOIN reportes.contenidos c ON c.sha256 = a.sha256 WHERE a.id = $1 AND a.estado = 'listo'",
            archivo_id,
        ),
        what="the retried file",
    )
    assert row["progreso"] == 100 and hashlib.sha256(row["contenido"]).hexdigest() == row["sha256"]
    coordinacion = await staff(make_client, db)
    download = await coordinacion.get(f"/reportes/archivos/{archivo_id}/descarga")
    assert hashlib.sha256(await download.read()).hexdigest() == row["sha256"]


async def test_a_postulante_without_candidacies_is_a_report_of_zero_rows(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    postulante_id, _ = await factories.postulante(db, "partido")
    coordinacion = await staff(make_client, db)
    tz = await zona(db)
    page = await report(coordinacion, tiempo.today(datetime.now(UTC), tz), postulante_id)
    assert "No hay candidaturas registradas a esa fecha para ese postulante" in page
