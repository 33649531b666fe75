"""Report 4 (estadísticas de inclusión) through the gateway, with the real jobs: captura sends reportes the groups
of an approved identity and every change of consent 3; the page and its files show only suppressed cells, which
this test recomputes from the registry and what reportes received, for the rows of its own postulante."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re

import asyncpg

from services.common import contracts, identidad

from . import factories
from .helpers import Client, eventually
from .test_identidad import RESPUESTAS, _consentir, _save
from .test_transparencia_consentimientos import _revocar, _transparencia

INCLUSION = "/reportes/inclusion"
BASE = "Candidaturas con datos de identidad utilizables"
JOVEN = "Persona joven"
DIVERSIDAD = identidad.GRUPOS_ACCION_AFIRMATIVA["diversidad_sexual"]
INDIGENA = identidad.GRUPOS_ACCION_AFIRMATIVA["indigena"]
SEXOS = ("mujer", "hombre", "no_binario")
MEDIDAS = ("aa", "aa_auto", "aa_no_auto", "aa_sin_datos", "solo_auto")
FILA = re.compile(r'<tr data-grupo="([^"]+)">(.*?)</tr>', re.S)
CELDA = re.compile(r'<td data-columna="([a-z_]+)"(?: class="suprimida")?>([^<]*)</td>')

# Every registered candidacy of one postulante with what report 4 may use of it.
PERSONAS_SQL = """
SELECT c.id, c.sexo, c.accion_afirmativa, CASE WHEN i.estadistica THEN i.grupos END AS grupos
FROM registro.candidaturas c LEFT JOIN reportes.identidades i ON i.candidatura_id = c.id
WHERE c.postulante_id = $1 AND c.estatus = 'registrada'
"""


async def staff(make_client: type[Client], db: asyncpg.Pool, role: str) -> Client:
    client = make_client()
    await client.login(await factories.cuenta(db, role))
    return client


def tabla(page: str, tabla_id: str) -> dict[str, dict[str, str]]:
    """{grupo: {columna: texto}} of one of the page's summary tables."""
    inicio = page.index(f'<table id="{tabla_id}">')
    cuerpo = page[inicio : page.index("</table>", inicio)]
    return {html.unescape(g): {c: html.unescape(t) for c, t in CELDA.findall(fila)} for g, fila in FILA.findall(cuerpo)}


async def esperado(db: asyncpg.Pool, postulante_id: int) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """The postulante's figures recomputed here: by group and sexo, and acción afirmativa against
    self-identification."""
    resumen: dict[str, dict[str, int]] = {}
    accion: dict[str, dict[str, int]] = {}
    for r in await db.fetch(PERSONAS_SQL, postulante_id):
        auto = set(r["grupos"]) if r["grupos"] is not None else None
        aa = identidad.grupo_accion_afirmativa(r["accion_afirmativa"])
        if auto is not None:
            base = resumen.setdefault(BASE, dict.fromkeys((*SEXOS, "total"), 0))
            base[r["sexo"]] += 1
            base["total"] += 1
        for g in (auto or set()) | ({aa} if aa else set()):
            fila = resumen.setdefault(g, dict.fromkeys((*SEXOS, "total"), 0))
            fila[r["sexo"]] += 1
            fila["total"] += 1
            medidas = accion.setdefault(g, dict.fromkeys(MEDIDAS, 0))
            if aa == g:
                medidas["aa"] += 1
                medidas["aa_sin_datos" if auto is None else "aa_auto" if g in auto else "aa_no_auto"] += 1
            else:
                medidas["solo_auto"] += 1
    return resumen, accion


def comprobar(
    mostrado: dict[str, dict[str, str]], calculado: dict[str, dict[str, int]], columnas: tuple[str, ...]
) -> list[str]:
    """Each shown cell is the recomputed count; each count from 1 to 4 is hidden as «<5»; the texts seen."""
    vistos = []
    for grupo, fila in mostrado.items():
        for columna in columnas:
            real = calculado.get(grupo, {}).get(columna, 0)
            texto = fila[columna]
            vistos.append(texto)
            if 0 < real < 5:
                assert texto == "<5", (grupo, columna, real, texto)
            elif texto not in ("Reservado", "<5"):
                assert int(texto.replace(",", "")) == real, (grupo, columna, real, texto)
            else:
                assert texto == "Reservado", (grupo, columna, real, texto)
        # Within the row, one total: never exactly one hidden cell (it would be the total minus the others).
        ocultas = [c for c in columnas if fila[c] in ("<5", "Reservado")]
        assert len(ocultas) != 1, (grupo, fila)
    return vistos


async def _registrar(db: asyncpg.Pool, siglas: str, sexo: str, aa: str | None = None) -> factories.Candidata:
    candidata = await factories.candidata(db, siglas=siglas)
    await db.execute(
        "UPDATE registro.candidaturas SET sexo = $2, accion_afirmativa = $3 WHERE id = $1",
        candidata.candidatura_id,
        sexo,
        aa,
    )
    return candidata


async def _enviar(db: asyncpg.Pool, candidatura_id: int, grupos: list[str], estadistica: bool) -> None:
    """What captura sends reportes when an identity is approved (its own path is the first candidacy's)."""
    async with db.acquire() as conn, conn.transaction():
        await contracts.send(
            conn,
            contracts.RecordIdentidad(
                candidatura_id=candidatura_id, estadistica=estadistica, seq=1, grupos=grupos, numero=1
            ),
        )


async def test_inclusion_counts_hide_small_cells_and_follow_a_revocation(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    postulante_id, siglas = await factories.postulante(db, "partido")
    # The real path: a candidate answers (indígena and diversidad sexual), gives consents 1 and 3, submits, and a
    # validador approves; captura sends reportes the groups.
    a = await _registrar(db, siglas, "mujer", "indigena")
    candidata = make_client()
    await candidata.login(a.username)
    for dimension, data in RESPUESTAS.items():
        await _save(candidata, a.candidatura_id, dimension, data)
    await _consentir(candidata, a.candidatura_id, 1, 3)
    overview = f"/captura/candidaturas/{a.candidatura_id}/identidad"
    assert (await candidata.submit(overview, f"{overview}/enviar", {})).status == 303
    review_id = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.revisiones WHERE candidatura_id = $1 AND cuestionario = 'identidad'",
            a.candidatura_id,
        ),
        what="the identity review",
    )
    validador = await staff(make_client, db, "validador")
    detail = f"/validacion/revisiones/{review_id}"
    assert (await validador.submit(detail, f"{detail}/aprobar", {})).status == 303
    grupos_a = await eventually(
        lambda: db.fetchval(
            "SELECT grupos FROM reportes.identidades WHERE candidatura_id = $1 AND estadistica", a.candidatura_id
        ),
        what="reportes to receive the approved identity",
    )
    assert set(grupos_a) == {INDIGENA, DIVERSIDAD}

    # Others of the same postulante: young women and men, more diversidad, one without consent 3.
    otras = (
        [(await _registrar(db, siglas, "mujer"), [JOVEN], True) for _ in range(6)]
        + [(await _registrar(db, siglas, "hombre"), [JOVEN], True) for _ in range(2)]
        + [(await _registrar(db, siglas, "mujer"), [DIVERSIDAD], True) for _ in range(5)]
        + [(await _registrar(db, siglas, "hombre"), [JOVEN, DIVERSIDAD], False)]
    )
    for c, grupos, estadistica in otras:
        await _enviar(db, c.candidatura_id, grupos, estadistica)
    ids = [c.candidatura_id for c, _, _ in otras]
    await eventually(
        lambda: db.fetchval(
            "SELECT count(*) = $2 FROM reportes.identidades WHERE candidatura_id = ANY($1)", ids, len(ids)
        ),
        what="reportes to receive every identity",
    )

    igualdad = await staff(make_client, db, "igualdad")
    response = await igualdad.get(f"{INCLUSION}?postulante={postulante_id}")
    assert response.status == 200
    page = await response.text()
    resumen, accion = await esperado(db, postulante_id)
    assert resumen[JOVEN] == {"mujer": 6, "hombre": 2, "no_binario": 0, "total": 8}  # the one without consent 3 is out
    assert resumen[DIVERSIDAD]["total"] == 6
    vistos = comprobar(tabla(page, "resumen"), resumen, (*SEXOS, "total"))
    vistos += comprobar(tabla(page, "accion"), accion, MEDIDAS)
    assert "<5" in vistos and any(v not in ("0", "<5", "Reservado") for v in vistos)
    assert tabla(page, "resumen")[JOVEN]["hombre"] == "<5"
    assert a.nombre not in page  # never a person

    # The files say exactly what the page says.
    fila_csv = await _csv(igualdad, postulante_id)
    assert fila_csv[JOVEN] == [tabla(page, "resumen")[JOVEN][c] for c in (*SEXOS, "total")]

    # A revokes consent 3: out of the statistics, except the group of her acción afirmativa.
    await _consentir(candidata, a.candidatura_id, 1)
    await eventually(
        lambda: db.fetchval(
            "SELECT NOT estadistica FROM reportes.identidades WHERE candidatura_id = $1", a.candidatura_id
        ),
        what="reportes to receive the revocation",
    )
    page = await (await igualdad.get(f"{INCLUSION}?postulante={postulante_id}")).text()
    resumen, accion = await esperado(db, postulante_id)
    assert resumen[DIVERSIDAD]["total"] == 5 and resumen[INDIGENA]["total"] == 1
    assert accion[INDIGENA] == {"aa": 1, "aa_auto": 0, "aa_no_auto": 0, "aa_sin_datos": 1, "solo_auto": 0}
    comprobar(tabla(page, "resumen"), resumen, (*SEXOS, "total"))
    comprobar(tabla(page, "accion"), accion, MEDIDAS)
    assert tabla(page, "resumen")[DIVERSIDAD]["total"] in ("5", "Reservado")


async def _archivo(client: Client, postulante_id: int, formato: str) -> bytes:
    form = f"{INCLUSION}?postulante={postulante_id}"
    response = await client.submit(
        form, f"{INCLUSION}/archivos", {"postulante": str(postulante_id), "formato": formato}
    )
    assert response.status == 303, await response.text()
    location = response.headers["Location"]
    assert re.search(r"/reportes/inclusion/archivos/\d+$", location), location

    async def listo() -> str | None:
        page = await (await client.get(location)).text()
        assert "No se pudo generar" not in page, page
        return page if "Estado: <strong>Listo</strong>" in page else None

    page = await eventually(listo, within=60, what="the report file")
    sha = re.search(r'<code id="sha256">([0-9a-f]{64})</code>', page)
    assert sha, page
    download = await client.get(location + "/descarga")
    assert download.status == 200 and download.headers["Cache-Control"].startswith("private")
    body = await download.read()
    assert hashlib.sha256(body).hexdigest() == sha.group(1)
    return body


async def _csv(client: Client, postulante_id: int) -> dict[str, list[str]]:
    body = await _archivo(client, postulante_id, "csv")
    filas = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    inicio = filas.index(["Candidaturas por grupo y sexo"])
    resultado = {}
    for fila in filas[inicio + 2 :]:
        if not fila:
            break
        resultado[fila[0]] = fila[1:]
    return resultado


async def test_files_in_every_format_and_who_may_read_the_report(make_client: type[Client], db: asyncpg.Pool) -> None:
    postulante_id, siglas = await factories.postulante(db, "partido")
    for _ in range(5):
        c = await _registrar(db, siglas, "mujer", "joven")
        await _enviar(db, c.candidatura_id, [JOVEN], True)
    coordinacion = await staff(make_client, db, "coordinacion")
    assert (await _archivo(coordinacion, postulante_id, "xlsx")).startswith(b"PK")
    assert (await _archivo(coordinacion, postulante_id, "pdf")).startswith(b"%PDF")

    for role in ("igualdad", "coordinacion", "admin"):
        client = await staff(make_client, db, role)
        assert (await client.get(INCLUSION)).status == 200, role
        index = await (await client.get("/reportes/")).text()
        assert INCLUSION in index, role
    igualdad = await staff(make_client, db, "igualdad")
    assert (await igualdad.get("/reportes/avance")).status == 403
    avance = await db.fetchval("SELECT id FROM reportes.archivos WHERE informe = 'inclusion' ORDER BY id DESC LIMIT 1")
    # An inclusion file is not reachable through report 1's file pages, and report 1's files not through these.
    assert (await igualdad.get(f"/reportes/archivos/{avance}")).status == 403
    # Report 1's file pages do not serve report 4's rows (their parameters differ): not found, never an error.
    assert (await coordinacion.get(f"/reportes/archivos/{avance}")).status == 404
    assert (await coordinacion.get(f"/reportes/archivos/{avance}/descarga")).status == 404
    otro = await db.fetchval("SELECT id FROM reportes.archivos WHERE informe = 'avance' ORDER BY id DESC LIMIT 1")
    if otro is not None:
        assert (await igualdad.get(f"{INCLUSION}/archivos/{otro}")).status == 404
    for role in ("validador", "transparencia"):
        client = await staff(make_client, db, role)
        assert (await client.get(INCLUSION)).status == 403, role
        assert (await client.get(f"{INCLUSION}/archivos/{avance}/descarga")).status == 403, role
    candidata = make_client()
    await candidata.login((await factories.candidata(db)).username)
    assert (await candidata.get(INCLUSION)).status == 403


async def test_bad_filters_are_clear_messages(make_client: type[Client], db: asyncpg.Pool) -> None:
    igualdad = await staff(make_client, db, "igualdad")
    for query, mensaje in (
        ("postulante=abc", "Elige un partido"),
        ("postulante=999999999", "Elige un partido"),
        ("postulante=99999999999999", "Elige un partido"),
        ("cargo=NO_EXISTE", "Elige un cargo"),
    ):
        response = await igualdad.get(f"{INCLUSION}?{query}")
        assert response.status == 422, query
        assert mensaje in await response.text(), query
    bad = await igualdad.submit(INCLUSION, f"{INCLUSION}/archivos", {"formato": "docx"})
    assert bad.status == 422 and "formato del archivo" in await bad.text()
    assert (await igualdad.get(f"{INCLUSION}/archivos/999999999")).status == 404
    assert (await igualdad.get(f"{INCLUSION}/archivos/999999999/descarga")).status == 404
    # A postulante with no candidacies: a report of zero rows, said plainly.
    vacio, _ = await factories.postulante(db, "partido")
    page = await (await igualdad.get(f"{INCLUSION}?postulante={vacio}")).text()
    assert "No hay candidaturas con datos de identidad utilizables" in page


async def _fila(db: asyncpg.Pool, candidatura_id: int) -> asyncpg.Record | None:
    return await db.fetchrow(
        "SELECT grupos, envio, estadistica, seq FROM reportes.identidades WHERE candidatura_id = $1", candidatura_id
    )


async def test_a_late_message_never_overrides_a_newer_one(db: asyncpg.Pool) -> None:
    _, siglas = await factories.postulante(db, "partido")
    c = await _registrar(db, siglas, "mujer")
    cid = c.candidatura_id
    jobs = [
        # The newer consent change (a revocation) and the newer approved version arrive first...
        contracts.RecordIdentidad(candidatura_id=cid, estadistica=False, seq=50),
        contracts.RecordIdentidad(candidatura_id=cid, estadistica=False, seq=40, grupos=[JOVEN], numero=2),
    ]
    async with db.acquire() as conn, conn.transaction():
        for job in jobs:
            await contracts.send(conn, job)
    await eventually(lambda: _fila_es(db, cid, envio=2, seq=50), what="the newer messages")
    # ...then older ones, redelivered late: neither the old groups nor the old consent come back.
    async with db.acquire() as conn, conn.transaction():
        tardios = [
            await contracts.send(
                conn,
                contracts.RecordIdentidad(candidatura_id=cid, estadistica=True, seq=30, grupos=[INDIGENA], numero=1),
            ),
            await contracts.send(conn, contracts.RecordIdentidad(candidatura_id=cid, estadistica=True, seq=45)),
        ]
    await eventually(
        lambda: db.fetchval("SELECT bool_and(done_at IS NOT NULL) FROM outbox.jobs WHERE id = ANY($1)", tardios),
        what="the late messages run by reportes' worker",
    )
    fila = await _fila(db, cid)
    assert fila is not None
    assert (fila["grupos"], fila["envio"], fila["estadistica"], fila["seq"]) == ([JOVEN], 2, False, 50)


async def _fila_es(db: asyncpg.Pool, cid: int, envio: int, seq: int) -> bool:
    fila = await _fila(db, cid)
    return fila is not None and fila["envio"] == envio and fila["seq"] == seq


async def test_a_written_revocation_of_consent_3_takes_the_candidacy_out(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    postulante_id, siglas = await factories.postulante(db, "partido")
    candidata = await _registrar(db, siglas, "mujer")
    cid = candidata.candidatura_id
    client = make_client()
    await client.login(candidata.username)
    await _consentir(client, cid, 1, 3)
    await eventually(
        lambda: db.fetchval("SELECT estadistica FROM reportes.identidades WHERE candidatura_id = $1", cid),
        what="consent 3 in reportes",
    )
    await _enviar(db, cid, [JOVEN], True)  # its approved identity (seq older than the consent: the consent stands)
    for _ in range(5):
        otra = await _registrar(db, siglas, "mujer")
        await _enviar(db, otra.candidatura_id, [JOVEN], True)
    await eventually(lambda: _fila_es_grupos(db, cid), what="the groups in reportes")
    igualdad = await staff(make_client, db, "igualdad")
    resumen, accion = await esperado(db, postulante_id)
    assert resumen[JOVEN]["total"] == 6
    page = await (await igualdad.get(f"{INCLUSION}?postulante={postulante_id}")).text()
    comprobar(tabla(page, "resumen"), resumen, (*SEXOS, "total"))

    transparencia = await _transparencia(make_client)
    assert (await _revocar(transparencia, cid, 3, f"UT/{cid}/2027")).status == 303
    await eventually(
        lambda: db.fetchval("SELECT NOT estadistica FROM reportes.identidades WHERE candidatura_id = $1", cid),
        what="the written revocation in reportes",
    )
    resumen, accion = await esperado(db, postulante_id)
    assert resumen[JOVEN]["total"] == 5
    page = await (await igualdad.get(f"{INCLUSION}?postulante={postulante_id}")).text()
    comprobar(tabla(page, "resumen"), resumen, (*SEXOS, "total"))
    comprobar(tabla(page, "accion"), accion, MEDIDAS)


async def _fila_es_grupos(db: asyncpg.Pool, cid: int) -> bool:
    fila = await _fila(db, cid)
    return fila is not None and fila["grupos"] == [JOVEN] and fila["estadistica"]
