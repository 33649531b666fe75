"""Single values of a registration (services/validacion/importacion/campos.py): each rule alone, no server."""

from __future__ import annotations

from datetime import date

import pytest

from services.common import curp as curps
from services.common.identidad import GRUPOS_ACCION_AFIRMATIVA, clave_accion_afirmativa, grupo_accion_afirmativa
from services.validacion.importacion import campos
from services.validacion.importacion.campos import CampoInvalidoError

NACIMIENTO = date(1985, 3, 14)
CURP = curps.generar("Lucía", "Hernández", "Zavala", "mujer", NACIMIENTO)


def test_curp_normalized_and_checked() -> None:
    assert campos.curp(f" {CURP.lower()} ") == CURP
    with pytest.raises(CampoInvalidoError, match="dígito verificador"):
        campos.curp(CURP[:17] + str((int(CURP[17]) + 1) % 10))
    with pytest.raises(CampoInvalidoError, match="formato de 18 caracteres"):
        campos.curp("HEZL850314")
    impossible = "HEZL850231MMNRVC0"
    with pytest.raises(CampoInvalidoError, match=r"fecha de nacimiento \(850231\) no existe"):
        campos.curp(impossible + curps.digito_verificador(impossible))


def test_curp_must_match_the_rows_sex_and_birth_date() -> None:
    campos.curp_coincide(CURP, "mujer", NACIMIENTO)
    with pytest.raises(
        CampoInvalidoError, match=r"indica nacimiento el 14/03/1985 y la fecha de nacimiento es 15/03/1985"
    ):
        campos.curp_coincide(CURP, "mujer", date(1985, 3, 15))
    # Same day and month a century earlier: the homoclave's digit says 1900s.
    with pytest.raises(CampoInvalidoError, match="indica nacimiento el 14/03/1985"):
        campos.curp_coincide(CURP, "mujer", date(1885, 3, 14))
    with pytest.raises(CampoInvalidoError, match=r"indica sexo mujer \(M\) y el sexo es hombre"):
        campos.curp_coincide(CURP, "hombre", NACIMIENTO)


def test_no_binario_accepts_x_and_an_older_h_or_m_but_x_is_only_no_binario() -> None:
    x = curps.generar("Alex", "Ruiz", "Paz", "no_binario", NACIMIENTO)
    campos.curp_coincide(x, "no_binario", NACIMIENTO)
    campos.curp_coincide(CURP, "no_binario", NACIMIENTO)
    with pytest.raises(CampoInvalidoError, match=r"indica sexo no binario \(X\) y el sexo es mujer"):
        campos.curp_coincide(x, "mujer", NACIMIENTO)


def test_curp_of_someone_born_after_2000() -> None:
    nacimiento = date(2003, 7, 9)
    value = curps.generar("Itzel", "Huerta", "Ramos", "mujer", nacimiento)
    campos.curp_coincide(campos.curp(value), "mujer", nacimiento)
    with pytest.raises(CampoInvalidoError, match="indica nacimiento el 09/07/2003"):
        campos.curp_coincide(value, "mujer", date(1903, 7, 9))


@pytest.mark.parametrize("value", ["HEZL850314AB1", "hezl850314ab1", "HEZL850314", "HEZL-850314-AB1", "ÑEZL850314A1A"])
def test_rfc_accepted(value: str) -> None:
    assert campos.rfc(value, NACIMIENTO) == value.upper().replace("-", "")


@pytest.mark.parametrize("value", ["HEZL85031", "1234567890123", "HEZL850314ABCD", "HEZ850314AB1"])
def test_rfc_refused_by_format(value: str) -> None:
    with pytest.raises(CampoInvalidoError, match="formato del SAT"):
        campos.rfc(value, NACIMIENTO)


def test_rfc_must_carry_the_birth_date() -> None:
    with pytest.raises(CampoInvalidoError, match=r"indica nacimiento 850315 \(AAMMDD\)"):
        campos.rfc("HEZL850315AB1", NACIMIENTO)
    assert campos.rfc(None, NACIMIENTO) is None and campos.rfc("  ", NACIMIENTO) is None


def test_clave_de_elector() -> None:
    clave = "HRZVLC85031416M100"
    assert campos.clave_elector(clave.lower(), "mujer", NACIMIENTO) == clave
    assert campos.clave_elector("HRZVLC85031487M100", "mujer", NACIMIENTO)  # born abroad
    assert campos.clave_elector(clave, "no_binario", NACIMIENTO) == clave
    for wrong in ("HRZVLC8503141M100", "HRZVLC85031416Q100", "HRZVLC85031433M100", "HRZVL185031416M100"):
        with pytest.raises(CampoInvalidoError, match="formato del INE"):
            campos.clave_elector(wrong, "mujer", NACIMIENTO)
    with pytest.raises(CampoInvalidoError, match=r"indica nacimiento 850315"):
        campos.clave_elector("HRZVLC85031516M100", "mujer", NACIMIENTO)
    with pytest.raises(CampoInvalidoError, match=r"indica sexo mujer \(M\) y el sexo es hombre"):
        campos.clave_elector(clave, "hombre", NACIMIENTO)


@pytest.mark.parametrize(
    "value",
    ["4431234567", "443 123 4567", "(443) 123-45-67", "443.123.45.67", "+52 443 123 4567", "52 4431234567",
     "+52 1 443 123 4567", 4431234567.0],
)  # fmt: skip
def test_phone_normalized_to_ten_digits(value: object) -> None:
    assert campos.telefono(value) == "4431234567"  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["123", "44312345678", "443-ABC-4567", "+1 443 123 4567", "tel 4431234567"])
def test_phone_refused(value: str) -> None:
    with pytest.raises(CampoInvalidoError, match="no es un número de México de 10 dígitos"):
        campos.telefono(value)


def test_implausible_age() -> None:
    jornada = date(2024, 6, 2)
    campos.edad_plausible(date(1924, 6, 2), jornada)  # exactly 100
    with pytest.raises(CampoInvalidoError, match=r"Tendría 124 años el día de la elección \(02/06/2024\)"):
        campos.edad_plausible(date(1900, 1, 1), jornada)


def test_minimum_age() -> None:
    jornada = date(2024, 6, 2)
    campos.edad_minima(date(2003, 6, 2), jornada, 21, "diputación")
    with pytest.raises(CampoInvalidoError, match=r"Tendrá 20 años .* la edad mínima para diputación es de 21 años"):
        campos.edad_minima(date(2003, 6, 3), jornada, 21, "diputación")


@pytest.mark.parametrize(
    ("value", "clave"),
    [
        ("Indígena", "indigena"),
        ("INDIGENA", "indigena"),
        ("Persona indígena", "indigena"),
        ("persona con discapacidad", "discapacidad"),
        ("Afromexicana", "afromexicana"),
        ("Persona afromexicana o afrodescendiente", "afromexicana"),
        ("LGBTTTIQ+", "diversidad_sexual"),
        ("Diversidad sexual", "diversidad_sexual"),
        ("diversidad_sexual", "diversidad_sexual"),
        ("Migrante", "migrante"),
        ("Joven", "joven"),
        ("Persona Mayor", "persona_mayor"),
        ("persona_mayor", "persona_mayor"),
    ],
)
def test_accion_afirmativa_from_the_catalog_stored_by_key(value: str, clave: str) -> None:
    assert campos.accion_afirmativa(value) == clave
    # What the public profile shows for the stored key is the group's name.
    assert grupo_accion_afirmativa(clave) == GRUPOS_ACCION_AFIRMATIVA[clave]


@pytest.mark.parametrize("value", [None, "", "ninguna", "Ninguno", "N/A", "no", "No aplica"])
def test_no_accion_afirmativa(value: str | None) -> None:
    assert campos.accion_afirmativa(value) is None


@pytest.mark.parametrize("value", ["Vegana", "Mujer", "indígena y joven", "Persona indígena purépecha"])
def test_accion_afirmativa_outside_the_catalog_is_refused(value: str) -> None:
    assert clave_accion_afirmativa(value) is None
    with pytest.raises(CampoInvalidoError, match="no es un grupo del catálogo: usa uno de Persona indígena, "):
        campos.accion_afirmativa(value)
