"""Registro: the import (preview, every error by row and column, all-or-nothing commit, accounts), encodings,
10,000 rows, substitution and cancellation, the territorial catalogs, the process settings, and who may."""

from __future__ import annotations

import asyncio
import io
import random
import re
import string
import time
import unicodedata
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
from openpyxl import Workbook

from launcher import demo
from services.common.proceso import active_proceso
from services.validacion.importacion import campos
from services.validacion.importacion.campos import curp_check_digit

from . import factories
from .helpers import DEMO_PASSWORD, Client, eventually

DOCS = Path(__file__).resolve().parents[1] / "docs" / "ejemplos"
COORDINACION = "demo-coordinacion"
HEADER = (
    "cargo,distrito,municipio,circunscripcion,postulante,partidos,numero,tipo,nombre,primer_apellido,"
    "segundo_apellido,sobrenombre,sexo,fecha_nacimiento,curp,clave_elector,rfc,correo,telefono,"
    "accion_afirmativa,eleccion_consecutiva"
).split(",")
_used: set[str] = set()


def curp(nacimiento: date, sexo: str = "mujer") -> str:
    """A CURP with a valid check digit, unique in this test session."""
    while True:
        letters = (
            random.choice(string.ascii_uppercase) + random.choice("AEIOU") + "".join(random.choices("BCDFGHJ", k=2))
        )
        homo = random.choice(string.digits if nacimiento.year < 2000 else string.ascii_uppercase)
        base = (
            f"{letters}{nacimiento:%y%m%d}{'M' if sexo == 'mujer' else 'H'}MN"
            f"{''.join(random.choices('BCDFGHJKLMNPQRSTVWXYZ', k=3))}{homo}"
        )
        value = base + curp_check_digit(base)
        if value not in _used:
            _used.add(value)
            return value


def persona(cargo: str, ambito: dict[str, str], postulante: str, numero: int, tipo: str, nombre: str) -> list[str]:
    nacimiento = date(1980, 1, 1) + timedelta(days=random.randint(0, 5000))
    fila = dict.fromkeys(HEADER, "")
    fila.update(ambito)
    fila.update(
        cargo=cargo,
        postulante=postulante,
        numero=str(numero),
        tipo=tipo,
        nombre=nombre,
        primer_apellido="Muñoz",
        segundo_apellido="Íñiguez",
        sexo="mujer",
        fecha_nacimiento=nacimiento.isoformat(),
        curp=curp(nacimiento),
    )
    return [fila[h] for h in HEADER]


def csv_bytes(rows: list[list[str]], sep: str = ",", encoding: str = "utf-8", newline: str = "\n") -> bytes:
    lines = [sep.join(HEADER)] + [sep.join(r) for r in rows]
    return (newline.join(lines) + newline).encode(encoding)


async def coordinacion(make_client: type[Client]) -> Client:
    client = make_client()
    await client.login(COORDINACION)
    return client


async def upload(client: Client, path: str, filename: str, data: bytes, **fields: str) -> aiohttp.ClientResponse:
    token = await client.csrf(path)
    form = aiohttp.FormData()
    form.add_field("csrf_token", token)
    for key, value in fields.items():
        form.add_field(key, value)
    form.add_field("archivo", io.BytesIO(data), filename=filename, content_type="application/octet-stream")
    return await client.post(path, data=form)


async def preview(client: Client, filename: str, data: bytes) -> tuple[int, str]:
    response = await upload(client, "/validacion/registro/importar", filename, data)
    assert response.status == 303, await response.text()
    location = response.headers["Location"]
    importacion_id = int(location.rsplit("/", 1)[1])
    page = await client.get(location)
    assert page.status == 200
    return importacion_id, await page.text()


async def apply(client: Client, importacion_id: int, crear_cuentas: bool = True) -> aiohttp.ClientResponse:
    path = f"/validacion/registro/importaciones/{importacion_id}"
    data = {"crear_cuentas": "1"} if crear_cuentas else {}
    return await client.submit(path, f"{path}/aplicar", data)


def _plain(text: str) -> str:
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text))


async def test_import_with_errors_is_refused_then_the_corrected_file_imports_with_accounts(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    client = await coordinacion(make_client)
    before = await db.fetchval("SELECT count(*) FROM registro.candidaturas")
    importacion_id, html = await preview(
        client, "candidaturas-con-errores.csv", (DOCS / "candidaturas-con-errores.csv").read_bytes()
    )
    html = _plain(html)
    assert "No se registró nada" in html
    errores = await db.fetchval("SELECT errores FROM registro.importaciones WHERE id = $1", importacion_id)
    found = {(e["fila"], e["columna"]): e["mensaje"] for e in errores}
    expected = {
        (2, "cargo"): "El cargo «Gubernatura» no existe.",
        (3, "curp"): "La CURP «IARB910723MMNBZG06» no es válida: su dígito verificador no corresponde.",
        (4, "municipio"): "El municipio «Springfield» no existe en Michoacán.",
        (5, "fecha_nacimiento"): "La fecha «31/02/1984» no es válida; escríbela como AAAA-MM-DD o DD/MM/AAAA.",
        (
            6,
            "municipio",
        ): "Cherán (16024) elige a sus autoridades por usos y costumbres: no tiene elección de ayuntamiento.",
        (7, "curp"): "La CURP TOGA850412MMNRZN09 ya aparece en la fila 6 de este archivo.",
        (12, "partidos"): "El partido «XYZ» de la columna partidos no existe.",
        (10, "tipo"): "La fórmula 1 de diputación de mayoría relativa no tiene suplente en el archivo.",
        (
            13,
            "curp",
        ): "La CURP VERL880808HMNGSC07 no corresponde a la persona: indica sexo hombre (H) y el sexo es mujer.",
        (13, "correo"): (
            "El correo guadalupe.zamora@correo.invalid ya aparece en la fila 2 de este archivo: cada persona "
            "necesita su propio correo para recuperar su contraseña."
        ),
        (13, "telefono"): "El teléfono «443-12» no es un número de México de 10 dígitos (por ejemplo 443 123 4567).",
        (14, "fecha_nacimiento"): "Tendría 124 años el día de la elección (02/06/2024); revisa la fecha de nacimiento.",
    }
    for key, message in expected.items():
        assert found.get(key) == message, (key, found.get(key))
        assert f"<td>{key[0]}</td><td>{key[1]}</td><td>{message}</td>" in html
    assert found[(8, "postulante")].startswith("El partido, coalición o candidatura común «PXX» no existe.")
    assert found[(10, "fecha_nacimiento")].startswith("Tendrá 16 años el día de la elección (02/06/2024)")
    assert "la edad mínima para diputación de mayoría relativa es de 21 años" in found[(10, "fecha_nacimiento")]
    assert found[(11, "numero")].startswith("La posición 1 de diputación de representación proporcional ya tiene")
    assert found[(13, "accion_afirmativa")].startswith("La acción afirmativa «Vegana» no es un grupo del catálogo")
    assert found[(14, "clave_elector")].startswith("La clave de elector «ABC» no tiene el formato del INE")
    # Refused: nothing written, and it cannot be applied.
    refused = await apply(client, importacion_id)
    assert refused.status == 409
    assert await db.fetchval("SELECT count(*) FROM registro.candidaturas") == before

    importacion_id, html = await preview(
        client, "candidaturas-ejemplo.csv", (DOCS / "candidaturas-ejemplo.csv").read_bytes()
    )
    assert "Lista para aplicar" in html and "Candidatura Común Por Pátzcuaro" in html
    applied = await apply(client, importacion_id)
    assert applied.status == 303, await applied.text()
    done = await client.get(applied.headers["Location"])
    assert "Importación aplicada" in await done.text()
    rows = await db.fetch(
        """SELECT c.id, c.curp, c.tipo, c.pareja_id, c.nombre, c.eleccion_consecutiva, p.tipo AS postulante_tipo,
                  p.siglas
           FROM registro.candidaturas c JOIN registro.postulantes p ON p.id = c.postulante_id
           WHERE c.curp = ANY($1::text[])""",
        [
            "ZAPG800211MMNMRD04",
            "IARB910723MMNBZG05",
            "CAOF721005HMNZLR02",
            "NUTH840130HMNNPC06",
            "TOGA850412MMNRZN09",
            "HURI020309MMNRMTA3",
            "SOBX791201MMNLRM08",
            "OOLR930517MMNCNN07",
        ],
    )
    assert len(rows) == 8
    by_curp = {r["curp"]: r for r in rows}
    ids = {r["id"] for r in rows}
    assert all(r["pareja_id"] in ids and r["pareja_id"] != r["id"] for r in rows)
    assert by_curp["CAOF721005HMNZLR02"]["postulante_tipo"] == "candidatura_comun"
    assert by_curp["CAOF721005HMNZLR02"]["eleccion_consecutiva"] is True
    assert by_curp["TOGA850412MMNRZN09"]["postulante_tipo"] == "independiente"
    partidos = await db.fetchval(
        """SELECT array_agg(q.siglas ORDER BY q.siglas) FROM registro.postulante_partidos pp
           JOIN registro.postulantes q ON q.id = pp.partido_id
           JOIN registro.postulantes p ON p.id = pp.postulante_id WHERE p.nombre = 'Candidatura Común Por Pátzcuaro'"""
    )
    assert partidos == ["PRD", "PRI"]
    assert await db.fetchval(
        "SELECT count(*) FROM audit.eventos WHERE action = 'importar_candidaturas' AND entity_id = $1",
        str(importacion_id),
    )
    # validacion only asked for the accounts; auth created the lote, and the import's page links to it.
    assert f"/cuenta/lotes/importaciones/{importacion_id}" in await done.text()
    lote_id = await eventually(
        lambda: db.fetchval("SELECT id FROM auth.lotes_cuentas WHERE origen = $1", f"importacion:{importacion_id}"),
        what="the lote auth creates for the import",
    )
    link = await client.get(f"/cuenta/lotes/importaciones/{importacion_id}", allow_redirects=False)
    assert link.status == 303 and link.headers["Location"] == f"/cuenta/lotes/{lote_id}"

    async def provisioned() -> bool:
        n = await db.fetchval("SELECT count(*) FROM auth.users WHERE candidatura_id = ANY($1::integer[])", list(ids))
        return bool(n == 8)

    await eventually(provisioned, within=90, what="accounts of the imported candidacies")
    # A second try of the same file: every CURP is already registered.
    again_id, _ = await preview(client, "candidaturas-ejemplo.csv", (DOCS / "candidaturas-ejemplo.csv").read_bytes())
    again = await db.fetchval("SELECT errores FROM registro.importaciones WHERE id = $1", again_id)
    assert {e["mensaje"] for e in again} >= {"La CURP ZAPG800211MMNMRD04 ya tiene un registro vigente en este proceso."}


def _encoding_rows(tag: str) -> list[list[str]]:
    ambito = {"municipio": "Tzitzio"}
    postulante = f"IND Ñandú Pérez {tag}"
    return [
        persona("Regiduría de mayoría relativa", ambito, postulante, 1, "Propietaria", "Begoña"),
        persona("regiduria mr", ambito, postulante, 1, "SUPLENTE", "María José"),
    ]


def _xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([h.upper().replace("NUMERO", "NÚMERO") for h in HEADER])
    for row in rows:
        values: list[Any] = list(row)
        values[HEADER.index("fecha_nacimiento")] = date.fromisoformat(row[HEADER.index("fecha_nacimiento")])
        values[HEADER.index("numero")] = int(row[HEADER.index("numero")])
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("variant", "build"),
    [
        ("latin1-semicolon", lambda rows: csv_bytes(rows, sep=";", encoding="cp1252")),
        ("utf8-bom-crlf", lambda rows: b"\xef\xbb\xbf" + csv_bytes(rows, newline="\r\n")),
        ("xlsx", _xlsx),
    ],
)
async def test_encodings_and_separators_are_read(
    make_client: type[Client], db: asyncpg.Pool, variant: str, build: Any
) -> None:
    client = await coordinacion(make_client)
    rows = _encoding_rows(variant)
    importacion_id, html = await preview(
        client, f"prueba-{variant}.{'xlsx' if variant == 'xlsx' else 'csv'}", build(rows)
    )
    row = await db.fetchrow(
        "SELECT estado, errores, datos, resumen FROM registro.importaciones WHERE id = $1", importacion_id
    )
    assert row["errores"] == [] and row["estado"] == "lista", row["errores"]
    assert [d["nombre"] for d in row["datos"]] == ["Begoña", "María José"]
    assert {d["primer_apellido"] for d in row["datos"]} == {"Muñoz"}
    assert [d["tipo"] for d in row["datos"]] == ["propietaria", "suplente"]
    assert row["datos"][0]["municipio"] == 16101  # Tzitzio
    assert row["datos"][0]["curp"] == rows[0][HEADER.index("curp")]
    assert [n["nombre"] for n in row["resumen"]["nuevos"].values()] == [f"Ñandú Pérez {variant}"]
    assert "Begoña" in html


async def test_ten_thousand_rows_validate_and_commit(make_client: type[Client], db: asyncpg.Pool) -> None:
    client = await coordinacion(make_client)
    tag = random.randint(100000, 999999)
    postulante = f"Candidatura Común Masiva {tag}"
    municipios = [r["clave"] for r in await db.fetch("SELECT clave FROM registro.municipios WHERE elige_ayuntamiento")]
    rows: list[list[str]] = []
    for i in range(5000):
        ambito = {"municipio": str(municipios[i % len(municipios)]), "partidos": "PT-PVEM"}
        numero = 1000 + i // len(municipios)
        rows.append(persona("REG_RP", ambito, postulante, numero, "propietaria", f"Masiva{i}"))
        rows.append(persona("REG_RP", ambito, postulante, numero, "suplente", f"Masiva{i}s"))
    data = csv_bytes(rows)
    started = time.perf_counter()
    importacion_id, html = await preview(client, "masiva.csv", data)
    validated = time.perf_counter() - started
    assert "Lista para aplicar" in html
    started = time.perf_counter()
    applied = await apply(client, importacion_id, crear_cuentas=False)
    committed = time.perf_counter() - started
    assert applied.status == 303, await applied.text()
    postulante_id = await db.fetchval("SELECT id FROM registro.postulantes WHERE nombre = $1", postulante)
    try:
        count = await db.fetchval(
            "SELECT count(*) FROM registro.candidaturas WHERE postulante_id = $1 AND pareja_id IS NOT NULL",
            postulante_id,
        )
        assert count == 10_000
        # How long it takes is make bench's business (docs/bench.md), never a test's: printed for whoever looks.
        print(f"\n10,000 filas ({len(data) / 1e6:.1f} MB): vista previa {validated:.2f} s, aplicar {committed:.2f} s")
    finally:
        # Without accounts on purpose (argon2 for 10,000 people takes minutes): removed so that no later lote
        # of the shared test database has to provision them.
        await db.execute("DELETE FROM registro.candidaturas WHERE postulante_id = $1", postulante_id)


async def _registrar_cuenta(db: asyncpg.Pool, candidatura_id: int) -> str:
    return await factories.cuenta(db, "candidatura", candidatura_id=candidatura_id)


async def test_substitution_and_cancellation(make_client: type[Client], db: asyncpg.Pool) -> None:
    postulante_id, _ = await factories.postulante(db)
    formula = await factories.formula_sin_cuentas(db, postulante_id)
    username = await _registrar_cuenta(db, formula.propietaria)
    candidate = make_client()
    await candidate.login(username)
    assert (await candidate.get("/captura/")).status == 200
    assert (await candidate.get(f"/captura/candidaturas/{formula.propietaria}/curricular")).status == 200
    # A questionnaire exists once something is saved (reading a page writes nothing).
    rubro = f"/captura/candidaturas/{formula.propietaria}/curricular/profesional"
    saved = await candidate.submit(rubro, rubro, {"version": "0", "historia_profesional": "Docente rural."})
    assert saved.status == 303, await saved.text()

    client = await coordinacion(make_client)
    page = await client.get(f"/validacion/registro/candidaturas/{formula.propietaria}")
    assert page.status == 200 and "Sustituir a la persona" in await page.text()
    listed = await client.get("/validacion/registro/candidaturas", params={"q": formula.nombres[0].split()[0].lower()})
    assert f"/validacion/registro/candidaturas/{formula.propietaria}" in await listed.text()

    path = f"/validacion/registro/candidaturas/{formula.propietaria}"
    nueva_curp = curp(date(1992, 8, 8))
    bad = await client.submit(
        path,
        f"{path}/sustituir",
        {
            "nombre": "Renata",
            "primer_apellido": "Quiroz",
            "sexo": "mujer",
            "fecha_nacimiento": "1992-08-08",
            "curp": nueva_curp[:-1] + str((int(nueva_curp[-1]) + 1) % 10),
            "motivo": "",
        },
    )
    assert bad.status == 422
    text = await bad.text()
    assert "su dígito verificador no corresponde" in text and "Escribe el motivo" in text
    done = await client.submit(
        path,
        f"{path}/sustituir",
        {
            "nombre": "Renata",
            "primer_apellido": "Quiroz",
            "segundo_apellido": "Álvarez",
            "sexo": "mujer",
            "fecha_nacimiento": "1992-08-08",
            "curp": nueva_curp,
            "motivo": "Acuerdo IEM-CG-300/2024",
        },
    )
    assert done.status == 303, await done.text()
    new_id = int(done.headers["Location"].split("?")[0].rsplit("/", 1)[1])
    old = await db.fetchrow("SELECT estatus, motivo_baja FROM registro.candidaturas WHERE id = $1", formula.propietaria)
    assert old["estatus"] == "sustituida" and old["motivo_baja"] == "Acuerdo IEM-CG-300/2024"
    new = await db.fetchrow("SELECT * FROM registro.candidaturas WHERE id = $1", new_id)
    assert new["estatus"] == "registrada" and new["sustituye_a"] == formula.propietaria
    assert new["pareja_id"] == formula.suplente and new["tipo"] == "propietaria"
    assert await db.fetchval("SELECT pareja_id FROM registro.candidaturas WHERE id = $1", formula.suplente) == new_id
    assert await db.fetchval(
        "SELECT count(*) FROM audit.eventos WHERE action = 'sustituir_candidatura' AND entity_id = $1",
        str(formula.propietaria),
    )

    async def disabled() -> bool:
        return not await db.fetchval("SELECT active FROM auth.users WHERE username = $1", username)

    await eventually(disabled, within=30, what="the substituted person's account disabled")

    async def retired() -> bool:
        return bool(
            await db.fetchval(
                "SELECT estado = 'retirado' FROM captura.cuestionarios WHERE candidatura_id = $1", formula.propietaria
            )
        )

    await eventually(retired, within=30, what="captura to retire the substituted person's questionnaire")
    await eventually(
        lambda: db.fetchval(
            "SELECT count(*) = 1 FROM reportes.historial_estados WHERE candidatura_id = $1 AND estado = 'retirado'",
            formula.propietaria,
        ),
        within=30,
        what="reportes to record the retirement",
    )
    assert (await candidate.get("/captura/")).status in (303, 401)  # the session is gone

    async def new_account() -> bool:
        return bool(await db.fetchval("SELECT count(*) FROM auth.users WHERE candidatura_id = $1", new_id))

    await eventually(new_account, within=90, what="the new person's account")
    # auth created that lote itself, keyed by the new record, for the coordinator who substituted.
    lote = await db.fetchrow(
        "SELECT l.estado, u.username FROM auth.lotes_cuentas l LEFT JOIN auth.users u ON u.id = l.requested_by "
        "WHERE l.origen = $1",
        f"sustitucion:{new_id}",
    )
    assert lote is not None and lote["username"] == COORDINACION

    path = f"/validacion/registro/candidaturas/{formula.suplente}"
    cancelled = await client.submit(path, f"{path}/cancelar", {"motivo": "Renuncia aprobada por el Consejo General"})
    assert cancelled.status == 303, await cancelled.text()
    assert await db.fetchval("SELECT estatus FROM registro.candidaturas WHERE id = $1", formula.suplente) == "cancelada"
    assert await db.fetchval(
        "SELECT count(*) FROM outbox.jobs WHERE function = 'publico.withdraw' AND (args->>'candidatura_id')::int = $1",
        formula.suplente,
    )
    assert await db.fetchval(
        "SELECT count(*) FROM audit.eventos WHERE action = 'cancelar_candidatura' AND entity_id = $1",
        str(formula.suplente),
    )
    twice = await client.submit(path, f"{path}/cancelar", {"motivo": "otra vez"})
    assert twice.status == 422 and "ya está cancelada" in await twice.text()


async def test_secciones_and_composition_load_with_errors_by_row(make_client: type[Client], db: asyncpg.Pool) -> None:
    client = await coordinacion(make_client)
    bad = "seccion,municipio,distrito\n1001,Morelia,10\n1001,Morelia,10\n1002,Atlantis,10\n1003,16053,99\n"
    response = await upload(
        client, "/validacion/registro/secciones", "secciones.csv", bad.encode(), catalogo="secciones"
    )
    assert response.status == 303
    html = _plain(await (await client.get(response.headers["Location"])).text())
    assert "<td>3</td><td>seccion</td><td>La sección 1001 ya aparece en la fila 2.</td>" in html
    assert "<td>4</td><td>municipio</td><td>El municipio «Atlantis» no existe en Michoacán.</td>" in html
    assert "<td>5</td><td>distrito</td><td>El distrito 99 no existe" in html

    good = "seccion;municipio;distrito\r\n1001;Morelia;10\r\n1002;16053;11\r\n2500;Uruapan;14\r\n"
    response = await upload(
        client, "/validacion/registro/secciones", "secciones.csv", good.encode(), catalogo="secciones"
    )
    importacion_id = int(response.headers["Location"].rsplit("/", 1)[1])
    applied = await client.submit(
        f"/validacion/registro/importaciones/{importacion_id}",
        f"/validacion/registro/importaciones/{importacion_id}/aplicar",
        {},
    )
    assert applied.status == 303
    rows = await db.fetch("SELECT seccion, municipio, distrito FROM registro.secciones ORDER BY seccion")
    assert [tuple(r) for r in rows] == [(1001, 16053, 10), (1002, 16053, 11), (2500, 16102, 14)]

    composicion = "municipio,distrito\nMorelia,10\nMorelia,11\nUruapan,14\n"
    response = await upload(
        client, "/validacion/registro/secciones", "composicion.csv", composicion.encode(), catalogo="composicion"
    )
    importacion_id = int(response.headers["Location"].rsplit("/", 1)[1])
    applied = await client.submit(
        f"/validacion/registro/importaciones/{importacion_id}",
        f"/validacion/registro/importaciones/{importacion_id}/aplicar",
        {},
    )
    assert applied.status == 303
    assert await db.fetchval("SELECT count(*) FROM registro.municipio_distritos") == 3


async def test_process_settings_are_saved_and_read_back(make_client: type[Client], db: asyncpg.Pool) -> None:
    client = await coordinacion(make_client)
    original = await db.fetchrow(
        "SELECT id, captura_inicio, captura_fin, publicacion_inicio, jornada_electoral, configuracion "
        "FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1"
    )
    form = {
        "captura_inicio": "2024-04-15T09:00",
        "captura_fin": "2030-05-31T23:59",
        "publicacion_inicio": "2024-04-20T08:00",
        "acuerdo_publicacion_numero": "CG-PRUEBA-020/2024",
        "acuerdo_publicacion_fecha": "2024-04-01",
        "jornada_electoral": "2024-06-02",
        "limite_texto_largo": "4000",
        "limite_propuesta": "1200",
        "rondas_correccion": "3",
        "validacion_partido": "1",
        "edad_DIP_MR": "21",
        "edad_DIP_RP": "21",
        "edad_PRES_MUN": "25",
        "edad_SIND": "21",
        "edad_REG_MR": "18",
        "edad_REG_RP": "18",
        "avisos_plazo_horas": "72, 24",
    }
    try:
        wrong = await client.submit(
            "/validacion/proceso",
            "/validacion/proceso",
            {**form, "limite_propuesta": "100", "captura_fin": "2024-04-01T00:00", "edad_SIND": "12"},
        )
        assert wrong.status == 422
        text = await wrong.text()
        assert "Debe ser al menos 280." in text and "La edad mínima debe estar entre 18 y 99 años." in text
        saved = await client.submit("/validacion/proceso", "/validacion/proceso", form)
        assert saved.status == 303 and saved.headers["Location"] == "/validacion/proceso?guardado=1"
        proceso = await active_proceso(db)
        assert proceso is not None
        assert proceso.configuracion.limite_texto_largo == 4000
        assert proceso.configuracion.limite_propuesta == 1200
        assert proceso.configuracion.rondas_correccion == 3
        assert proceso.configuracion.validacion_partido is True
        assert proceso.configuracion.edades_minimas["PRES_MUN"] == 25
        assert proceso.captura_inicio is not None and proceso.captura_inicio.isoformat().startswith("2024-04-15T15:00")
        stored = await db.fetchval("SELECT configuracion FROM registro.procesos WHERE id = $1", proceso.id)
        assert set(stored) == {
            "limite_texto_largo",
            "limite_propuesta",
            "rondas_correccion",
            "validacion_partido",
            "edades_minimas",
            "avisos_plazo_horas",
            "dias_espera_partido",
            "dias_espera_instituto",
        }
        assert await db.fetchval(
            "SELECT count(*) FROM audit.eventos WHERE action = 'ajustes_proceso' AND entity_id = $1", str(proceso.id)
        )
        page = await client.get("/validacion/proceso?guardado=1")
        assert 'value="2024-04-15T09:00"' in await page.text()
    finally:
        # The demo process's settings are shared with every other test.
        await db.execute(
            """UPDATE registro.procesos SET captura_inicio = $2, captura_fin = $3, publicacion_inicio = $4,
                      jornada_electoral = $5, configuracion = $6 WHERE id = $1""",
            *original.values(),
        )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/validacion/registro/importar"),
        ("GET", "/validacion/registro/candidaturas"),
        ("GET", "/validacion/registro/secciones"),
        ("GET", "/validacion/proceso"),
        ("POST", "/validacion/registro/importar"),
        ("POST", "/validacion/proceso"),
    ],
)
async def test_staff_without_the_role_are_refused(make_client: type[Client], method: str, path: str) -> None:
    client = make_client()
    await client.login("demo-validador")
    if method == "GET":
        response = await client.get(path)
    else:
        token = await client.csrf("/validacion/")
        response = await client.post(path, data={"csrf_token": token})
    assert response.status == 403
    anonymous = make_client()
    response = await anonymous.request(method, path)
    assert response.status in (303, 401, 403)


# --- Issue #7, items 7-9: hostile files, caps, the checks of every row, and the race between two previews. ---


def _raw_xlsx(header: list[str], rows: Any, prolog: bytes = b"") -> bytes:
    """A minimal XLSX written by hand (inline strings), so tens of thousands of rows take no time to build."""

    def cells(values: list[str]) -> str:
        # Cell and row references are optional: without them identical rows compress to almost nothing.
        return "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' if v else "<c/>" for v in values)

    def sheet() -> Any:
        yield prolog + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        yield f"<row>{cells(header)}</row>".encode()
        for values in rows:
            yield f"<row>{cells(values)}</row>".encode()
        yield b"</sheetData></worksheet>"

    ns = "http://schemas.openxmlformats.org"
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships">'
            '<sheets><sheet name="Hoja1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", b"".join(sheet()))
    return buffer.getvalue()


async def _refused(client: Client, filename: str, data: bytes) -> str:
    response = await upload(client, "/validacion/registro/importar", filename, data)
    text = _plain(await response.text())
    assert response.status == 422, text[:2000]
    assert 'aria-invalid="true"' in text  # the form comes back with the message next to the file field
    return text


async def test_hostile_files_are_refused_with_a_clear_message(make_client: type[Client], db: asyncpg.Pool) -> None:
    client = await coordinacion(make_client)
    before = await db.fetchval("SELECT count(*) FROM registro.importaciones")
    rows = _encoding_rows("hostil")
    long_field = csv_bytes(rows).replace(b"Bego\xc3\xb1a", b"B" * 140_000, 1)
    assert "tiene un valor de más de 128 KB" in await _refused(client, "largo.csv", long_field)
    unclosed = csv_bytes(rows).replace(b"Bego\xc3\xb1a", b'"Begona', 1) + b"x,y\n" * 40_000
    assert "La fila que empieza en la línea 2 del CSV" in await _refused(client, "comillas.csv", unclosed)
    header = [h.upper() for h in HEADER]
    entity = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    xxe = _raw_xlsx(header, [[*r[:8], "&e;", *r[9:]] for r in rows], prolog=entity)
    assert "contiene una declaración DTD o entidades XML" in await _refused(client, "xxe.xlsx", xxe)
    laughs = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    assert "declaración DTD" in await _refused(client, "risa.xlsx", _raw_xlsx(header, rows, prolog=laughs))
    duplicated = csv_bytes(rows).replace(b",telefono,", b",correo,", 1)
    text = await _refused(client, "columnas.csv", duplicated)
    assert (
        "La primera fila repite nombres de columna («correo» en las columnas R, S); deja una sola de cada una." in text
    )
    assert await db.fetchval("SELECT count(*) FROM registro.importaciones") == before


async def test_a_small_xlsx_that_expands_past_the_row_cap_is_refused(make_client: type[Client]) -> None:
    client = await coordinacion(make_client)
    row = _encoding_rows("bomba")[0]
    data = _raw_xlsx(HEADER, (row for _ in range(20_001)))
    assert len(data) < 300_000  # the attack: a few hundred KB that expand to tens of MB of XML
    text = await _refused(client, "bomba.xlsx", data)
    assert "El archivo tiene más de 20,000 filas; divídelo en archivos de hasta 20,000 filas" in text
    # The service keeps answering (the parse ran in a thread, and stopped at the cap).
    assert (await client.get("/validacion/registro/importar")).status == 200


async def test_problems_are_capped_and_listed_by_pages(make_client: type[Client], db: asyncpg.Pool) -> None:
    client = await coordinacion(make_client)
    # 600 rows with three problems each (cargo, sexo, curp): 1,800, past the cap of 1,000.
    rows = []
    for i in range(600):
        fila = persona("Gubernatura", {}, "PAN", i + 1, "propietaria", f"Tope{i}")
        fila[HEADER.index("sexo")] = "otro"
        fila[HEADER.index("curp")] = "NOESUNACURP"
        rows.append(fila)
    importacion_id, html = await preview(client, "muchos-problemas.csv", csv_bytes(rows))
    row = await db.fetchrow("SELECT filas, errores, resumen FROM registro.importaciones WHERE id = $1", importacion_id)
    assert row["filas"] == 600
    assert len(row["errores"]) == 1_000 and row["resumen"]["problemas"] == 1_800
    assert [e["fila"] for e in row["errores"]] == sorted(e["fila"] for e in row["errores"])
    html = _plain(html)
    assert "El archivo tiene 1,800 problemas" in html
    assert "Se listan solo los primeros 1,000: corrígelos y vuelve a cargar el archivo para ver los demás." in html
    assert html.count("</td></tr>") == 100  # one page of problems (and no sample rows: none is valid)
    assert "Página 1 de 10" in html and 'href="?pagina=2"' in html
    assert len(html.encode()) < 60_000
    last = await client.get(f"/validacion/registro/importaciones/{importacion_id}?pagina=10")
    text = _plain(await last.text())
    assert last.status == 200 and "Página 10 de 10" in text and 'href="?pagina=9"' in text
    # Three problems per row from row 2: the 1,000th is on row 335, and nothing after it is kept.
    assert "<td>335</td>" in text and "<td>336</td>" not in text
    beyond = await client.get(f"/validacion/registro/importaciones/{importacion_id}?pagina=2147483648")
    assert beyond.status == 200 and "Página 10 de 10" in _plain(await beyond.text())
    huge = await client.get("/validacion/registro/importaciones/99999999999999999999")
    assert huge.status == 404
    for wrong in ("0", "-1", "dos", "1e3"):
        bad = await client.get(f"/validacion/registro/importaciones/{importacion_id}?pagina={wrong}")
        assert bad.status == 400 and "La página debe ser un número entero" in await bad.text(), wrong


async def test_rows_read_do_not_count_the_header_or_a_row_twice(make_client: type[Client], db: asyncpg.Pool) -> None:
    client = await coordinacion(make_client)
    # One row, valid by itself, whose fórmula lacks its suplente: one row read, one problem.
    fila = persona(
        "PRES_MUN", {"municipio": "Morelia"}, f"IND Sola {random.randint(1000, 9999)}", 1, "propietaria", "Sola"
    )
    importacion_id, html = await preview(client, "una-fila.csv", csv_bytes([fila]))
    assert "Filas leídas: <strong>1</strong>" in html
    assert await db.fetchval("SELECT filas FROM registro.importaciones WHERE id = $1", importacion_id) == 1


def _tag() -> str:
    return "".join(random.choices(string.ascii_lowercase, k=8))


async def test_each_row_is_checked_against_itself(make_client: type[Client], db: asyncpg.Pool) -> None:
    client = await coordinacion(make_client)
    tag = _tag()
    ambito = {"municipio": "Uruapan"}
    postulante = f"IND Revisión {tag}"
    propietaria = persona("REG_MR", ambito, postulante, 1, "propietaria", "Ana")
    suplente = persona("REG_MR", ambito, postulante, 1, "suplente", "Eva")
    nacimiento = date.fromisoformat(propietaria[HEADER.index("fecha_nacimiento")])
    values = {
        "curp": curp(nacimiento, "hombre"),  # a man's CURP on a woman's row
        "rfc": f"RUPA{(nacimiento + timedelta(days=1)):%y%m%d}AB1",
        "telefono": "12345",
        "accion_afirmativa": "Vegana",
        "correo": f"{tag}@correo.invalid",
    }
    for key, value in values.items():
        propietaria[HEADER.index(key)] = value
    viejo = date(1900, 1, 1)
    for key, value in {
        "fecha_nacimiento": viejo.isoformat(),
        "curp": curp(viejo),
        "clave_elector": "ABC123",
        "correo": f"{tag.upper()}@Correo.Invalid",
    }.items():
        suplente[HEADER.index(key)] = value
    importacion_id, _ = await preview(client, "revision.csv", csv_bytes([propietaria, suplente]))
    errores = await db.fetchval("SELECT errores FROM registro.importaciones WHERE id = $1", importacion_id)
    found = {(e["fila"], e["columna"]): e["mensaje"] for e in errores}
    assert (
        f"La CURP {values['curp']} no corresponde a la persona: indica sexo hombre (H) y el sexo es mujer."
        == (found[(2, "curp")])
    )
    assert "indica nacimiento" in found[(2, "rfc")]
    assert "no es un número de México de 10 dígitos" in found[(2, "telefono")]
    assert found[(2, "accion_afirmativa")].startswith("La acción afirmativa «Vegana» no es un grupo del catálogo")
    assert found[(3, "fecha_nacimiento")].startswith("Tendría 124 años el día de la elección")
    assert "formato del INE" in found[(3, "clave_elector")]
    assert found[(3, "correo")].startswith(f"El correo {tag.upper()}@Correo.Invalid ya aparece en la fila 2")

    # Corrected: the group by its Spanish name, the phone with separators; stored as key and ten digits.
    propietaria[HEADER.index("curp")] = curp(nacimiento)
    propietaria[HEADER.index("rfc")] = f"RUPA{nacimiento:%y%m%d}AB1"
    propietaria[HEADER.index("telefono")] = "(443) 123-45-67"
    propietaria[HEADER.index("accion_afirmativa")] = "Persona Indígena"
    suplente = persona("REG_MR", ambito, postulante, 1, "suplente", "Eva")
    suplente[HEADER.index("accion_afirmativa")] = "LGBTTTIQ+"
    importacion_id, html = await preview(client, "revision.csv", csv_bytes([propietaria, suplente]))
    assert "Lista para aplicar" in html, html
    applied = await apply(client, importacion_id, crear_cuentas=False)
    assert applied.status == 303, await applied.text()
    stored = await db.fetch(
        "SELECT accion_afirmativa, telefono, rfc FROM registro.candidaturas WHERE curp = ANY($1::text[]) ORDER BY tipo",
        [propietaria[HEADER.index("curp")], suplente[HEADER.index("curp")]],
    )
    assert [tuple(r) for r in stored] == [
        ("indigena", "4431234567", f"RUPA{nacimiento:%y%m%d}AB1"),
        ("diversidad_sexual", None, None),
    ]

    # The e-mail now belongs to a live registration: another file cannot give it to someone else.
    otra = persona("REG_MR", ambito, f"IND Otra {tag}", 1, "propietaria", "Iris")
    otra[HEADER.index("correo")] = values["correo"].upper()
    again_id, _ = await preview(client, "otra.csv", csv_bytes([otra]))
    again = await db.fetchval("SELECT errores FROM registro.importaciones WHERE id = $1", again_id)
    assert {e["mensaje"] for e in again} >= {
        f"El correo {values['correo'].upper()} ya es de otra candidatura vigente en este proceso."
    }


async def test_every_curp_in_the_registry_passes_its_own_checks(db: asyncpg.Pool) -> None:
    # The demo data (launcher/demo.py) and the factories write CURPs the import itself would accept.
    fresh = await factories.formula_sin_cuentas(db, (await factories.postulante(db))[0])
    # As written: the demo data (its surnames say so) and a fórmula made now (other tests edit their own rows).
    rows = await db.fetch(
        """SELECT curp, sexo, fecha_nacimiento FROM registro.candidaturas
           WHERE segundo_apellido IN ('Demo', 'Ficticia') OR id = ANY($1::int[])""",
        [fresh.propietaria, fresh.suplente],
    )
    assert len(rows) >= 12
    for row in rows:
        assert campos.curp(row["curp"]) == row["curp"]
        campos.curp_coincide(row["curp"], row["sexo"], row["fecha_nacimiento"])


def _formula_rows(postulante: str, numero: int, nombres: tuple[str, str]) -> list[list[str]]:
    ambito = {"municipio": "Uruapan"}
    return [
        persona("REG_MR", ambito, postulante, numero, "propietaria", nombres[0]),
        persona("REG_MR", ambito, postulante, numero, "suplente", nombres[1]),
    ]


async def _registered_at(db: asyncpg.Pool, postulante_id: int, numero: int) -> list[str]:
    rows = await db.fetch(
        """SELECT tipo FROM registro.candidaturas WHERE cargo = 'REG_MR' AND municipio = 16102
           AND postulante_id = $1 AND numero = $2 AND estatus = 'registrada' ORDER BY tipo""",
        postulante_id,
        numero,
    )
    return [r["tipo"] for r in rows]


async def test_two_previews_of_one_position_apply_once(make_client: type[Client], db: asyncpg.Pool) -> None:
    client = await coordinacion(make_client)
    numero = random.randint(5000, 8999)
    first_id, first = await preview(client, "a.csv", csv_bytes(_formula_rows("PT", numero, ("Alba", "Berta"))))
    second_id, second = await preview(client, "b.csv", csv_bytes(_formula_rows("PT", numero, ("Clara", "Dora"))))
    assert "Lista para aplicar" in first and "Lista para aplicar" in second
    assert (await apply(client, first_id, crear_cuentas=False)).status == 303
    refused = await apply(client, second_id, crear_cuentas=False)
    text = _plain(await refused.text())
    assert refused.status == 409, text
    assert (
        f"Desde la vista previa se registraron 2 de estas posiciones (por ejemplo la {numero} de regiduría de "
        "mayoría relativa, propietaria, de PT); carga el archivo de nuevo para revisarlo."
    ) in text
    pt = await db.fetchval("SELECT id FROM registro.postulantes WHERE siglas = 'PT'")
    assert await _registered_at(db, pt, numero) == ["propietaria", "suplente"]
    assert await db.fetchval("SELECT estado FROM registro.importaciones WHERE id = $1", second_id) == "lista"


async def test_two_previews_of_one_position_applied_at_once(make_client: type[Client], db: asyncpg.Pool) -> None:
    postulante = f"IND Carrera {_tag()}"
    clients = [await coordinacion(make_client), await coordinacion(make_client)]
    ids = [
        (await preview(clients[0], "a.csv", csv_bytes(_formula_rows(postulante, 1, ("Elsa", "Fany")))))[0],
        (await preview(clients[1], "b.csv", csv_bytes(_formula_rows(postulante, 1, ("Gala", "Hilda")))))[0],
    ]
    results = await asyncio.gather(*(apply(c, i, crear_cuentas=False) for c, i in zip(clients, ids, strict=True)))
    assert sorted(r.status for r in results) == [303, 409], [r.status for r in results]
    postulantes = await db.fetch("SELECT id FROM registro.postulantes WHERE nombre = $1", postulante[4:])
    assert len(postulantes) == 1
    assert await _registered_at(db, postulantes[0]["id"], 1) == ["propietaria", "suplente"]


INSERT_COPY_SQL = """
INSERT INTO registro.candidaturas (proceso_id, cargo, distrito, municipio, circunscripcion, postulante_id, numero,
    tipo, nombre, primer_apellido, sexo, fecha_nacimiento, curp)
SELECT proceso_id, cargo, distrito, municipio, circunscripcion, postulante_id, numero, tipo, 'Copia', 'Copia', sexo,
       fecha_nacimiento, $2
FROM registro.candidaturas WHERE id = $1
RETURNING id
"""


async def test_the_registry_holds_one_live_registration_per_position(db: asyncpg.Pool) -> None:
    postulante_id, _ = await factories.postulante(db)
    formula = await factories.formula_sin_cuentas(db, postulante_id)
    with pytest.raises(asyncpg.UniqueViolationError) as caught:
        await db.fetchval(INSERT_COPY_SQL, formula.propietaria, curp(date(1985, 6, 1)))
    assert caught.value.constraint_name == "candidaturas_posicion_vigente_idx"
    # A cancelled or substituted registration does not hold its position.
    await db.execute("UPDATE registro.candidaturas SET estatus = 'cancelada' WHERE id = $1", formula.propietaria)
    assert await db.fetchval(INSERT_COPY_SQL, formula.propietaria, curp(date(1985, 6, 1)))
    # Cargos without a distrito or municipio (the state list): NULL ámbitos are the same position.
    proceso = await db.fetchval("SELECT id FROM registro.procesos WHERE activo ORDER BY id LIMIT 1")
    lista = """INSERT INTO registro.candidaturas (proceso_id, cargo, postulante_id, numero, tipo, nombre,
                   primer_apellido, sexo, fecha_nacimiento, curp)
               VALUES ($1, 'DIP_RP', $2, 1, 'propietaria', 'Lista', 'Estatal', 'mujer', $3, $4)"""
    await db.execute(lista, proceso, postulante_id, date(1985, 6, 1), curp(date(1985, 6, 1)))
    with pytest.raises(asyncpg.UniqueViolationError):
        await db.execute(lista, proceso, postulante_id, date(1985, 6, 1), curp(date(1985, 6, 1)))


async def test_substitution_checks_the_person_like_the_import(make_client: type[Client], db: asyncpg.Pool) -> None:
    postulante_id, _ = await factories.postulante(db)
    formula = await factories.formula_sin_cuentas(db, postulante_id)
    client = await coordinacion(make_client)
    path = f"/validacion/registro/candidaturas/{formula.propietaria}"
    nacimiento = date(1992, 8, 8)
    persona_nueva = {
        "nombre": "Renata",
        "primer_apellido": "Quiroz",
        "sexo": "mujer",
        "fecha_nacimiento": nacimiento.isoformat(),
        "curp": curp(nacimiento, "hombre"),
        "rfc": "QURE920809AB1",
        "telefono": "12-34",
        "motivo": "Acuerdo IEM-CG-301/2024",
    }
    bad = await client.submit(path, f"{path}/sustituir", persona_nueva)
    text = _plain(await bad.text())
    assert bad.status == 422, text
    assert "no corresponde a la persona: indica sexo hombre (H) y el sexo es mujer" in text
    assert "El RFC «QURE920809AB1» indica nacimiento 920809 (AAMMDD)" in text
    assert "no es un número de México de 10 dígitos" in text
    viejo = date(1900, 1, 1)
    old = await client.submit(
        path, f"{path}/sustituir", {**persona_nueva, "fecha_nacimiento": viejo.isoformat(), "curp": curp(viejo),
                                    "rfc": "", "telefono": ""}
    )  # fmt: skip
    assert old.status == 422 and "Tendría 124 años el día de la elección" in _plain(await old.text())
    assert await db.fetchval("SELECT estatus FROM registro.candidaturas WHERE id = $1", formula.propietaria) == (
        "registrada"
    )


async def test_demo_data_reload_gives_old_databases_valid_curps(db: asyncpg.Pool) -> None:
    """Databases loaded before the demo CURPs passed their check digit get the valid ones at the next start."""
    demo_curps = [p[5] for *_, personas in demo.FORMULAS for p in personas]
    broken = {c: c[:17] + str((int(c[17]) + 1) % 10) for c in demo_curps}
    async with db.acquire() as conn:
        for good, bad in broken.items():
            await conn.execute("UPDATE registro.candidaturas SET curp = $2 WHERE curp = $1", good, bad)
        before = await conn.fetchval("SELECT count(*) FROM registro.candidaturas")
        await demo.load(conn, DEMO_PASSWORD, "test")
        await demo.load(conn, DEMO_PASSWORD, "test")  # and again: nothing new
        assert await conn.fetchval("SELECT count(*) FROM registro.candidaturas") == before
        stored = await conn.fetch(
            "SELECT curp FROM registro.candidaturas WHERE curp = ANY($1::text[]) AND estatus = 'registrada'",
            demo_curps,
        )
        assert sorted(r["curp"] for r in stored) == sorted(demo_curps)
