"""Validating a candidacies table against a catalog built by hand (no database): the person's columns checked
against each other, e-mails unique, acción afirmativa from the catalog."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.common import curp as curps
from services.validacion.importacion.catalogo import Cargo, Catalogo, Postulante
from services.validacion.importacion.parse import Tabla, fold
from services.validacion.importacion.validate import validate


def _catalogo(**extra: Any) -> Catalogo:
    catalogo = Catalogo(proceso_id=1, jornada=date(2024, 6, 2), edades_minimas={"DIP_MR": 21}, **extra)
    for cargo in (
        Cargo("DIP_MR", "Diputación de mayoría relativa", "distrito"),
        Cargo("REG_MR", "Regiduría de mayoría relativa", "municipio"),
    ):
        catalogo.cargos[cargo.clave] = cargo
        catalogo.cargo_alias[fold(cargo.clave)] = cargo.clave
    catalogo.municipios[16053] = ("Morelia", True)
    catalogo.municipio_alias["morelia"] = 16053
    catalogo.distritos = set(range(1, 25))
    catalogo.postulantes["pan"] = Postulante(1, "PAN", "Partido Acción Nacional", "partido")
    return catalogo


def _persona(tipo: str, nombre: str, nacimiento: date, sexo: str = "mujer", **cambios: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "cargo": "DIP_MR",
        "distrito": "5",
        "postulante": "PAN",
        "numero": "1",
        "tipo": tipo,
        "nombre": nombre,
        "primer_apellido": "Ruiz",
        "segundo_apellido": "Paz",
        "sexo": sexo,
        "fecha_nacimiento": nacimiento.isoformat(),
        "curp": curps.generar(nombre, "Ruiz", "Paz", sexo, nacimiento),
    }
    row.update(cambios)
    return row


def _tabla(*rows: dict[str, Any]) -> Tabla:
    columnas = sorted({k for r in rows for k in r})
    return Tabla(columnas, [(i + 2, r) for i, r in enumerate(rows)])


def _problemas(tabla: Tabla, catalogo: Catalogo | None = None) -> dict[tuple[int, str], str]:
    resultado = validate(tabla, catalogo or _catalogo())
    return {(p.fila, p.columna): p.mensaje for p in resultado.errores}


def test_a_clean_formula_is_normalized() -> None:
    resultado = validate(
        _tabla(
            _persona("propietaria", "Ana", date(1980, 2, 11), telefono="(443) 123-45-67", accion_afirmativa="Indígena"),
            _persona("suplente", "Eva", date(2002, 3, 9), correo="eva@correo.invalid", accion_afirmativa="ninguna"),
        ),
        _catalogo(),
    )
    assert resultado.errores == []
    assert [f["telefono"] for f in resultado.filas] == ["4431234567", None]
    assert [f["accion_afirmativa"] for f in resultado.filas] == ["indigena", None]


def test_curp_against_sex_and_birth_date_in_the_same_row() -> None:
    nacimiento = date(1980, 2, 11)
    problemas = _problemas(
        _tabla(
            _persona("propietaria", "Ana", nacimiento, fecha_nacimiento="1980-02-12"),
            _persona(
                "suplente",
                "Eva",
                nacimiento,
                sexo="hombre",
                curp=curps.generar("Eva", "Ruiz", "Paz", "mujer", nacimiento),
            ),
        )
    )
    assert "indica nacimiento el 11/02/1980 y la fecha de nacimiento es 12/02/1980" in problemas[(2, "curp")]
    assert "indica sexo mujer (M) y el sexo es hombre" in problemas[(3, "curp")]


def test_rfc_clave_de_elector_and_phone_formats() -> None:
    nacimiento = date(1980, 2, 11)
    problemas = _problemas(
        _tabla(
            _persona("propietaria", "Ana", nacimiento, rfc="RUPA800212AB1", clave_elector="123", telefono="12345"),
            _persona("suplente", "Eva", nacimiento, rfc="RUPE800211AB1", clave_elector="RZPZEV80021116M100"),
        )
    )
    assert "indica nacimiento 800212" in problemas[(2, "rfc")]
    assert "formato del INE" in problemas[(2, "clave_elector")]
    assert "no es un número de México de 10 dígitos" in problemas[(2, "telefono")]
    assert (3, "rfc") not in problemas and (3, "clave_elector") not in problemas


def test_implausible_and_under_age() -> None:
    problemas = _problemas(
        _tabla(
            _persona("propietaria", "Ana", date(1900, 1, 1)),
            _persona("suplente", "Eva", date(2004, 1, 1)),
            # REG_MR has no minimum configured in this catalog: citizenship (18) is the floor.
            _persona("propietaria", "Ema", date(2007, 1, 1), cargo="REG_MR", municipio="Morelia"),
            _persona("suplente", "Ina", date(1990, 1, 1), cargo="REG_MR", municipio="Morelia"),
        )
    )
    assert problemas[(2, "fecha_nacimiento")].startswith("Tendría 124 años el día de la elección (02/06/2024)")
    assert "la edad mínima para diputación de mayoría relativa es de 21 años" in problemas[(3, "fecha_nacimiento")]
    assert "la edad mínima para regiduría de mayoría relativa es de 18 años" in problemas[(4, "fecha_nacimiento")]


def test_duplicated_emails_in_the_file_and_in_the_registry() -> None:
    nacimiento = date(1980, 2, 11)
    catalogo = _catalogo(correos_registrados={"ya@correo.invalid"})
    problemas = _problemas(
        _tabla(
            _persona("propietaria", "Ana", nacimiento, correo="misma@correo.invalid"),
            _persona("suplente", "Eva", nacimiento, correo="Misma@Correo.invalid"),
            _persona("propietaria", "Ema", nacimiento, numero="2", correo="YA@correo.invalid"),
            _persona("suplente", "Ina", nacimiento, numero="2"),
        ),
        catalogo,
    )
    assert problemas[(3, "correo")] == (
        "El correo Misma@Correo.invalid ya aparece en la fila 2 de este archivo: cada persona necesita su propio "
        "correo para recuperar su contraseña."
    )
    assert problemas[(4, "correo")] == "El correo YA@correo.invalid ya es de otra candidatura vigente en este proceso."
    assert (2, "correo") not in problemas and (5, "correo") not in problemas


def test_accion_afirmativa_outside_the_catalog() -> None:
    problemas = _problemas(
        _tabla(
            _persona("propietaria", "Ana", date(1980, 2, 11), accion_afirmativa="Vegana"),
            _persona("suplente", "Eva", date(1980, 2, 11), accion_afirmativa="persona joven"),
        )
    )
    assert problemas[(2, "accion_afirmativa")].startswith("La acción afirmativa «Vegana» no es un grupo del catálogo")
    assert (3, "accion_afirmativa") not in problemas
