"""Open data (issue 10, page 7): old releases' files are deleted once PUBLICO_DATOS_CONSERVAR newer ones exist
(3 in the tests, tests/conftest.py) while their rows, changelog and checksums stay listed; and what a release
says of RP lists (CIRCUNSCRIPCION) and of placeholder answers (missing, as on the profile)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import asyncpg
import orjson

from launcher.system import System
from services.publico import datos
from services.publico.sql import PUBLISH_SQL

from . import factories
from .helpers import Client
from .test_datos import _download, _last, _release_after

CONSERVAR = 3


async def _publish(db: asyncpg.Pool, curricular: dict[str, dict[str, str]], **registro: object) -> int:
    cid = (await factories.candidata(db, **registro)).candidatura_id  # type: ignore[arg-type]
    now = datetime.now(UTC)
    await db.execute(PUBLISH_SQL, cid, "prueba datos", curricular, 1, now, now, None)
    return cid


async def test_old_release_files_are_deleted_and_their_checksums_stay_listed(
    system: System, client: Client, db: asyncpg.Pool
) -> None:
    last = await _last(client)
    hechas = []
    for n in range(CONSERVAR + 1):
        cid = await _publish(db, {"propuestas": {"propuesta_1": f"Propuesta {n}"}})
        release = await _release_after(db, client, last, lambda r, cid=cid: cid in r["cambios"]["agregadas"])
        hechas.append(release)
        last = release["numero"]
    vieja, recientes = hechas[0], hechas[1:]
    listado = {r["numero"]: r for r in (await (await client.get("/api/v1/datos")).json())["publicaciones"]}
    borrada = listado[vieja["numero"]]
    assert borrada["disponible"] is False and all(a["url"] is None for a in borrada["archivos"])
    assert [a["sha256"] for a in borrada["archivos"]] == [a["sha256"] for a in vieja["archivos"]]
    assert borrada["cambios"] == vieja["cambios"]
    for archivo in vieja["archivos"]:
        assert (await client.get(archivo["url"])).status == 404
    carpeta = system.media_dir / "publico" / "datos" / str(vieja["numero"])
    assert not carpeta.exists()
    for release in recientes:  # the newest ones keep their files
        assert listado[release["numero"]]["disponible"] is True
        await _download(client, listado[release["numero"]])

    html = await (await client.get("/datos")).text()
    assert f"Publicación {vieja['numero']}" in html and vieja["archivos"][0]["sha256"] in html
    assert "archivo ya no disponible" in html and f"las {CONSERVAR} publicaciones más recientes" in html


async def test_rp_lists_carry_their_circunscripcion_and_placeholders_are_missing(
    client: Client, db: asyncpg.Pool
) -> None:
    curricular = {
        "formacion": {"grado_maximo": "Licenciatura", "cursos": "N/A"},
        "propuestas": {"propuesta_1": "sin información", "propuesta_2": "Agua potable"},
    }
    rp = await _publish(db, curricular, cargo="DIP_RP", municipio=None)
    ayuntamiento = await _publish(db, {"propuestas": {"propuesta_1": "Calles"}})
    release = await _release_after(
        db, client, await _last(client), lambda r: {rp, ayuntamiento} <= set(r["cambios"]["agregadas"])
    )
    files = await _download(client, release)
    table = list(csv.reader(io.StringIO(files["candidaturas.csv"].decode("utf-8-sig"))))
    by_id = {int(r[datos.NOMBRES.index("ID_CANDIDATURA")]): dict(zip(datos.NOMBRES, r, strict=True)) for r in table[1:]}
    assert by_id[rp]["CIRCUNSCRIPCION"] == "1" and by_id[ayuntamiento]["CIRCUNSCRIPCION"] == ""
    assert by_id[rp]["CURSOS"] == "" and by_id[rp]["PROPUESTA_1"] == ""
    assert by_id[rp]["PROPUESTA_2"] == "Agua potable" and by_id[rp]["ESCOLARIDAD"] == "Licenciatura"
    json_rp = next(c for c in orjson.loads(files["candidaturas.json"])["candidaturas"] if c["ID_CANDIDATURA"] == rp)
    assert json_rp["PROPUESTA_1"] is None and json_rp["CIRCUNSCRIPCION"] == 1
