"""The demo's published process (launcher/demo_publicado.py): deterministic, fictitious, Michoacán-shaped."""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from datetime import date

import pytest
from PIL import Image

from launcher import demo, demo_publicado
from launcher.demo_publicado import Catalogo, Municipio, Plan
from services.captura import fotos
from services.common import curp
from services.validacion.catalogos import MANIFEST, read_manifest

JORNADA = date(2024, 6, 2)
# Common surnames of the state: none may appear in the demo, which must never look like a real person.
APELLIDOS_REALES = {"Hernández", "García", "Martínez", "López", "González", "Rodríguez", "Pérez", "Zavala", "Ruiz"}


def _catalogo() -> Catalogo:
    manifest = read_manifest(MANIFEST)
    folder = MANIFEST.parent
    with (folder / manifest.municipios).open(encoding="utf-8") as handle:
        municipios = tuple(
            Municipio(
                int(r["cve_completa"]),
                r["nom_municipio"],
                int(r["poblacion_total"] or 0),
                int(r["cve_completa"]) not in manifest.sin_ayuntamiento,
            )
            for r in csv.DictReader(handle)
        )
    with (folder / manifest.distritos).open(encoding="utf-8") as handle:
        distritos = tuple(int(r["distrito"]) for r in csv.DictReader(handle))
    with (folder / manifest.partidos).open(encoding="utf-8") as handle:
        partidos = tuple(r["siglas"] for r in csv.DictReader(handle))
    return Catalogo(distritos, municipios, partidos)


CATALOGO = _catalogo()


def _plan(tamano: str = "completo", catalogo: Catalogo = CATALOGO) -> Plan:
    return demo_publicado.generar(catalogo, demo_publicado.tamano(tamano), JORNADA, demo.posiciones())


@pytest.fixture(scope="module")
def completo() -> Plan:
    return _plan()


def test_same_catalog_and_seed_give_the_same_plan(completo: Plan) -> None:
    assert _plan().formulas == completo.formulas
    assert _plan("minimo").formulas == _plan("minimo").formulas
    other = demo_publicado.generar(CATALOGO, demo_publicado.tamano("completo"), JORNADA, demo.posiciones(), seed=7)
    assert other.formulas != completo.formulas


def test_every_distrito_has_diputacion_formulas_and_every_cargo_is_filled(completo: Plan) -> None:
    cargos = Counter(f.cargo for f in completo.formulas)
    assert set(cargos) == {"DIP_MR", "DIP_RP", "PRES_MUN", "SIND", "REG_MR", "REG_RP"}
    assert {f.distrito for f in completo.formulas if f.cargo == "DIP_MR"} == set(CATALOGO.distritos)
    municipios = {f.municipio for f in completo.formulas if f.cargo == "PRES_MUN"}
    assert 20 <= len(municipios) <= 40
    # A few thousand candidacies at most: `make run` must come up quickly.
    assert 1000 < len(completo.personas) < 4000


def test_formulas_keep_parity_and_lists_alternate(completo: Plan) -> None:
    for f in completo.formulas:
        assert f.propietaria.sexo == f.suplente.sexo, f.posicion
    for siglas in CATALOGO.partidos:
        lista = sorted(
            (f for f in completo.formulas if f.cargo == "DIP_RP" and f.postulante == siglas), key=lambda f: f.numero
        )
        binarios = [f.propietaria.sexo for f in lista if f.propietaria.sexo != "no_binario"]
        assert all(a != b for a, b in itertools.pairwise(binarios)) or len(binarios) < len(lista)
    sexos = Counter(p.sexo for p in completo.personas)
    assert abs(sexos["mujer"] - sexos["hombre"]) < len(completo.personas) * 0.1


def test_municipios_without_ayuntamiento_are_skipped() -> None:
    cheran = next(m for m in CATALOGO.municipios if m.clave == 16024)
    assert not cheran.elige_ayuntamiento
    # Even when the demo asks for every municipio, the one that elects by usos y costumbres gets no planilla.
    todos = demo_publicado.Tamano(None, len(CATALOGO.municipios), 2, 2, 2)
    plan = demo_publicado.generar(CATALOGO, todos, JORNADA)
    municipios = {f.municipio for f in plan.formulas if f.municipio is not None}
    assert 16024 not in municipios
    assert len(municipios) == len(CATALOGO.municipios) - 1


def test_names_are_fictitious(completo: Plan) -> None:
    for p in completo.personas:
        assert p.segundo_apellido in ("Demo", "Ficticia")
        assert p.primer_apellido in demo_publicado.APELLIDOS_INVENTADOS
    assert not APELLIDOS_REALES & set(demo_publicado.APELLIDOS_INVENTADOS)
    assert all("ficticia" in p.nombre.lower() or "demo" in p.nombre.lower() for p in completo.postulantes)
    historias = [p.curricular["profesional"]["historia_profesional"] for p in completo.personas]
    assert all(h.startswith("Perfil ficticio de demostración.") for h in historias if h)


def test_curps_are_valid_and_unique(completo: Plan) -> None:
    claves = [p.curp for p in completo.personas]
    assert len(set(claves)) == len(claves)
    assert all(c[-1] == curp.digito_verificador(c[:17]) for c in claves)


def test_postulantes_include_a_coalicion_a_candidatura_comun_and_independientes(completo: Plan) -> None:
    tipos = {p.siglas: p.tipo for p in completo.postulantes}
    usados = {tipos.get(f.postulante, "partido") for f in completo.formulas}
    assert usados == {"partido", "coalicion", "candidatura_comun", "independiente"}
    coalicion = next(p for p in completo.postulantes if p.tipo == "coalicion")
    assert len(coalicion.partidos) >= 2 and set(coalicion.partidos) <= set(CATALOGO.partidos)
    # The minimal test-session size still shows every kind.
    minimo = _plan("minimo")
    assert {tipos.get(f.postulante, "partido") for f in minimo.formulas} == usados
    assert len({f.cargo for f in minimo.formulas}) == 6


def test_some_rubros_are_empty_and_others_answered(completo: Plan) -> None:
    vacios = Counter()
    for p in completo.personas:
        for rubro, campos in p.curricular.items():
            if not any(campos.values()):
                vacios[rubro] += 1
    assert set(vacios) == {"contacto", "formacion", "profesional", "trayectoria", "propuestas"}
    total = len(completo.personas) * 5
    assert 0.05 * total < sum(vacios.values()) < 0.25 * total


def test_consents_are_mixed(completo: Plan) -> None:
    consentimientos = Counter((p.publicacion, p.estadistica) for p in completo.personas)
    assert consentimientos[(True, True)] > 0  # consent 2 and 3
    assert consentimientos[(False, True)] > 0  # consent 3 only: counted, never shown
    assert consentimientos[(False, False)] > 0
    assert any(p.identidad["indigena"]["indigena"] == "si" for p in completo.personas)


def test_demo_accounts_positions_are_left_to_them(completo: Plan) -> None:
    held = demo.posiciones()
    assert held and not held & {f.posicion for f in completo.formulas}


def test_photos_pass_the_upload_pipeline_and_some_candidacies_have_none(completo: Plan) -> None:
    shas = set()
    for indice in range(demo_publicado.FOTOS):
        procesada = fotos.procesar(demo_publicado.foto(indice))
        assert Image.open(io.BytesIO(procesada.foto)).size == fotos.SIZE
        shas.add(procesada.sha256)
    assert len(shas) == demo_publicado.FOTOS
    con_foto = [p.foto is not None for p in completo.personas]
    assert any(con_foto) and not all(con_foto)


def test_unknown_size_is_refused_in_spanish() -> None:
    with pytest.raises(demo_publicado.TamanoDesconocidoError, match="CONOCELES_DEMO_TAMANO debe ser"):
        demo_publicado.tamano("enorme")


def test_a_person_depends_only_on_the_position(completo: Plan) -> None:
    """Another size (or a change elsewhere in the plan) keeps everyone already loaded as they were."""
    grande = {f.posicion: f for f in completo.formulas}
    shared = [f for f in _plan("minimo").formulas if f.posicion in grande]
    assert len(shared) > 10
    assert all(grande[f.posicion] == f for f in shared if f.cargo in ("DIP_MR", "DIP_RP"))
