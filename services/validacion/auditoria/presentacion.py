"""An audit event as a person without training reads it: the action in Spanish and its details as labelled lines.

Pure (no I/O), so every service's events are turned into words the same way and tested without a server. An
action or a detail this module does not know yet is still shown, with its key made readable: nothing recorded
is hidden from the reader, only put into words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.common import tiempo
from services.common.cuestionarios import FORMAS
from services.common.curricular import RUBROS_BY_KEY

ACCIONES = {
    "guardar_rubro": "Guardó un rubro del cuestionario",
    "subir_foto": "Subió la fotografía",
    "enviar": "Envió el cuestionario a validación",
    "partido_aprobar": "La representación del partido aprobó el envío",
    "partido_devolver": "La representación del partido devolvió el envío con comentarios",
    "aprobar": "Aprobó la versión enviada",
    "devolver": "Devolvió la versión enviada con observaciones",
    "solicitar_correccion": "Solicitó una corrección de lo publicado",
    "aprobar_correccion": "Aprobó la solicitud de corrección",
    "rechazar_correccion": "Rechazó la solicitud de corrección",
    "otorgar_consentimiento": "Otorgó un consentimiento",
    "revocar_consentimiento": "Revocó un consentimiento",
    "subir_consentimiento": "Subió el formato de consentimiento firmado",
    "otorgar_prorroga": "Otorgó una prórroga de captura",
    "revocar_prorroga": "Revocó una prórroga de captura",
    "cancelar_candidatura": "Canceló la candidatura",
    "sustituir_candidatura": "Registró una sustitución",
    "desactivar_por_baja": "Desactivó las cuentas por la baja de la candidatura",
    "crear_cuenta": "Creó una cuenta de acceso",
    "editar_cuenta": "Modificó una cuenta de acceso",
    "publicar_ahora": "Publicó la candidatura antes de la fecha (publicación anticipada)",
    "pausar_publicacion": "Pausó la publicación",
    "reanudar_publicacion": "Reanudó la publicación",
}
CAMPOS = {
    "motivo": "Motivo",
    "cuestionario": "Cuestionario",
    "rubro": "Rubro",
    "rubros": "Rubros",
    "version": "Versión guardada",
    "numero": "Envío número",
    "revision": "Revisión número",
    "versiones": "Versiones",
    "nueva": "Registro de la persona nueva",
    "curp_nueva": "CURP de la persona nueva",
    "lote_cuentas": "Lote de cuentas",
    "tipo": "Tipo",
    "consentimiento": "Consentimiento número",
    "documento_id": "Documento número",
    "sha256": "Huella del archivo (SHA-256)",
    "extension": "Formato del archivo",
    "solicitud": "Solicitud número",
    "prorroga": "Prórroga número",
    "fin": "Nuevo cierre",
    "acuerdo": "Acuerdo",
    "usuarios": "Cuentas",
    "pausa": "Pausa número",
    "username": "Usuario",
    "role": "Rol",
    "candidatura_id": "Candidatura",
    "postulante_id": "Postulante",
    "nombre": "Nombre",
    "publicacion_inicio": "Inicio de la publicación",
    "acuerdo_publicacion_numero": "Número del acuerdo de publicación",
    "acuerdo_publicacion_fecha": "Fecha del acuerdo de publicación",
    "antes": "Antes",
    "despues": "Después",
}
# What a consent's number means (services/captura/autorizaciones.py: 1, 2, 3).
CONSENTIMIENTOS = {
    1: "tratamiento de datos personales",
    2: "publicación de las respuestas de identidad",
    3: "uso en estadísticas",
}
SERVICIOS = {
    "captura": "Captura",
    "validacion": "Validación",
    "auth": "Cuentas",
    "publico": "Sitio público",
    "reportes": "Reportes",
}
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Linea:
    etiqueta: str
    valor: str


def accion(action: str) -> str:
    return ACCIONES.get(action) or legible(action)


def legible(key: str) -> str:
    """``"clave_elector"`` → ``"Clave elector"``: an unknown key, still readable."""
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else "Dato"


def etiqueta(key: str) -> str:
    return CAMPOS.get(key) or legible(key)


def valor(value: Any, zona: ZoneInfo, key: str = "") -> str:
    """One detail's value as text: dates in the process's zone, known codes by their name, lists joined."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "Sí" if value else "No"
    if key == "cuestionario" and value in FORMAS:
        return FORMAS[value].titulo
    if key in ("rubro", "rubros"):
        values = value if isinstance(value, list) else [value]
        return ", ".join(RUBROS_BY_KEY[v].titulo if v in RUBROS_BY_KEY else str(v) for v in values)
    if key == "tipo" and isinstance(value, int) and value in CONSENTIMIENTOS:
        return f"{value}, {CONSENTIMIENTOS[value]}"
    if isinstance(value, str):
        return _texto(value, zona)
    if isinstance(value, list):
        return "; ".join(valor(v, zona, key) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{etiqueta(str(k)).lower()}: {valor(v, zona, str(k))}" for k, v in value.items())
    return str(value)


def _texto(value: str, zona: ZoneInfo) -> str:
    try:
        if _ISO_DATETIME.match(value):
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                return tiempo.format_fecha_hora(moment, zona)
        elif _ISO_DATE.match(value):
            return tiempo.format_fecha(date.fromisoformat(value), zona)
    except ValueError:
        pass
    return value


def lineas(details: Mapping[str, Any] | None, zona: ZoneInfo) -> list[Linea]:
    """Every detail of an event, as labelled lines; an "antes"/"después" pair becomes one line per change."""
    details = dict(details or {})
    antes, despues = details.get("antes"), details.get("despues")
    result: list[Linea] = []
    if isinstance(antes, Mapping) and isinstance(despues, Mapping):
        del details["antes"], details["despues"]
        for key in [*antes, *(k for k in despues if k not in antes)]:
            before, after = antes.get(key), despues.get(key)
            if before != after:
                cambio = f"{valor(before, zona, key)} → {valor(after, zona, key)}"
                result.append(Linea(etiqueta(key), cambio))
    for key, value in details.items():
        result.append(Linea(etiqueta(key), valor(value, zona, key)))
    return result


def servicio(service: str) -> str:
    return SERVICIOS.get(service) or legible(service)
