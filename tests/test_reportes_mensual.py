"""Report 3, informe mensual, and the daily counts of public visits, through the gateway against the running system.

Activity figures are of a postulante the test creates (other tests add candidacies), recomputed here from what the
test sent. Visits are counted by the real publico in Redis and moved to reportes by its flush job.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import asyncpg
from redis.asyncio import Redis

from launcher.system import System
from services.common import contracts, tiempo
from services.publico import visitas
from services.reportes import mensual

from . import factories
from .helpers import Client, eventually, fill_curricular
from .test_reportes_avance import estado, mediodia, recorded, send, staff, zona

MENSUAL = "/reportes/mensual"
ARCHIVO = re.compile(r"/reportes/archivos/(\d+)$")


def celdas(html: str, etiqueta: str) -> list[str]:
    """The cells of the activity row with this label."""
    fila = re.search(rf'<th scope="row">{re.escape(etiqueta)}</th>(.*?)</tr>', html, re.S)
    assert fila, etiqueta
    return re.findall(r"<td[^>]*>([^<]*)</td>", fila.group(1))


def dato(html: str, nombre: str) -> str:
    m = re.search(rf'data-dato="{nombre}">([^<]*)<', html)
    assert m, nombre
    return m.group(1)


def mes_anterior(hoy: date) -> date:
    return (hoy.replace(day=1) - timedelta(days=1)).replace(day=1)


async def informe(client: Client, mes: date, postulante_id: int | None = None) -> str:
    params = {"mes": f"{mes:%Y-%m}", **({"postulante": str(postulante_id)} if postulante_id else {})}
    response = await client.get(MENSUAL, params=params)
    text = await response.text()
    assert response.status == 200, text
    return text


async def test_the_month_counts_what_happened_in_it(make_client: type[Client], db: asyncpg.Pool) -> None:
    tz = await zona(db)
    hoy = tiempo.today(datetime.now(UTC), tz)
    mes = mes_anterior(hoy)

    def dia(n: int, horas: int = 0) -> datetime:
        return mediodia(mes.replace(day=n), tz, horas)

    postulante_id, siglas = await factories.postulante(db, "partido")
    a, b, c, d = [(await factories.candidata(db, siglas=siglas)).candidatura_id for _ in range(4)]
    await db.execute("UPDATE registro.candidaturas SET created_at = $2 WHERE id = ANY($1)", [a, b, c], dia(2, -3))
    # d replaced a on day 20: a substitution of the month.
    await db.execute("UPDATE registro.candidaturas SET created_at = $2, sustituye_a = $3 WHERE id = $1", d, dia(20), a)
    # Saves are counted in captura's audit rows: two rubros and a photo in the month; a save of the next month and
    # another action of the month are not saves of the month.
    await audit_rows(
        db,
        (a, "guardar_rubro", dia(3, -2)),
        (a, "guardar_rubro", dia(3, -1)),
        (b, "subir_foto", dia(4, -1)),
        (b, "guardar_rubro", mediodia(hoy.replace(day=1), tz, -11)),
        (b, "enviar_cuestionario", dia(4)),
    )
    k = f"prueba-mensual-{postulante_id}-"
    await send(
        db,
        estado(a, "curricular", "enviado", dia(3), k + "1"),
        estado(a, "curricular", "validado", dia(5), k + "2"),  # 2 days
        estado(a, "curricular", "publicado", dia(6), k + "3"),
        estado(b, "curricular", "enviado", dia(4), k + "4"),
        estado(b, "curricular", "con_observaciones", dia(4, 4), k + "5"),  # 4 hours
        estado(b, "curricular", "en_correccion", dia(5), k + "6"),
        estado(b, "curricular", "enviado", dia(10), k + "7"),  # waiting at the close for weeks: overdue
        estado(c, "identidad", "enviado", dia(3), k + "8"),
        estado(c, "identidad", "validado", dia(4), k + "9"),  # 1 day
    )
    await recorded(db, k, 9)
    coordinacion = await staff(make_client, db)
    html = await informe(coordinacion, mes, postulante_id)

    assert celdas(html, "Respuestas guardadas") == ["—", "—", "3"]
    assert celdas(html, "Envíos a validación") == ["3", "1", "4"]
    assert celdas(html, "Devoluciones con observaciones") == ["1", "0", "1"]
    assert celdas(html, "Validaciones") == ["1", "1", "2"]
    assert celdas(html, "Publicaciones") == ["1", "0", "1"]
    assert celdas(html, "Correcciones abiertas") == ["1", "0", "1"]
    assert celdas(html, "Sustituciones registradas") == ["—", "—", "1"]
    # Reviews of the month: 2 days, 4 hours, 1 day; the median is 1 day.
    assert dato(html, "revisiones") == "3"
    assert dato(html, "mediana") == "1 día 0 h"
    assert (dato(html, "pendientes"), dato(html, "vencidos")) == ("1", "1")
    assert "grafica-mensual" in html and "El mes aún no termina" not in html

    # The same figures in every file, built by reportes.render.
    texto = (await render(coordinacion, mes, postulante_id, "csv")).decode("utf-8-sig")
    filas = list(csv.reader(io.StringIO(texto)))
    assert ["Envíos a validación", "3", "1", "4"] in filas
    assert ["Mediana del envío a la revisión", "1 día 0 h"] in filas
    assert ["Sustituciones registradas", "", "", "1"] in filas
    assert (await render(coordinacion, mes, postulante_id, "xlsx")).startswith(b"PK")
    assert (await render(coordinacion, mes, postulante_id, "pdf")).startswith(b"%PDF")

    # A postulante with nothing in that month: the page says so (visits and incidents of last month are none).
    vacio_id, _ = await factories.postulante(db, "partido")
    html = await informe(coordinacion, mes, vacio_id)
    assert 'id="mes-vacio"' in html
    assert celdas(html, "Envíos a validación") == ["0", "0", "0"]


async def audit_rows(db: asyncpg.Pool, *filas: tuple[int, str, datetime]) -> None:
    """Audit rows as captura's save_answer writes them (service, entity), for candidacy, action and time."""
    await db.executemany(
        "INSERT INTO audit.eventos (entity_id, action, at, service, entity)"
        " VALUES ($1, $2, $3, 'captura', 'candidatura')",
        [(str(candidatura_id), action, at) for candidatura_id, action, at in filas],
    )


async def render(client: Client, mes: date, postulante_id: int | None, formato: str) -> bytes:
    data = {"mes": f"{mes:%Y-%m}", "formato": formato, **({"postulante": str(postulante_id)} if postulante_id else {})}
    response = await client.submit(f"{MENSUAL}?mes={mes:%Y-%m}", MENSUAL + "/archivos", data)
    assert response.status == 303, await response.text()
    location = response.headers["Location"]
    assert ARCHIVO.search(location), location

    async def ready() -> str | None:
        page = await (await client.get(location)).text()
        assert "No se pudo generar" not in page, page
        return page if "Estado: <strong>Listo</strong>" in page else None

    page = await eventually(ready, within=60, what="the monthly report file")
    assert "Informe mensual" in page and f"{MENSUAL}?mes={mes:%Y-%m}" in page
    assert f"Mes: {mensual.nombre(mes)}." in page
    download = await client.get(location + "/descarga")
    assert download.status == 200
    assert f"informe-mensual-{mes:%Y-%m}" in download.headers["Content-Disposition"]
    return await download.read()


async def test_saving_an_answer_counts_in_the_month(make_client: type[Client], db: asyncpg.Pool) -> None:
    tz = await zona(db)
    hoy = tiempo.today(datetime.now(UTC), tz)
    postulante_id, siglas = await factories.postulante(db, "partido")
    person = await factories.candidata(db, siglas=siglas)
    candidata = make_client()
    await candidata.login(person.username)
    await fill_curricular(candidata, person.candidatura_id)
    # Every save raised the rubro's version by one: captura's own count of saves, independent of reportes. The
    # report counts them the moment they are saved (the audit rows of the saves' own transactions, no job).
    guardados = await db.fetchval(
        "SELECT sum(version) FROM captura.respuestas WHERE candidatura_id = $1", person.candidatura_id
    )
    assert guardados >= 5
    html = await informe(await staff(make_client, db), hoy.replace(day=1), postulante_id)
    assert celdas(html, "Respuestas guardadas")[-1] == str(guardados)
    assert "El mes aún no termina" in html


async def test_public_pages_and_downloads_are_counted_per_day_once(
    system: System, client: Client, make_client: type[Client], db: asyncpg.Pool
) -> None:
    tz = await zona(db)
    hoy = tiempo.today(datetime.now(UTC), tz)
    redis = Redis.from_url(system.settings().redis_url)
    pagina, descarga = visitas.clave(hoy, "pagina"), visitas.clave(hoy, "descarga")

    async def contador(key: str) -> int:
        return int(await redis.get(key) or 0)

    try:
        antes = (await contador(pagina), await contador(descarga))
        for path in ("/", "/", "/", "/candidaturas"):  # the second and third "/" come from publico's cache
            assert (await client.get(path)).status == 200
        # A browser whose copy is still good gets a 304: a visit too.
        etag = (await client.get("/candidaturas")).headers["ETag"]
        assert (await client.get("/candidaturas", headers={"If-None-Match": etag})).status == 304
        assert (await client.get("/datos/diccionario.csv")).status == 200
        # Not counted: a robot, the API, a page that does not exist, a HEAD.
        assert (await client.get("/", headers={"User-Agent": "Googlebot/2.1"})).status == 200
        assert (await client.get("/api/v1/candidaturas")).status == 200
        assert (await client.get("/no-existe-esta-pagina")).status == 404
        assert (await client.request("HEAD", "/")).status == 200
        esperado = (antes[0] + 6, antes[1] + 1)

        async def contados() -> tuple[int, int] | None:
            ahora = (await contador(pagina), await contador(descarga))
            return ahora if ahora == esperado else None

        await eventually(contados, what="publico to count the visits")
        assert (await contador(pagina), await contador(descarga)) == esperado
        # Nothing about who asked is in Redis: the counters' names are the day and the kind.
        assert {k.decode() async for k in redis.scan_iter(match=visitas.PREFIJO + "*")} <= {
            visitas.clave(hoy - timedelta(days=n), t) for n in range(4) for t in ("pagina", "descarga")
        }
    finally:
        await redis.aclose()

    async def en_reportes() -> tuple[int, int] | None:
        rows = {
            r["tipo"]: r["total"]
            for r in await db.fetch("SELECT tipo, total FROM reportes.visitas WHERE fecha = $1", hoy)
        }
        ahora = (rows.get("pagina", 0), rows.get("descarga", 0))
        return ahora if ahora == esperado else None

    await send(db, contracts.FlushVisitas())
    await eventually(en_reportes, what="the flush to reach reportes")
    # A second run, a redelivery and a late, smaller total change nothing: totals are set, never added.
    await send(db, contracts.FlushVisitas(), contracts.FlushVisitas())
    await send(db, contracts.RecordVisitas(fecha=hoy, tipo="pagina", total=1))
    await eventually(lambda: _procesados(db), what="the jobs to run")
    assert await en_reportes() == esperado

    html = await informe(await staff(make_client, db), hoy.replace(day=1))
    assert dato(html, "descargas") != "0"
    hoy_fila = re.search(rf"<th scope=\"row\">{hoy:%d/%m/%Y}</th><td>(\d+)</td><td>(\d+)</td>", html)
    assert hoy_fila and (int(hoy_fila.group(1)), int(hoy_fila.group(2))) == esperado


async def _procesados(db: asyncpg.Pool) -> bool | None:
    pendientes = await db.fetchval(
        "SELECT count(*) FROM outbox.jobs WHERE function IN ('publico.flush_visitas', 'reportes.record_visitas')"
        " AND done_at IS NULL"
    )
    return True if pendientes == 0 else None


async def test_bad_months_and_roles(make_client: type[Client], db: asyncpg.Pool) -> None:
    tz = await zona(db)
    hoy = tiempo.today(datetime.now(UTC), tz)
    coordinacion = await staff(make_client, db)
    siguiente = (hoy.replace(day=1) + timedelta(days=32)).replace(day=1)
    for mes, mensaje in (
        ("2024-13", "año y mes"),
        (f"{siguiente:%Y-%m}", "aún no empieza"),
        ("1990-01", "anterior al inicio"),
    ):
        response = await coordinacion.get(MENSUAL, params={"mes": mes})
        assert response.status == 422
        assert mensaje in await response.text()
    response = await coordinacion.get(MENSUAL, params={"postulante": "abc"})
    assert response.status == 422
    assert "Elige un partido" in await response.text()
    admin = await staff(make_client, db, "admin")
    assert (await admin.get(MENSUAL)).status == 200
    for role in ("validador", "igualdad"):
        other = await staff(make_client, db, role)
        assert (await other.get(MENSUAL)).status == 403
    anonimo = make_client()
    assert (await anonimo.get(MENSUAL, allow_redirects=False)).status in (302, 303, 401)


async def test_incidents_are_written_validated_and_audited(make_client: type[Client], db: asyncpg.Pool) -> None:
    tz = await zona(db)
    mes = tiempo.today(datetime.now(UTC), tz).replace(day=1)
    coordinacion = await staff(make_client, db)
    path = f"{MENSUAL}?mes={mes:%Y-%m}"
    texto = f"Falla del servidor el día 1 <b>durante</b> 20 minutos. {datetime.now(UTC).isoformat()}"
    response = await coordinacion.submit(path, MENSUAL + "/incidencias", {"mes": f"{mes:%Y-%m}", "incidencias": texto})
    assert response.status == 303, await response.text()
    assert "seccion-incidencias" in response.headers["Location"]
    html = await (await coordinacion.get(response.headers["Location"])).text()
    assert "Se guardaron las incidencias" in html
    assert "Falla del servidor el día 1 &lt;b&gt;durante&lt;/b&gt;" in html  # escaped, never markup
    assert await db.fetchval("SELECT texto FROM reportes.incidencias WHERE mes = $1", mes) == texto
    audited = await db.fetchval(
        "SELECT details->>'despues' FROM audit.eventos WHERE action = 'escribir_incidencias' AND entity_id = $1"
        " ORDER BY id DESC LIMIT 1",
        f"{mes:%Y-%m}",
    )
    assert audited == texto
    # Too long: the page comes back with the text typed and the message, nothing saved.
    largo = "x" * 20_001
    response = await coordinacion.submit(path, MENSUAL + "/incidencias", {"mes": f"{mes:%Y-%m}", "incidencias": largo})
    assert response.status == 422
    page = await response.text()
    assert "caben en 20000 caracteres" in page and largo in page and 'aria-invalid="true"' in page
    assert await db.fetchval("SELECT texto FROM reportes.incidencias WHERE mes = $1", mes) == texto
    # A validador may not write them.
    validador = await staff(make_client, db, "validador")
    response = await validador.post(MENSUAL + "/incidencias", data={"mes": f"{mes:%Y-%m}", "incidencias": "x"})
    assert response.status in (403, 400)


async def test_a_public_page_is_served_while_redis_is_down(system: System, client: Client) -> None:
    """Counting never fails a request: with Redis stopped the page and the file are served (the counts of that
    moment are lost)."""
    assert system.redis is not None, "this test stops the embedded Redis"
    system.redis.stop()
    try:
        assert (await client.get("/")).status == 200
        assert (await client.get("/datos/diccionario.csv")).status == 200
    finally:
        await asyncio.to_thread(system.redis.start)
