"""Reports 2 (omisos) and 5 (calidad de datos): the pure checks, without a server."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from datetime import UTC, date, datetime, timedelta

from services.common import curp
from services.common.marcadores import rubros_con_marcadores
from services.reportes import calidad, documento, omisos
from services.reportes.avance import Evento
from services.reportes.settings import REGLAS_CALIDAD

T0 = datetime(2024, 4, 1, 12, tzinfo=UTC)
CIERRE = T0 + timedelta(days=10)
RNG = random.Random(7)


def candidatura(
    i: int, *, cierre: datetime | None = CIERRE, estatus: str = "registrada", **extra: object
) -> omisos.Candidatura:
    valores: dict[str, object] = {
        "candidatura_id": i,
        "postulante_id": 1,
        "postulante": "Partido A",
        "cargo_nombre": "Presidencia municipal",
        "cargo_orden": 3,
        "ambito": "Morelia",
        "numero": i,
        "tipo": "propietaria",
        "nombre": f"Persona {i}",
        "sexo": "mujer",
        "estatus": estatus,
        "created_at": T0,
        "cierre": cierre,
    }
    valores.update(extra)
    return omisos.Candidatura(**valores)  # type: ignore[arg-type]


def test_an_omiso_is_judged_at_its_own_close_not_after_it() -> None:
    enviado_tarde = [Evento("curricular", "en_captura", T0 + timedelta(days=1)),
                     Evento("curricular", "enviado", CIERRE + timedelta(hours=1))]  # fmt: skip
    enviado_a_tiempo = [Evento("identidad", "enviado", CIERRE - timedelta(hours=1))]
    resultado = omisos.omisos(
        [candidatura(1), candidatura(2), candidatura(3)],
        {1: enviado_tarde, 2: enviado_a_tiempo},
        CIERRE + timedelta(days=5),
    )
    (grupo,) = resultado.grupos
    assert grupo.registradas == 3
    assert [o.candidatura.candidatura_id for o in grupo.omisos] == [1, 3]
    assert grupo.omisos[0].capturo and grupo.omisos[0].situacion == "Capturó sin enviar"
    assert grupo.omisos[1].situacion == "Sin captura"
    assert not any(o.plazo_vigente for o in grupo.omisos)


def test_a_prorroga_moves_the_close_and_a_cut_off_before_it_counts_what_happened_until_then() -> None:
    prorroga = CIERRE + timedelta(days=3)
    eventos = {1: [Evento("curricular", "enviado", CIERRE + timedelta(days=1))]}
    despues = omisos.omisos([candidatura(1, cierre=prorroga, con_prorroga=True)], eventos, prorroga + timedelta(1))
    assert despues.omisos == 0, "submitted within its prórroga"
    # At a cut-off before its submission, it was an omiso still in time.
    antes = omisos.omisos([candidatura(1, cierre=prorroga, con_prorroga=True)], eventos, CIERRE + timedelta(hours=2))
    assert antes.omisos == 1 and antes.vigentes == 1
    fila = omisos.fila(antes.grupos[0].omisos[0], "14/04/2024 12:00")
    assert fila[-2] == "Sin captura (plazo vigente)" and fila[-1].endswith("(con prórroga)")


def test_sustituidas_canceladas_and_later_registrations_are_not_omisos() -> None:
    resultado = omisos.omisos(
        [
            candidatura(1, estatus="sustituida"),
            candidatura(2, estatus="cancelada"),
            candidatura(3, created_at=CIERRE + timedelta(days=2)),
            candidatura(4, postulante="Partido B", postulante_id=2),
        ],
        {},
        CIERRE + timedelta(days=1),
    )
    assert [(g.postulante, g.registradas, len(g.omisos)) for g in resultado.grupos] == [("Partido B", 1, 1)]
    assert [(a.estatus, a.total) for a in resultado.aparte] == [("Cancelada", 1), ("Sustituida", 1)]


def test_no_close_means_the_cut_off_and_the_window_still_open() -> None:
    resultado = omisos.omisos([candidatura(1, cierre=None)], {}, T0 + timedelta(days=1))
    assert resultado.omisos == 1 and resultado.vigentes == 1


def persona(
    i: int, *, tipo: str = "propietaria", sexo: str = "mujer", numero: int = 1, cargo: str = "REG_RP",
    nacimiento: date = date(1980, 5, 17), clave: str | None = None, demarcacion: str = "Morelia",
) -> calidad.Persona:  # fmt: skip
    return calidad.Persona(
        candidatura_id=i,
        postulante_id=1,
        postulante="Partido A",
        cargo=cargo,
        cargo_nombre=cargo,
        cargo_orden=1,
        demarcacion=demarcacion,
        numero=numero,
        tipo=tipo,
        nombre=f"Persona {i}",
        sexo=sexo,
        fecha_nacimiento=nacimiento,
        curp=clave or curp.ficticia(sexo if sexo != "no_binario" else "mujer", nacimiento, RNG),
    )


def formula(
    i: int, numero: int, sexo: str, suplente: str | None = None, cargo: str = "REG_RP"
) -> list[calidad.Persona]:
    return [
        persona(i, numero=numero, sexo=sexo, cargo=cargo),
        persona(i + 1, tipo="suplente", numero=numero, sexo=suplente or sexo, cargo=cargo),
    ]


REGLAS = calidad.Reglas.model_validate(
    {
        "cargos": {
            "REG_RP": {"lista": True, "paridad": True, "alternancia": True, "suplente_mismo_genero": True},
            "PRES_MUN": {"paridad": True, "suplente_mismo_genero": True, "suplente_mujer_de_hombre": False},
        }
    }
)


def reglas_de(hallazgos: list[calidad.Hallazgo]) -> list[str]:
    return sorted(h.regla for h in hallazgos)


def test_a_good_list_has_no_findings() -> None:
    lista = formula(1, 1, "mujer") + formula(3, 2, "hombre") + formula(5, 3, "mujer") + formula(7, 4, "hombre", "mujer")
    assert calidad.revisar(lista, REGLAS) == []


def test_formulas_positions_alternation_parity_and_suplentes() -> None:
    lista = (
        formula(1, 1, "mujer")
        + formula(3, 2, "mujer", "hombre")  # alternation broken; the suplente of a woman is a man
        + formula(5, 4, "mujer")  # position 3 missing
        + [persona(7, numero=5, sexo="hombre")]  # no suplente
    )
    hallazgos = calidad.revisar(lista, REGLAS)
    assert reglas_de(hallazgos) == ["alternancia", "formula", "paridad", "posiciones", "suplente"]
    texto = {h.regla: h.descripcion for h in hallazgos}
    assert texto["posiciones"] == "Faltan las posiciones 3 de la lista."
    assert "fórmula 5 tiene 1 propietaria(s) y 0 suplente(s)" in texto["formula"]
    assert "3 mujer(es) y 1 hombre(s)" in texto["paridad"]
    assert texto["alternancia"] == "Las posiciones 1 y 2 son del mismo sexo (mujer)."


def test_rules_are_per_cargo_data() -> None:
    # Without rules for the cargo, only the fórmula check runs.
    lista = formula(1, 1, "mujer", "hombre") + formula(3, 3, "mujer")
    assert reglas_de(calidad.revisar(lista, calidad.Reglas())) == []
    # Mayoría: parity over the postulante's fórmulas of the cargo (different demarcaciones, not a list).
    mr = [p for i, d in enumerate(("A", "B", "C")) for p in formula(10 + 2 * i, 1, "hombre", cargo="PRES_MUN")]
    mr = [calidad.Persona(**{**p.__dict__, "demarcacion": str(p.candidatura_id // 2)}) for p in mr]
    (paridad,) = calidad.revisar(mr, REGLAS)
    assert paridad.regla == "paridad" and paridad.demarcacion == "Todas"
    assert paridad.descripcion.startswith("El conjunto de fórmulas de pres_mun tiene 0 mujer(es) y 3 hombre(s)")
    # A rule that does not allow a woman as a man's suplente.
    assert reglas_de(calidad.revisar(formula(20, 1, "hombre", "mujer", cargo="PRES_MUN"), REGLAS)) == ["suplente"]
    assert reglas_de(calidad.revisar(formula(20, 1, "hombre", "mujer"), REGLAS)) == []


def test_no_binario_is_not_counted_for_parity_or_suplentes() -> None:
    lista = formula(1, 1, "mujer") + formula(3, 2, "no_binario", "hombre") + formula(5, 3, "hombre")
    assert calidad.revisar(lista, REGLAS) == []


def test_the_shipped_rules_file_loads() -> None:
    reglas = calidad.cargar_reglas(REGLAS_CALIDAD)
    assert reglas.de("DIP_RP").alternancia and reglas.de("DIP_MR").paridad and not reglas.de("DIP_MR").lista
    assert reglas.de("NO_EXISTE") == calidad.ReglaCargo()


def test_curp_inconsistent_with_sex_or_birth_date() -> None:
    buena = curp.ficticia("mujer", date(1980, 5, 17), RNG)
    assert calidad.revisar_curp(persona(1, clave=buena)) == []
    (sexo,) = calidad.revisar_curp(persona(1, sexo="hombre", clave=buena))
    assert "la CURP dice mujer y el registro hombre" in sexo.descripcion
    (fecha,) = calidad.revisar_curp(persona(1, nacimiento=date(1981, 5, 17), clave=buena))
    assert "nacimiento el 17/05/1980 y el registro el 17/05/1981" in fecha.descripcion
    mala = buena[:17] + str((int(buena[17]) + 1) % 10)
    (invalida,) = calidad.revisar_curp(persona(1, clave=mala))
    assert "no es válida" in invalida.descripcion
    # A person registered as no binario is not checked against the CURP's letter (only the date).
    assert calidad.revisar_curp(persona(1, sexo="no_binario", clave=buena)) == []


def hecho(i: int, cid: int, clase_hecho: str, referencia: str | None, **detalle: object) -> calidad.HechoCalidad:
    return calidad.HechoCalidad(cid, clase_hecho, referencia, detalle, i)


def test_open_flags_copies_and_placeholders_from_validacion_facts() -> None:
    hechos = [
        hecho(1, 7, "bandera", "10", tipo="dato_sensible", clase="curp", estado="abierta"),
        hecho(2, 7, "bandera", "11", tipo="propuesta_copiada", clase="copia", estado="abierta"),
        hecho(3, 7, "bandera", "12", tipo="propuesta_copiada", clase="copia", estado="abierta"),
        hecho(4, 7, "bandera", "13", tipo="propuesta_copiada", clase="plataforma_comun", estado="informativa"),
        hecho(5, 7, "bandera_resuelta", "12", estado="descartada"),
        hecho(6, 7, "bandera_resuelta", "10", estado="confirmada"),
        hecho(7, 7, "marcadores", "curricular", cuestionario="curricular", rubros=["a", "b"]),
        hecho(8, 7, "marcadores", "identidad", cuestionario="identidad", rubros=["c"]),
        hecho(9, 7, "marcadores", "curricular", cuestionario="curricular", rubros=["a"]),  # a later version
    ]
    assert calidad.senales(hechos) == {7: calidad.Senales(banderas_abiertas=1, copias=1, rubros_marcadores=2)}
    # A corrected version without placeholders clears them.
    limpio = [*hechos, hecho(10, 7, "marcadores", "curricular", cuestionario="curricular", rubros=[])]
    assert calidad.senales(limpio)[7].rubros_marcadores == 1


def test_summary_per_postulante_and_cargo() -> None:
    personas = [*formula(1, 1, "mujer"), persona(3, numero=3, sexo="hombre", cargo="REG_RP")]
    hallazgos = calidad.revisar(personas, REGLAS)
    resultado = calidad.resumen(personas, hallazgos, {1: calidad.Senales(2, 1, 3)})
    (fila,) = resultado.filas
    assert fila.cuentas == {
        "registradas": 3,
        "hallazgos_planilla": 2,  # position 2 missing; fórmula 3 without suplente
        "curp": 0,
        "banderas_abiertas": 2,
        "copias": 1,
        "con_marcadores": 1,
        "rubros_marcadores": 3,
    }
    assert resultado.total.cuentas == fila.cuentas


def test_placeholder_rubros_of_a_version() -> None:
    respuestas = {
        "trayectoria": {"cargo": "N/A", "institucion": "Universidad"},
        "propuestas": {"propuesta_1": "Mejorar el alumbrado", "propuesta_2": ""},
        "formacion": {"grados": [{"titulo": "xxx"}]},
        "vacio": {"campo": None},
    }
    assert rubros_con_marcadores(respuestas) == ["formacion", "trayectoria"]


def test_documents_in_every_format() -> None:
    doc = documento.Documento(
        instituto="Instituto",
        proceso="Proceso 2024",
        titulo="Reporte",
        lineas=["Fecha de corte: 01/04/2024"],
        secciones=(
            documento.Seccion("Resumen", ("A", "B"), [["=1+1", 2]]),
            documento.Seccion("Vacía", ("A",), [], "Nada que reportar."),
        ),
    )
    filas = list(csv.reader(io.StringIO(documento.csv_bytes(doc).decode("utf-8-sig"))))
    assert filas[0] == ["Instituto"] and ["'=1+1", "2"] in filas and ["Nada que reportar."] in filas
    xlsx = documento.xlsx_bytes(doc)
    assert zipfile.ZipFile(io.BytesIO(xlsx)).testzip() is None
    assert documento.xlsx_bytes(doc) == xlsx, "the same document, the same bytes"
    pdf = documento.pdf_bytes(doc)
    assert pdf.startswith(b"%PDF") and documento.pdf_bytes(doc) == pdf
