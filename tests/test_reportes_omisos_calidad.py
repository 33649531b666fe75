"""Reports 2 (candidaturas omisas) and 5 (calidad de los datos) through the gateway against the running system.

Every figure checked is of a postulante the test creates, recomputed here from what the test itself did: its
registry rows, the state changes it sent as the services send them, a real submission through captura (whose
automatic review flags a CURP and finds a placeholder) and a flag discarded on transparencia's screen.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile
from datetime import UTC, date, datetime, timedelta

import asyncpg

from services.common import tiempo

from . import factories
from .helpers import Client, eventually, fill_curricular
from .pdf_text import pdf_text
from .test_reportes_avance import estado, mediodia, recorded, send, staff, zona
from .test_revision_automatica import _propuesta, _submit

OMISOS = "/reportes/omisos"
CALIDAD = "/reportes/calidad"
ARCHIVO = re.compile(r"/reportes/archivos/(\d+)$")


def pie(html: str, tabla: str) -> dict[str, int]:
    cuerpo = html.split(f'id="{tabla}"', 1)[1].split("</table>", 1)[0]
    total = cuerpo.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    return {c: int(v) for c, v in re.findall(r'data-columna="(\w+)">(\d+)<', total)}


def omisas(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'<tr data-candidatura="(\d+)">', html)}


async def get(client: Client, path: str, **query: str) -> str:
    response = await client.get(path, params=query)
    text = await response.text()
    assert response.status == 200, text
    return text


async def render(client: Client, page: str, action: str, data: dict[str, str]) -> tuple[bytes, str]:
    """Ask for a file, wait until the worker builds it, download it; its bytes and its progress page."""
    response = await client.submit(page, action, data)
    assert response.status == 303, await response.text()
    location = response.headers["Location"]
    assert ARCHIVO.search(location), location

    async def ready() -> str | None:
        text = await (await client.get(location)).text()
        assert "No se pudo generar" not in text, text
        return text if "Estado: <strong>Listo</strong>" in text else None

    progreso = await eventually(ready, within=60, what="the report file")
    assert "<progress" in progreso and re.search(r'<code id="sha256">[0-9a-f]{64}</code>', progreso)
    download = await client.get(location + "/descarga")
    assert download.status == 200 and download.headers["Cache-Control"].startswith("private")
    return await download.read(), progreso


async def nombre(db: asyncpg.Pool, candidatura_id: int) -> str:
    valor: str = await db.fetchval(
        "SELECT concat_ws(' ', nombre, primer_apellido, nullif(segundo_apellido, '')) FROM registro.candidaturas "
        "WHERE id = $1",
        candidatura_id,
    )
    return valor


async def test_omisos_at_the_close_with_a_prorroga_and_at_earlier_cut_offs(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    tz = await zona(db)
    hoy = tiempo.today(datetime.now(UTC), tz)
    d5, d4, d3, d2, d1 = (hoy - timedelta(days=n) for n in (5, 4, 3, 2, 1))
    postulante_id, siglas = await factories.postulante(db, "partido")
    a, b, c, d = [(await factories.candidata(db, siglas=siglas)).candidatura_id for _ in range(4)]
    formula = await factories.formula_sin_cuentas(db, postulante_id)
    e, f = formula.propietaria, formula.suplente
    await db.execute(
        "UPDATE registro.candidaturas SET created_at = $2 WHERE id = ANY($1)", [a, b, c, d, e, f], mediodia(d5, tz, -3)
    )
    await db.execute("UPDATE registro.candidaturas SET estatus = 'cancelada' WHERE id = $1", f)
    original = await db.fetchrow("SELECT id, captura_inicio, captura_fin FROM registro.procesos WHERE activo")
    proceso_id = original["id"]
    prorroga = await db.fetchval(
        """INSERT INTO registro.prorrogas (proceso_id, candidatura_id, fin, acuerdo, motivo, otorgada_por, created_at)
           VALUES ($1, $2, $3, 'IEM-CG-PRUEBA/2024', 'Prueba de omisos', 'prueba', $4) RETURNING id""",
        proceso_id,
        b,
        mediodia(d1, tz),
        mediodia(d4, tz),
    )
    k = f"prueba-omisos-{postulante_id}-"
    await send(
        db,
        estado(a, "curricular", "enviado", mediodia(d4, tz), k + "1"),  # before the close
        estado(b, "identidad", "enviado", mediodia(d2, tz), k + "2"),  # after the close, within its prórroga
        estado(c, "curricular", "en_captura", mediodia(d4, tz), k + "3"),
        estado(c, "curricular", "enviado", mediodia(d2, tz), k + "4"),  # too late: no prórroga
        estado(f, "curricular", "en_captura", mediodia(d4, tz), k + "5"),
    )
    await recorded(db, k, 5)
    coordinacion = await staff(make_client, db)
    try:
        # The capture closed on day 3 at noon.
        await db.execute("UPDATE registro.procesos SET captura_fin = $2 WHERE id = $1", proceso_id, mediodia(d3, tz))
        ahora = await get(coordinacion, OMISOS, fecha=hoy.isoformat(), postulante=str(postulante_id))
        assert pie(ahora, "resumen") == {"registradas": 5, "omisas": 3, "vigentes": 0}
        assert omisas(ahora) == {c, d, e}
        # c saved on day 4 and submitted only after the close.
        assert "Capturó sin enviar" in ahora.split(f'data-candidatura="{c}"', 1)[1].split("</tr>", 1)[0]
        aparte = ahora.split('id="aparte"', 1)[1].split("</table>", 1)[0]
        assert "<td>Cancelada</td><td>1</td>" in aparte

        # At the end of day 3 (after the close), b still had its prórroga: an omiso still in time; c had saved.
        dia3 = await get(coordinacion, OMISOS, fecha=d3.isoformat(), postulante=str(postulante_id))
        assert pie(dia3, "resumen") == {"registradas": 5, "omisas": 4, "vigentes": 1}
        assert omisas(dia3) == {b, c, d, e}
        fila_b = dia3.split(f'data-candidatura="{b}"', 1)[1].split("</tr>", 1)[0]
        assert "plazo vigente" in fila_b and "(con prórroga)" in fila_b
        assert "Capturó sin enviar" in dia3.split(f'data-candidatura="{c}"', 1)[1].split("</tr>", 1)[0]
        # On day 5 nothing had been submitted yet, and every window was open.
        dia5 = await get(coordinacion, OMISOS, fecha=d5.isoformat(), postulante=str(postulante_id))
        assert pie(dia5, "resumen") == {"registradas": 5, "omisas": 5, "vigentes": 5}
        assert "Capturó sin enviar" not in dia5.split(f'data-candidatura="{c}"', 1)[1].split("</tr>", 1)[0]

        # The files say the same: the CSV lists exactly the omisos of today, with their names.
        formulario = f"{OMISOS}?fecha={hoy.isoformat()}&postulante={postulante_id}"
        datos = {"fecha": hoy.isoformat(), "postulante": str(postulante_id)}
        csv_bytes, _ = await render(coordinacion, formulario, OMISOS + "/archivos", {**datos, "formato": "csv"})
        filas = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
        nombres = {fila[5] for fila in filas if len(fila) == 9 and fila[0] != "Postulante"}
        assert nombres == {await nombre(db, i) for i in (c, d, e)}
        assert any(fila[1:4] == ["5", "3", "0"] for fila in filas if fila and fila[0] == "Total")
        xlsx, _ = await render(coordinacion, formulario, OMISOS + "/archivos", {**datos, "formato": "xlsx"})
        assert zipfile.ZipFile(io.BytesIO(xlsx)).testzip() is None
        pdf, pagina = await render(coordinacion, formulario, OMISOS + "/archivos", {**datos, "formato": "pdf"})
        assert pdf.startswith(b"%PDF") and "Candidaturas omisas en la captura" in pagina
        texto_pdf = pdf_text(pdf)
        assert "Página 1" in texto_pdf and f"Fecha de corte: {hoy:%d/%m/%Y}" in texto_pdf
        assert all(n.split()[0] in texto_pdf for n in nombres), "every omisa is in the PDF (names may wrap)"
        assert "Volver al reporte" in pagina and "/reportes/omisos?" in pagina
        pedido = "SELECT count(*) FROM audit.eventos WHERE action = 'pedir_reporte' AND details->>'informe' = 'omisos'"
        assert await db.fetchval(pedido) >= 3
    finally:
        await db.execute(
            "UPDATE registro.procesos SET captura_inicio = $2, captura_fin = $3 WHERE id = $1", *original.values()
        )
        await db.execute("DELETE FROM registro.prorrogas WHERE id = $1", prorroga)


async def test_omisos_bad_input_gives_spanish_messages(make_client: type[Client], db: asyncpg.Pool) -> None:
    coordinacion = await staff(make_client, db)
    tz = await zona(db)
    manana = tiempo.today(datetime.now(UTC), tz) + timedelta(days=1)
    for fecha, mensaje in (
        (manana.isoformat(), "no puede ser posterior a hoy"),
        ("2001-01-01", "anterior al inicio del proceso"),
        ("01/02/2024", "Escribe la fecha de corte"),
    ):
        response = await coordinacion.get(OMISOS, params={"fecha": fecha})
        text = await response.text()
        assert response.status == 422, text
        assert mensaje in text and 'aria-invalid="true"' in text
    assert (await coordinacion.get(OMISOS, params={"postulante": "x"})).status == 422
    response = await coordinacion.submit(OMISOS, OMISOS + "/archivos", {"fecha": "", "formato": "docx"})
    assert response.status == 422 and "Elige el formato" in await response.text()
    response = await coordinacion.submit(OMISOS, OMISOS + "/archivos", {"fecha": manana.isoformat(), "formato": "csv"})
    assert response.status == 422 and "posterior a hoy" in await response.text()
    # A postulante with nothing registered: zero rows, said plainly.
    vacio, _ = await factories.postulante(db, "partido")
    text = await get(coordinacion, OMISOS, postulante=str(vacio))
    assert "No hay candidaturas registradas a esa fecha para ese postulante" in text
    assert pie(text, "resumen") == {"registradas": 0, "omisas": 0, "vigentes": 0}
    text = await get(coordinacion, CALIDAD, postulante=str(vacio))
    assert "No hay candidaturas registradas para ese postulante" in text
    assert (await coordinacion.get(CALIDAD, params={"postulante": "-3"})).status == 422


async def test_a_registration_without_its_distrito_is_listed_not_a_500(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    coordinacion = await staff(make_client, db)
    postulante_id, _ = await factories.postulante(db, "partido")
    async with db.acquire() as conn:
        proceso = await conn.fetchval("SELECT id FROM registro.procesos WHERE activo ORDER BY id LIMIT 1")
        for distrito in (None, 1):
            await conn.execute(
                """INSERT INTO registro.candidaturas (proceso_id, cargo, distrito, postulante_id, numero, tipo, nombre,
                       primer_apellido, segundo_apellido, sexo, fecha_nacimiento, curp)
                   VALUES ($1, 'DIP_MR', $2, $3, 1, 'propietaria', 'Sin', 'Distrito', '', 'mujer', $4, $5)""",
                proceso,
                distrito,
                postulante_id,
                date(1980, 1, 2),
                factories._curp(date(1980, 1, 2), "mujer"),
            )
    # Both in one postulante's group, same cargo: the old query's NULL ámbito made sorting them a TypeError (500).
    text = await get(coordinacion, OMISOS, postulante=str(postulante_id))
    assert "Distrito sin registrar" in text and "Distrito 1" in text


async def _persona(
    conn: asyncpg.Connection, proceso: int, postulante: int, numero: int, tipo: str, sexo: str,
    curp_sexo: str | None = None,
) -> int:  # fmt: skip
    nacimiento = date(1979, 3, 8)
    valor: int = await conn.fetchval(
        """INSERT INTO registro.candidaturas (proceso_id, cargo, municipio, postulante_id, numero, tipo, nombre,
               primer_apellido, segundo_apellido, sexo, fecha_nacimiento, curp)
           VALUES ($1, 'REG_RP', 16053, $2, $3, $4, 'Lista', 'Prueba', '', $5, $6, $7) RETURNING id""",
        proceso,
        postulante,
        numero,
        tipo,
        sexo,
        nacimiento,
        factories._curp(nacimiento, curp_sexo or sexo),
    )
    return valor


async def test_calidad_slate_curp_flags_and_placeholders(make_client: type[Client], db: asyncpg.Pool) -> None:
    postulante_id, siglas = await factories.postulante(db, "partido")
    async with db.acquire() as conn, conn.transaction():
        proceso = await conn.fetchval("SELECT id FROM registro.procesos WHERE activo ORDER BY id LIMIT 1")
        # A planilla of regidurías RP (rules: contiguous, parity, alternation, suplente of the same gender).
        await _persona(conn, proceso, postulante_id, 1, "propietaria", "mujer")
        await _persona(conn, proceso, postulante_id, 1, "suplente", "mujer")
        await _persona(conn, proceso, postulante_id, 2, "propietaria", "mujer")  # same sex as position 1
        await _persona(conn, proceso, postulante_id, 2, "suplente", "hombre")  # a man as a woman's suplente
        await _persona(conn, proceso, postulante_id, 4, "propietaria", "hombre")  # position 3 missing; no suplente
        await _persona(conn, proceso, postulante_id, 5, "propietaria", "mujer")
        await _persona(conn, proceso, postulante_id, 5, "suplente", "mujer", curp_sexo="hombre")  # its CURP says H
    # Another party's candidate submits a proposal; a candidate of this postulante submits a copy of it, a CURP in
    # another proposal and a placeholder in a rubro.
    original = _propuesta(f"bibliotecas rodantes {uuid.uuid4().hex[:6]}")
    _, otro = await factories.postulante(db, "partido")
    await _submit(make_client, db, otro, {"propuesta_1": original})
    person = await factories.candidata(db, siglas=siglas)
    candidata = make_client()
    await candidata.login(person.username)
    plantada = f"Mi CURP es {factories._curp(date(1984, 5, 17))}, para lo que necesiten."
    await fill_curricular(
        candidata,
        person.candidatura_id,
        propuestas={"propuesta_1": plantada, "propuesta_2": original.upper(), "propuesta_genero": "Guarderías."},
        formacion={"grado_maximo": "Licenciatura", "estatus": "Título", "cursos": "N/A"},
    )
    resumen = f"/captura/candidaturas/{person.candidatura_id}/curricular"
    assert (await candidata.submit(resumen, f"{resumen}/enviar", {})).status == 303
    bandera: int = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.banderas WHERE candidatura_id = $1 AND clase = 'curp'", person.candidatura_id
        ),
        what="the automatic review's flag",
    )
    hechos = "SELECT count(*) FROM reportes.hechos WHERE candidatura_id = $1 AND hecho = ANY($2::text[])"
    await eventually(
        lambda: _n(db, hechos, person.candidatura_id, ["bandera", "marcadores"], 3), what="the facts in reportes"
    )

    coordinacion = await staff(make_client, db)
    pagina = await get(coordinacion, CALIDAD, postulante=str(postulante_id))
    filas = _filas(pagina)
    assert filas["Regiduría de representación proporcional"] == {
        "registradas": 7,
        # alternation 1-2, suplente of 2, position 3, fórmula 4 without suplente, parity (3 mujeres, 1 hombre)
        "hallazgos_planilla": 5,
        "curp": 1,
        "banderas_abiertas": 0,
        "copias": 0,
        "con_marcadores": 0,
        "rubros_marcadores": 0,
    }
    assert filas["Presidencia municipal"] == {
        "registradas": 1,
        "hallazgos_planilla": 1,  # the factory's propietaria has no suplente
        "curp": 0,
        "banderas_abiertas": 2,  # the CURP and the copy
        "copias": 1,
        "con_marcadores": 1,
        "rubros_marcadores": 1,
    }
    assert "Faltan las posiciones 3 de la lista." in pagina
    assert "la CURP dice hombre y el registro mujer" in pagina

    # Transparencia discards the CURP's flag: it is no longer pending; the copy still is.
    transparencia = await staff(make_client, db, "transparencia")
    response = await transparencia.submit(
        "/validacion/transparencia/",
        f"/validacion/transparencia/banderas/{bandera}/descartar",
        {"motivo": "Es una CURP de ejemplo.", "pagina": "1"},
    )
    assert response.status == 303, await response.text()
    await eventually(lambda: _n(db, hechos, person.candidatura_id, ["bandera_resuelta"], 1), what="the resolution")
    despues = _filas(await get(coordinacion, CALIDAD, postulante=str(postulante_id)))
    assert despues["Presidencia municipal"]["banderas_abiertas"] == 1
    assert despues["Presidencia municipal"]["copias"] == 1

    # The files carry the same figures.
    formulario = f"{CALIDAD}?postulante={postulante_id}"
    csv_bytes, _ = await render(
        coordinacion, formulario, CALIDAD + "/archivos", {"postulante": str(postulante_id), "formato": "csv"}
    )
    texto = csv_bytes.decode("utf-8-sig")
    assert "Faltan las posiciones 3 de la lista." in texto
    filas_csv = list(csv.reader(io.StringIO(texto)))
    assert ["Total", "", "8", "6", "1", "1", "1", "1", "1"] in filas_csv
    xlsx, _ = await render(
        coordinacion, formulario, CALIDAD + "/archivos", {"postulante": str(postulante_id), "formato": "xlsx"}
    )
    assert zipfile.ZipFile(io.BytesIO(xlsx)).testzip() is None
    pdf, pagina_archivo = await render(
        coordinacion, formulario, CALIDAD + "/archivos", {"postulante": str(postulante_id), "formato": "pdf"}
    )
    assert pdf.startswith(b"%PDF") and "Calidad de los datos" in pagina_archivo


async def _n(db: asyncpg.Pool, sql: str, candidatura_id: int, hechos: list[str], n: int) -> bool:
    return bool(await db.fetchval(sql, candidatura_id, hechos) == n)


def _filas(html: str) -> dict[str, dict[str, int]]:
    cuerpo = html.split('id="calidad"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    resultado = {}
    for fila in cuerpo.split("</tr>")[:-1]:
        cargo = re.search(r"</th><td>([^<]+)</td>", fila)
        assert cargo, fila
        resultado[cargo.group(1)] = {c: int(v) for c, v in re.findall(r'data-columna="(\w+)">(\d+)<', fila)}
    return resultado


async def test_reports_two_and_five_are_for_coordinacion_and_admin_only(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    admin = await staff(make_client, db, "admin")
    for path in (OMISOS, CALIDAD):
        assert (await admin.get(path)).status == 200
    indice = await get(admin, "/reportes/")
    assert OMISOS in indice and CALIDAD in indice
    for role in ("igualdad", "validador", "transparencia"):
        client = await staff(make_client, db, role)
        for path in (OMISOS, CALIDAD):
            assert (await client.get(path)).status == 403, (role, path)
        index = await client.get("/reportes/")
        assert OMISOS not in await index.text()
    candidata = make_client()
    await candidata.login((await factories.candidata(db)).username)
    assert (await candidata.get(CALIDAD)).status == 403
