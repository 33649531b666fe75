"""Rules for single values of a person's registration, shared by the import and the substitution form.

Each function returns the normalized value or raises :class:`CampoInvalidoError` with a Spanish message.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from services.common import curp as curps
from services.common.identidad import GRUPOS_ACCION_AFIRMATIVA, clave_accion_afirmativa

from .parse import Value, fold

# Kept under its old name for the callers that build test CURPs.
curp_check_digit = curps.digito_verificador

EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
SEXOS = {
    "mujer": "mujer",
    "m": "mujer",
    "f": "mujer",
    "femenino": "mujer",
    "hombre": "hombre",
    "h": "hombre",
    "masculino": "hombre",
    "no binario": "no_binario",
    "no_binario": "no_binario",
    "nb": "no_binario",
    "x": "no_binario",
}
SEXO_TEXTO = {"mujer": "mujer", "hombre": "hombre", "no_binario": "no binario"}
TIPOS = {"propietaria": "propietaria", "propietario": "propietaria", "suplente": "suplente"}
SI = {"si", "s", "x", "1", "true", "verdadero"}
NO = {"no", "n", "0", "false", "falso"}
# Excel counts days from 1899-12-30 (its 1900 leap-year bug included) when a date cell lost its format.
EXCEL_EPOCH = date(1899, 12, 30)
MAX_TEXT = 200
# Nobody this old runs for office: a birth date that gives more is a typing error (1900 for 2000, 19 for 91).
EDAD_MAXIMA = 100
# The citizenship age: the floor for a cargo whose minimum the process does not configure.
EDAD_CIUDADANIA = 18
# SAT's RFC of a person: the four letters and birth date of the CURP, then a homoclave of three (often omitted).
RFC_RE = re.compile(r"[A-ZÑ&]{4}(\d{6})(?:[A-Z\d]{2}[A\d])?")
# INE's clave de elector: six letters of the names, birth date, state of birth (01-32, 87-88 abroad), sex, homoclave.
CLAVE_ELECTOR_RE = re.compile(r"[A-Z]{6}(\d{6})(0[1-9]|[12]\d|3[0-2]|8[78])([HMX])\d{3}")
# Mexican numbers have ten digits since 2019; +52 (and the old mobile 1 after it) and separators are accepted.
TELEFONO_SEPARADORES = re.compile(r"[\s().\-/]")
TELEFONO_RE = re.compile(r"(?:\+?52(?:1(?=\d{10}$))?)?(\d{10})")
NINGUNA = {"ninguna", "ninguno", "no", "n/a", "na", "no aplica", "-"}


class CampoInvalidoError(ValueError):
    pass


def text(value: Value, *, required: bool = False, label: str = "") -> str | None:
    if value is None or str(value).strip() == "":
        if required:
            raise CampoInvalidoError(f"Falta {label}.")
        return None
    result = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        result = str(int(value))  # an XLSX number cell holding a phone or a key
    if len(result) > MAX_TEXT:
        raise CampoInvalidoError(f"El texto pasa de {MAX_TEXT} caracteres.")
    return result


def entero(value: Value, *, required: bool = False, label: str = "", minimo: int = 1) -> int | None:
    if value is None or str(value).strip() == "":
        if required:
            raise CampoInvalidoError(f"Falta {label}.")
        return None
    try:
        number = float(str(value).strip()) if not isinstance(value, int | float) else float(value)
    except ValueError:
        raise CampoInvalidoError(f"«{value}» no es un número entero.") from None
    if not number.is_integer() or number < minimo:
        raise CampoInvalidoError(f"«{value}» no es un número entero mayor o igual que {minimo}.")
    return int(number)


def curp(value: Value) -> str:
    raw = text(value, required=True, label="la CURP")
    assert raw is not None
    result = raw.upper().replace(" ", "")
    if not curps.formato_valido(result):
        raise CampoInvalidoError(f"La CURP «{raw}» no tiene el formato de 18 caracteres de RENAPO.")
    if not curps.digito_valido(result):
        raise CampoInvalidoError(f"La CURP «{raw}» no es válida: su dígito verificador no corresponde.")
    if curps.nacimiento_de(result) is None:
        raise CampoInvalidoError(f"La CURP «{raw}» no es válida: su fecha de nacimiento ({result[4:10]}) no existe.")
    return result


def curp_coincide(value: str, sexo: str | None, nacimiento: date | None) -> None:
    """The CURP carries the sex and the birth date: they must be the row's. A non-binary person may still hold
    a CURP issued with H or M before RENAPO offered X, so only X is tied to one sex."""
    problemas = []
    fecha_curp = curps.nacimiento_de(value)
    if nacimiento is not None and fecha_curp is not None and fecha_curp != nacimiento:
        problemas.append(
            f"indica nacimiento el {fecha_curp:%d/%m/%Y} y la fecha de nacimiento es {nacimiento:%d/%m/%Y}"
        )
    letra = value[10]
    if sexo is not None and letra != curps.SEXO_LETRA[sexo] and not (sexo == "no_binario" and letra in "HM"):
        problemas.append(f"indica sexo {SEXO_TEXTO[curps.LETRA_SEXO[letra]]} ({letra}) y el sexo es {SEXO_TEXTO[sexo]}")
    if problemas:
        raise CampoInvalidoError(f"La CURP {value} no corresponde a la persona: " + "; ".join(problemas) + ".")


def fecha(value: Value) -> date:
    if value is None or str(value).strip() == "":
        raise CampoInvalidoError("Falta la fecha de nacimiento.")
    if isinstance(value, date):
        parsed = value
    elif isinstance(value, int | float):
        parsed = EXCEL_EPOCH + timedelta(days=int(value))
    else:
        raw = str(value).strip()
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d"):
            try:
                parsed = datetime.strptime(raw, pattern).date()
                break
            except ValueError:
                continue
        else:
            raise CampoInvalidoError(f"La fecha «{raw}» no es válida; escríbela como AAAA-MM-DD o DD/MM/AAAA.")
    if parsed.year < 1900 or parsed > date.today():
        raise CampoInvalidoError(f"La fecha {parsed:%d/%m/%Y} no es una fecha de nacimiento posible.")
    return parsed


def edad(nacimiento: date, dia: date) -> int:
    return dia.year - nacimiento.year - ((dia.month, dia.day) < (nacimiento.month, nacimiento.day))


def sexo(value: Value) -> str:
    raw = text(value, required=True, label="el sexo")
    assert raw is not None
    found = SEXOS.get(fold(raw))
    if found is None:
        raise CampoInvalidoError(f"El sexo «{raw}» no es válido: usa mujer, hombre o no binario.")
    return found


def tipo(value: Value) -> str:
    raw = text(value, required=True, label="el tipo (propietaria o suplente)")
    assert raw is not None
    found = TIPOS.get(fold(raw))
    if found is None:
        raise CampoInvalidoError(f"El tipo «{raw}» no es válido: usa propietaria, propietario o suplente.")
    return found


def si_no(value: Value) -> bool:
    if value is None or str(value).strip() == "":
        return False
    folded = fold(str(value))
    if folded in SI:
        return True
    if folded in NO:
        return False
    raise CampoInvalidoError(f"«{value}» no es válido: usa sí o no.")


def correo(value: Value) -> str | None:
    raw = text(value)
    if raw is not None and not EMAIL_RE.fullmatch(raw):
        raise CampoInvalidoError(f"El correo «{raw}» no es una dirección válida.")
    return raw


def _misma_fecha(yymmdd: str, nacimiento: date | None) -> bool:
    return nacimiento is None or yymmdd == f"{nacimiento:%y%m%d}"


def rfc(value: Value, nacimiento: date | None) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    result = raw.upper().replace(" ", "").replace("-", "")
    found = RFC_RE.fullmatch(result)
    if found is None:
        raise CampoInvalidoError(
            f"El RFC «{raw}» no tiene el formato del SAT para personas: 4 letras, la fecha de nacimiento (AAMMDD) y "
            "la homoclave de 3 caracteres (por ejemplo HEZL850314AB1)."
        )
    if not _misma_fecha(found.group(1), nacimiento):
        assert nacimiento is not None
        raise CampoInvalidoError(
            f"El RFC «{raw}» indica nacimiento {found.group(1)} (AAMMDD) y la fecha de nacimiento es "
            f"{nacimiento:%d/%m/%Y}."
        )
    return result


def clave_elector(value: Value, sexo: str | None, nacimiento: date | None) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    result = raw.upper().replace(" ", "")
    found = CLAVE_ELECTOR_RE.fullmatch(result)
    if found is None:
        raise CampoInvalidoError(
            f"La clave de elector «{raw}» no tiene el formato del INE: 18 caracteres, 6 letras, la fecha de "
            "nacimiento (AAMMDD), la entidad (2 dígitos), el sexo (H o M) y 3 dígitos."
        )
    if not _misma_fecha(found.group(1), nacimiento):
        assert nacimiento is not None
        raise CampoInvalidoError(
            f"La clave de elector «{raw}» indica nacimiento {found.group(1)} (AAMMDD) y la fecha de nacimiento es "
            f"{nacimiento:%d/%m/%Y}."
        )
    letra = found.group(3)
    if sexo is not None and letra != curps.SEXO_LETRA[sexo] and not (sexo == "no_binario" and letra in "HM"):
        raise CampoInvalidoError(
            f"La clave de elector «{raw}» indica sexo {SEXO_TEXTO[curps.LETRA_SEXO[letra]]} ({letra}) y el sexo es "
            f"{SEXO_TEXTO[sexo]}."
        )
    return result


def telefono(value: Value) -> str | None:
    """Ten digits, as stored: ``(443) 123-45-67`` and ``+52 443 123 4567`` are both ``4431234567``."""
    raw = text(value)
    if raw is None:
        return None
    found = TELEFONO_RE.fullmatch(TELEFONO_SEPARADORES.sub("", raw))
    if found is None:
        raise CampoInvalidoError(
            f"El teléfono «{raw}» no es un número de México de 10 dígitos (por ejemplo 443 123 4567)."
        )
    return found.group(1)


def accion_afirmativa(value: Value) -> str | None:
    """The key of a group of the catalog (``indigena``…), from its key or its name in any case and accents."""
    raw = text(value)
    if raw is None or fold(raw) in NINGUNA:
        return None
    clave = clave_accion_afirmativa(raw)
    if clave is None:
        grupos = ", ".join(GRUPOS_ACCION_AFIRMATIVA.values())
        raise CampoInvalidoError(
            f"La acción afirmativa «{raw}» no es un grupo del catálogo: usa uno de {grupos}, o déjala vacía."
        )
    return clave


def edad_plausible(nacimiento: date, jornada: date) -> None:
    years = edad(nacimiento, jornada)
    if years > EDAD_MAXIMA:
        raise CampoInvalidoError(
            f"Tendría {years} años el día de la elección ({jornada:%d/%m/%Y}); revisa la fecha de nacimiento."
        )


def edad_minima(nacimiento: date, jornada: date, minima: int, cargo_nombre: str) -> None:
    years = edad(nacimiento, jornada)
    if years < minima:
        raise CampoInvalidoError(
            f"Tendrá {years} años el día de la elección ({jornada:%d/%m/%Y}); "
            f"la edad mínima para {cargo_nombre} es de {minima} años."
        )
