"""The capture dashboard: progress, what is missing, filters, the deadline and the CSV of a representative."""

from __future__ import annotations

import csv
import io

import asyncpg

from . import factories
from .helpers import Client


async def test_representative_sees_progress_missing_rubros_filters_and_csv(
    make_client: type[Client], db: asyncpg.Pool
) -> None:
    regidora = await factories.candidata(db, siglas="PAN", cargo="REG_MR")
    candidata = make_client()
    await candidata.login(regidora.username)
    rubro = f"/captura/candidaturas/{regidora.candidatura_id}/curricular/profesional"
    saved = await candidata.submit(rubro, rubro, {"version": "0", "historia_profesional": "Maestra rural 20 años."})
    assert saved.status == 303

    representante = make_client()
    await representante.login("demo-representante")
    page = await representante.get("/captura/?cargo=REG_MR")
    text = await page.text()
    assert page.status == 200
    assert regidora.nombre in text and "Hernández Zavala" not in text  # the filter keeps only regidurías
    assert "quedan" in text  # the demo process's capture window is open
    assert 'value="20"' in text  # one rubro of five
    assert "Datos generales y contacto público, Formación académica" in text

    export = await representante.get("/captura/avance.csv?cargo=REG_MR")
    assert export.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO((await export.read()).decode("utf-8-sig"))))
    mine = next(r for r in rows if r["candidatura"] == str(regidora.candidatura_id))
    assert mine["avance_curricular"] == "20"
    assert "Historia profesional" not in mine["faltantes_curricular"]
    assert all(r["postulante"] == "PAN" for r in rows)
    bad = await representante.get("/captura/?estado=inventado")
    assert bad.status == 422


async def test_a_candidate_sees_only_their_candidacy(make_client: type[Client], db: asyncpg.Pool) -> None:
    person = await factories.candidata(db)
    client = make_client()
    await client.login(person.username)
    text = await (await client.get("/captura/")).text()
    assert person.nombre in text and "Hernández Zavala" not in text
    assert (await client.get("/captura/avance.csv")).status == 200
