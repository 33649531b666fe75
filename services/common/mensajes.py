"""pydantic's validation errors in Spanish, in one place: JSON problems, error pages and forms all use it.

pydantic writes its messages in English; the error *type* and its context are stable, so the message is
rebuilt from those. A ``ValueError`` raised by our own validators already carries a Spanish text.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

DEFAULT = "El valor no es válido."

_FIXED = {
    "missing": "Este dato es obligatorio.",
    "extra_forbidden": "Este campo no se admite.",
    "string_type": "Debe ser un texto.",
    "string_unicode": "El texto no es válido.",
    "int_type": "Escribe un número entero.",
    "int_parsing": "Escribe un número entero.",
    "int_parsing_size": "El número es demasiado grande.",
    "int_from_float": "Escribe un número entero, sin decimales.",
    "float_type": "Escribe un número.",
    "float_parsing": "Escribe un número.",
    "decimal_parsing": "Escribe un número.",
    "bool_type": "Elige sí o no.",
    "bool_parsing": "Elige sí o no.",
    "date_type": "Escribe una fecha válida.",
    "date_parsing": "Escribe una fecha válida (AAAA-MM-DD).",
    "date_from_datetime_parsing": "Escribe una fecha válida (AAAA-MM-DD).",
    "date_from_datetime_inexact": "Escribe solo la fecha, sin hora.",
    "datetime_type": "Escribe una fecha y hora válidas.",
    "datetime_parsing": "Escribe una fecha y hora válidas.",
    "datetime_from_date_parsing": "Escribe una fecha y hora válidas.",
    "datetime_object_invalid": "Escribe una fecha y hora válidas.",
    "time_parsing": "Escribe una hora válida.",
    "timezone_naive": "Falta la zona horaria.",
    "timezone_aware": "No escribas la zona horaria.",
    "uuid_parsing": "El identificador no es válido.",
    "url_parsing": "Escribe una dirección web válida.",
    "url_scheme": "La dirección web debe empezar con http:// o https://.",
    "json_invalid": "El JSON no es válido.",
    "json_type": "El JSON no es válido.",
    "list_type": "Debe ser una lista.",
    "dict_type": "Debe ser un objeto.",
    "model_type": "Los datos no son válidos.",
    "model_attributes_type": "Los datos no son válidos.",
    "string_pattern_mismatch": "El formato no es válido.",
    "enum": "Elige una de las opciones.",
    "literal_error": "Elige una de las opciones.",
    "is_instance_of": DEFAULT,
    "frozen_instance": "Este dato no se puede modificar.",
}


def _plural(n: Any, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def mensaje(err: ErrorDetails) -> str:
    """The Spanish message for one pydantic error."""
    kind = err["type"]
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    if kind in ("value_error", "assertion_error"):
        error = ctx.get("error")
        text = str(error) if error is not None else str(err.get("msg", ""))
        return text.removeprefix("Value error, ").removeprefix("Assertion failed, ") or DEFAULT
    if kind == "string_too_long":
        return f"Admite como máximo {_plural(ctx.get('max_length'), 'carácter', 'caracteres')}."
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "Este dato es obligatorio."
        return f"Escribe al menos {_plural(ctx.get('min_length'), 'carácter', 'caracteres')}."
    if kind == "too_long":
        return f"Admite como máximo {_plural(ctx.get('max_length'), 'elemento', 'elementos')}."
    if kind == "too_short":
        return f"Necesita al menos {_plural(ctx.get('min_length'), 'elemento', 'elementos')}."
    if kind == "greater_than_equal":
        return f"Debe ser al menos {ctx.get('ge')}."
    if kind == "greater_than":
        return f"Debe ser mayor que {ctx.get('gt')}."
    if kind == "less_than_equal":
        return f"Debe ser como máximo {ctx.get('le')}."
    if kind == "less_than":
        return f"Debe ser menor que {ctx.get('lt')}."
    if kind in ("date_past", "datetime_past"):
        return "La fecha debe estar en el pasado."
    if kind in ("date_future", "datetime_future"):
        return "La fecha debe estar en el futuro."
    return _FIXED.get(kind, DEFAULT)


def campo(err: ErrorDetails) -> str:
    return ".".join(str(p) for p in err["loc"])


def detalles(exc: ValidationError) -> list[dict[str, str]]:
    """Every error as ``{"campo", "mensaje"}``, the ``details`` of a JSON problem and of an error page."""
    return [{"campo": campo(err), "mensaje": mensaje(err)} for err in exc.errors()]
