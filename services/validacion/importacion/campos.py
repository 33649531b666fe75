"""Rules for single values of a person's registration, shared by the import and the substitution form.

Each function returns the normalized value or raises :class:`CampoInvalido` with a Spanish message.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from .parse import Value, fold

# RENAPO's format: four letters, birth date, sex, state, three consonants, homoclave and check digit.
CURP_RE = re.compile(
    r"[A-Z][AEIOUX][A-Z]{2}\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])[HMX]"
    r"(AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS|TL|VZ|YN|ZS|NE)"
    r"[B-DF-HJ-NP-TV-Z]{3}[A-Z\d]\d"
)
CURP_ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
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
TIPOS = {"propietaria": "propietaria", "propietario": "propietaria", "suplente": "suplente"}
SI = {"si", "s", "x", "1", "true", "verdadero"}
NO = {"no", "n", "0", "false", "falso"}
# Excel counts days from 1899-12-30 (its 1900 leap-year bug included) when a date cell lost its format.
EXCEL_EPOCH = date(1899, 12, 30)
MAX_TEXT = 200


class CampoInvalido(ValueError):
    pass


def text(value: Value, *, required: bool = False, label: str = "") -> str | None:
    if value is None or str(value).strip() == "":
        if required:
            raise CampoInvalido(f"Falta {label}.")
        return None
    result = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        result = str(int(value))  # an XLSX number cell holding a phone or a key
    if len(result) > MAX_TEXT:
        raise CampoInvalido(f"El texto pasa de {MAX_TEXT} caracteres.")
    return result


def entero(value: Value, *, required: bool = False, label: str = "", minimo: int = 1) -> int | None:
    if value is None or str(value).strip() == "":
        if required:
            raise CampoInvalido(f"Falta {label}.")
        return None
    try:
        number = float(str(value).strip()) if not isinstance(value, int | float) else float(value)
    except ValueError:
        raise CampoInvalido(f"«{value}» no es un número entero.") from None
    if not number.is_integer() or number < minimo:
        raise CampoInvalido(f"«{value}» no es un número entero mayor o igual que {minimo}.")
    return int(number)


def curp_check_digit(first17: str) -> str:
    total = sum(CURP_ALPHABET.index(ch) * (18 - i) for i, ch in enumerate(first17))
    return str((10 - total % 10) % 10)


def curp(value: Value) -> str:
    raw = text(value, required=True, label="la CURP")
    assert raw is not None
    result = raw.upper().replace(" ", "")
    if not CURP_RE.fullmatch(result):
        raise CampoInvalido(f"La CURP «{raw}» no tiene el formato de 18 caracteres de RENAPO.")
    if curp_check_digit(result[:17]) != result[17]:
        raise CampoInvalido(f"La CURP «{raw}» no es válida: su dígito verificador no corresponde.")
    return result


def fecha(value: Value) -> date:
    if value is None or str(value).strip() == "":
        raise CampoInvalido("Falta la fecha de nacimiento.")
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
            raise CampoInvalido(f"La fecha «{raw}» no es válida; escríbela como AAAA-MM-DD o DD/MM/AAAA.")
    if parsed.year < 1900 or parsed > date.today():
        raise CampoInvalido(f"La fecha {parsed:%d/%m/%Y} no es una fecha de nacimiento posible.")
    return parsed


def edad(nacimiento: date, dia: date) -> int:
    return dia.year - nacimiento.year - ((dia.month, dia.day) < (nacimiento.month, nacimiento.day))


def sexo(value: Value) -> str:
    raw = text(value, required=True, label="el sexo")
    assert raw is not None
    found = SEXOS.get(fold(raw))
    if found is None:
        raise CampoInvalido(f"El sexo «{raw}» no es válido: usa mujer, hombre o no binario.")
    return found


def tipo(value: Value) -> str:
    raw = text(value, required=True, label="el tipo (propietaria o suplente)")
    assert raw is not None
    found = TIPOS.get(fold(raw))
    if found is None:
        raise CampoInvalido(f"El tipo «{raw}» no es válido: usa propietaria, propietario o suplente.")
    return found


def si_no(value: Value) -> bool:
    if value is None or str(value).strip() == "":
        return False
    folded = fold(str(value))
    if folded in SI:
        return True
    if folded in NO:
        return False
    raise CampoInvalido(f"«{value}» no es válido: usa sí o no.")


def correo(value: Value) -> str | None:
    raw = text(value)
    if raw is not None and not EMAIL_RE.fullmatch(raw):
        raise CampoInvalido(f"El correo «{raw}» no es una dirección válida.")
    return raw


def edad_minima(nacimiento: date, jornada: date, minima: int, cargo_nombre: str) -> None:
    years = edad(nacimiento, jornada)
    if years < minima:
        raise CampoInvalido(
            f"Tendrá {years} años el día de la elección ({jornada:%d/%m/%Y}); "
            f"la edad mínima para {cargo_nombre} es de {minima} años."
        )
