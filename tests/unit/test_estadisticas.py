"""The aggregates of /estadisticas: what counts where, and identity data only with consent 3."""

from __future__ import annotations

from services.publico.estadisticas import (
    SIN_DATO,
    SIN_ESCOLARIDAD,
    SIN_RESPUESTA,
    Avance,
    Catalogo,
    Persona,
    agregar,
    rango_edad,
)

CATALOGO = Catalogo(
    grupos=("Persona indígena", "Persona joven"),
    ingresos=(("hasta_11000", "Menos de $11,000"), ("mas_112000", "Más de $112,000")),
)


def _persona(sexo: str = "mujer", edad: int | None = 40, grado: str | None = "Licenciatura", **kw: object) -> Persona:
    return Persona(
        sexo,
        edad,
        grado,
        bool(kw.get("estadistica", False)),
        kw.get("identidad"),  # type: ignore[arg-type]
        kw.get("accion_afirmativa"),  # type: ignore[arg-type]
    )


def _identidad(grupos: list[str], ingreso: str | None) -> dict[str, object]:
    respuestas = {"ingreso": {"ingreso_mensual": ingreso}} if ingreso else {}
    return {"grupos": grupos, "respuestas": respuestas}


def _valores(tabla: object) -> dict[str, int | None]:
    return {c.etiqueta: c.valor for c in tabla.celdas}  # type: ignore[attr-defined]


def test_age_ranges_have_inclusive_edges() -> None:
    assert [rango_edad(e) for e in (18, 24, 25, 29, 30, 59, 60, 91)] == [
        "18 a 24 años",
        "18 a 24 años",
        "25 a 29 años",
        "25 a 29 años",
        "30 a 39 años",
        "50 a 59 años",
        "60 años o más",
        "60 años o más",
    ]
    assert rango_edad(None) == SIN_DATO and rango_edad(17) == SIN_DATO


def test_sexo_edad_and_escolaridad_count_every_published_candidacy() -> None:
    personas = [_persona() for _ in range(6)] + [_persona("hombre", 25, None) for _ in range(7)]
    tablas = {t.clave: t for t in agregar(personas, CATALOGO)}
    assert _valores(tablas["sexo"]) == {"Mujer": 6, "Hombre": 7, "No binario": 0}
    assert tablas["sexo"].total is not None and tablas["sexo"].total.valor == 13
    assert _valores(tablas["edad"])["40 a 49 años"] == 6 and _valores(tablas["edad"])["25 a 29 años"] == 7
    assert _valores(tablas["escolaridad"])["Licenciatura"] == 6
    assert _valores(tablas["escolaridad"])[SIN_ESCOLARIDAD] == 7


def test_identity_counts_only_with_consent_3_but_accion_afirmativa_always() -> None:
    con = [_persona(estadistica=True, identidad=_identidad(["Persona indígena"], "hasta_11000")) for _ in range(5)]
    sin = [_persona(estadistica=False, identidad=_identidad(["Persona joven"], "mas_112000")) for _ in range(6)]
    aa = [_persona(accion_afirmativa="joven") for _ in range(5)]
    tablas = {t.clave: t for t in agregar(con + sin + aa, CATALOGO)}
    assert _valores(tablas["grupos"]) == {"Persona indígena": 5, "Persona joven": 5}
    assert tablas["grupos"].total is None
    ingreso = tablas["ingreso"]
    assert ingreso.total is not None and ingreso.total.valor == 5
    assert _valores(ingreso) == {"Menos de $11,000": 5, "Más de $112,000": 0, SIN_RESPUESTA: 0}


def test_one_small_cell_in_a_real_table_hides_the_next_smallest() -> None:
    personas = [_persona() for _ in range(6)] + [_persona("hombre") for _ in range(9)] + [_persona("no_binario")]
    sexo = {t.clave: t for t in agregar(personas, CATALOGO)}["sexo"]
    assert [c.texto for c in sexo.celdas] == ["Reservado", "9", "<5"]


def test_a_consent_3_candidacy_without_an_income_answer_counts_as_no_answer() -> None:
    personas = [_persona(estadistica=True, identidad=_identidad([], None)) for _ in range(5)]
    assert _valores({t.clave: t for t in agregar(personas, CATALOGO)}["ingreso"])[SIN_RESPUESTA] == 5


def test_unknown_categories_still_count_in_the_total() -> None:
    personas = [_persona(grado="Bachillerato") for _ in range(5)]
    escolaridad = {t.clave: t for t in agregar(personas, CATALOGO)}["escolaridad"]
    assert _valores(escolaridad)["Bachillerato"] == 5 and escolaridad.total is not None
    assert escolaridad.total.valor == 5


def test_progress_stages_are_whole_percentages_of_the_registered_and_small_counts_are_shown() -> None:
    # Counts of candidacies, not people: a 1 or a 3 is shown as it is (docs/sitio-publico-estadisticas.md).
    assert Avance("PAN", 8, 6, 3, 2).etapas() == [("Enviadas", 6, 75), ("Validadas", 3, 38), ("Publicadas", 2, 25)]
    assert [pct for _, _, pct in Avance("X", 0, 0, 0, 0).etapas()] == [0, 0, 0]


def test_malformed_identity_counts_nowhere_instead_of_failing() -> None:
    odd = [_persona(estadistica=True, identidad="texto") for _ in range(5)]  # type: ignore[arg-type]
    odd += [_persona(estadistica=True, identidad={"grupos": "x", "respuestas": []}) for _ in range(5)]
    tablas = {t.clave: t for t in agregar(odd, CATALOGO)}
    assert all(c.valor == 0 for c in tablas["grupos"].celdas)
    assert tablas["ingreso"].total is not None and tablas["ingreso"].total.valor == 5  # the dict ones: no answer


def test_the_progress_chart_gives_way_to_its_table_past_twelve_rows() -> None:
    from services.publico.estadisticas_web import MAX_FILAS_GRAFICA_AVANCE, _grafica_avance

    filas = [Avance(f"P{i}", 8, 6, 3, 2) for i in range(MAX_FILAS_GRAFICA_AVANCE)]
    assert "<svg" in str(_grafica_avance("avance-postulante", "Avance", filas))
    assert _grafica_avance("avance-postulante", "Avance", [*filas, Avance("Otro", 1, 1, 1, 1)]) is None
