"""The CURP helper shared by the import and the data generators: check digit, century, sex, generation."""

from __future__ import annotations

import random
from datetime import date

import pytest

from launcher.demo import FORMULAS
from services.common import curp

# RENAPO's own example in its instructions (Gloria Hernández García, Veracruz, 27/04/1956).
RENAPO_EXAMPLE = "HEGG560427MVZRRL04"


def test_check_digit_of_renapos_example() -> None:
    assert curp.formato_valido(RENAPO_EXAMPLE)
    assert curp.digito_verificador(RENAPO_EXAMPLE[:17]) == "4"
    assert curp.digito_valido(RENAPO_EXAMPLE)


def test_a_changed_character_breaks_the_check_digit() -> None:
    value = RENAPO_EXAMPLE
    assert not curp.digito_valido(value[:17] + str((int(value[17]) + 1) % 10))
    assert not curp.digito_valido(value[:5] + "7" + value[6:])


def test_century_comes_from_the_homoclave() -> None:
    assert curp.nacimiento_de("HEGG560427MVZRRL04") == date(1956, 4, 27)
    assert curp.nacimiento_de("HURI020309MMNRMTA3") == date(2002, 3, 9)
    assert curp.nacimiento_de("AAAA000229MMNXXXA1") == date(2000, 2, 29)
    assert curp.nacimiento_de("AAAA010229MMNXXXA1") is None  # 2001 was not a leap year
    assert curp.nacimiento_de("AAAA000229MMNXXX01") is None  # 1900 was not a leap year either


def test_sex_letter() -> None:
    assert curp.sexo_de("HEGG560427MVZRRL04") == "mujer"
    assert curp.sexo_de("PESL700102HMNRTS04") == "hombre"
    assert curp.sexo_de("AAAA000101XMNXXXA1") == "no_binario"


@pytest.mark.parametrize(
    ("args", "prefix"),
    [
        (("Gloria", "Hernández", "García", "mujer", date(1956, 4, 27), "VZ"), "HEGG560427MVZRRL"),
        (("José Luis", "Pérez", "Soto", "hombre", date(1970, 1, 2), "MN"), "PESL700102HMNRTS"),
        (("María de los Ángeles", "de la Cruz", "", "mujer", date(2001, 5, 6), "MN"), "CUXA010506MMNRXN"),
        (("Ñeli", "Ñúñez", "Ávila", "no_binario", date(1999, 12, 31), "MN"), "XUAX991231XMNXVL"),
        # "PUTO" is one of RENAPO's inconvenient words: its second letter becomes X.
        (("Octavio", "Puga", "Torres", "hombre", date(1980, 1, 1), "MN"), "PXTO800101HMNGRC"),
    ],
)
def test_generated_curps_follow_renapo_rules(args: tuple[str, str, str, str, date, str], prefix: str) -> None:
    value = curp.generar(*args)
    assert value.startswith(prefix)
    assert curp.formato_valido(value) and curp.digito_valido(value)
    assert curp.nacimiento_de(value) == args[4]
    assert curp.sexo_de(value) == args[3]


def test_homoclave_is_a_letter_from_2000_on() -> None:
    assert curp.generar("Ana", "Ruiz", "Paz", "mujer", date(1999, 1, 1))[16].isdigit()
    assert curp.generar("Ana", "Ruiz", "Paz", "mujer", date(2000, 1, 1))[16].isalpha()


def test_random_curps_are_valid_for_the_person() -> None:
    rng = random.Random(7)
    for _ in range(500):
        sexo = rng.choice(("mujer", "hombre", "no_binario"))
        nacimiento = date(1940, 1, 1).fromordinal(date(1940, 1, 1).toordinal() + rng.randint(0, 30000))
        value = curp.ficticia(sexo, nacimiento, rng)
        assert curp.formato_valido(value) and curp.digito_valido(value), value
        assert curp.nacimiento_de(value) == nacimiento and curp.sexo_de(value) == sexo
        assert value[:4] not in curp.INCONVENIENTES


def test_every_demo_curp_passes_the_registry_checks() -> None:
    for *_, personas in FORMULAS:
        for _nombre, _ap1, _ap2, sexo, nacimiento, value in personas:
            assert curp.formato_valido(value) and curp.digito_valido(value), value
            assert curp.nacimiento_de(value) == nacimiento and curp.sexo_de(value) == sexo
