"""Capture rules of the cuestionario de identidad that need no I/O: cleaning one dimension's form against the
question set (unknown options refused, skip rules applied on the server) and completeness for submit.

The question set itself is shared data (services/common/identidad.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from services.common.identidad import NO_APLICA, PREFIERO, PREFIERO_TEXTO, ConjuntoIdentidad, Dimension, Pregunta

TEXT_MAX = 200


def _answered(value: Any) -> bool:
    return bool(value) and value != NO_APLICA


def applies(pregunta: Pregunta, answers: Mapping[str, Any]) -> bool | None:
    """Whether a question applies given the answers so far; None while a question it depends on is unanswered."""
    for condicion in pregunta.condiciones:
        value = answers.get(condicion.pregunta)
        if not _answered(value):
            if value == NO_APLICA:
                return False
            return None
        chosen = set(value) if isinstance(value, list) else {value}
        if not chosen & condicion.opciones:
            return False
    return True


def clean_dimension(
    dimension: Dimension, form: Mapping[str, Sequence[str]]
) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """Validate one dimension's form; return (answers to store, errors by question, values to show again).

    The skip rules run here, on the server, in question order: a question that does not apply is stored as
    "No aplica" whatever the form sent. An unanswered question is left out (saving part of a dimension is fine;
    completeness is checked at submit).
    """
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    shown: dict[str, Any] = {}
    for pregunta in dimension.preguntas:
        sent = [v.strip() for v in form.get(pregunta.clave, ()) if v.strip()]
        otro = "".join(form.get(pregunta.otro, ())).strip()
        shown[pregunta.clave] = sent if pregunta.tipo == "varias" else (sent[0] if sent else "")
        shown[pregunta.otro] = otro
        if applies(pregunta, answers) is False:
            answers[pregunta.clave] = NO_APLICA
            continue
        if not sent:
            continue
        if pregunta.tipo == "texto":
            # The text and its "Prefiero no contestar" checkbox share the question's name.
            if PREFIERO in sent and len(sent) > 1:
                errors[pregunta.clave] = f"Escribe la respuesta o marca «{PREFIERO_TEXTO}», no ambas."
                continue
            text = sent[0]
            if len(sent) > 1 or len(text) > TEXT_MAX:
                errors[pregunta.clave] = f"Escribe una sola respuesta de hasta {TEXT_MAX} caracteres."
            else:
                answers[pregunta.clave] = text
            continue
        unknown = [v for v in sent if v not in pregunta.claves]
        if unknown:
            errors[pregunta.clave] = "Elige una de las opciones de la lista; la respuesta enviada no es válida."
            continue
        if pregunta.tipo == "una" and len(sent) > 1:
            errors[pregunta.clave] = "Elige solo una opción."
            continue
        if PREFIERO in sent and len(sent) > 1:
            errors[pregunta.clave] = f"«{PREFIERO_TEXTO}» no se combina con otras opciones."
            continue
        chosen = list(dict.fromkeys(sent))
        if pregunta.tipo == "varias":
            # A sub-option implies its option (Visual is a sensorial disability).
            parents = [o.padre for o in pregunta.opciones if o.clave in chosen and o.padre]
            chosen = [o.clave for o in pregunta.opciones if o.clave in chosen or o.clave in parents]
        especificar = [o for o in pregunta.opciones if o.especificar and o.clave in chosen]
        if especificar and len(otro) > TEXT_MAX:
            errors[pregunta.clave] = f"Especifica en hasta {TEXT_MAX} caracteres."
            continue
        answers[pregunta.clave] = chosen if pregunta.tipo == "varias" else chosen[0]
        if especificar and otro:
            answers[pregunta.otro] = otro
    return answers, errors, shown


def pending(cuestionario: ConjuntoIdentidad, saved: Mapping[str, Mapping[str, Any]]) -> dict[str, list[Pregunta]]:
    """Applicable questions without an answer, by dimension ("Prefiero no contestar" counts as an answer)."""
    missing: dict[str, list[Pregunta]] = {}
    for dimension in cuestionario.dimensiones:
        answers = saved.get(dimension.clave) or {}
        for pregunta in dimension.preguntas:
            if answers.get(pregunta.clave):
                continue
            if applies(pregunta, answers) is not False:
                missing.setdefault(dimension.clave, []).append(pregunta)
    return missing


def missing_messages(cuestionario: ConjuntoIdentidad, saved: Mapping[str, Mapping[str, Any]]) -> list[str]:
    missing = pending(cuestionario, saved)
    return [
        f"Responde las preguntas pendientes de «{d.titulo}» ({len(missing[d.clave])})."
        for d in cuestionario.dimensiones
        if d.clave in missing
    ]
