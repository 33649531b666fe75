"""Registry values as people read them: the fórmula position agrees with the person; independents are named."""

from __future__ import annotations

import pytest

from services.common.etiquetas import calidad, postulante_corto, postulante_nombre


@pytest.mark.parametrize(
    ("tipo", "sexo", "texto"),
    [
        ("propietaria", "mujer", "propietaria"),
        ("propietaria", "hombre", "propietario"),
        ("propietaria", "no_binario", "persona propietaria"),
        ("suplente", "mujer", "suplente"),
        ("suplente", "hombre", "suplente"),
        ("suplente", "no_binario", "persona suplente"),
        ("propietaria", None, "persona propietaria"),
        ("suplente", "desconocido", "persona suplente"),
    ],
)
def test_calidad_agrees_with_the_person(tipo: str, sexo: str | None, texto: str) -> None:
    assert calidad(tipo, sexo) == texto


def test_an_independent_is_never_named_by_its_generated_siglas() -> None:
    texto = postulante_nombre("Ana Torres Guzmán", "IND-ANA-TORRES-GUZMAN", "independiente")
    assert texto == "Candidatura independiente (Ana Torres Guzmán)"
    assert postulante_corto("IND-ANA-TORRES-GUZMAN", "independiente") == "Candidatura independiente"


def test_an_independent_whose_name_says_so_is_not_repeated() -> None:
    nombre = "Candidatura Independiente «Ñandú»"
    assert postulante_nombre(nombre, "IND-NANDU", "independiente") == nombre


def test_parties_keep_their_siglas() -> None:
    assert postulante_nombre("Partido Acción Nacional", "PAN", "partido") == "Partido Acción Nacional (PAN)"
    assert postulante_nombre("Morena", "MORENA", "partido") == "Morena"
    assert postulante_corto("PAN", "partido") == "PAN"
    assert postulante_corto("PAN-PRI-PRD", "coalicion") == "PAN-PRI-PRD"
