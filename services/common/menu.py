"""The staff menu: every staff screen, and who may open it, in one place every staff page renders.

The groups here (from ``access``) must match the ``@requires`` of each screen's handler;
``tests/unit/test_menu.py`` checks them against the routes of the apps, so a link that would answer 403 cannot
reach a role's menu.
"""

from __future__ import annotations

from dataclasses import dataclass

from .access import (
    ACCOUNT_MANAGERS,
    AUDIT_READERS,
    INCLUSION_READERS,
    PROCESS_MANAGERS,
    QUEUE_READERS,
    REGISTRY_MANAGERS,
    REPORT_MANAGERS,
    REPORT_READERS,
    REVIEWERS,
    STAFF_ROLES,
    TRANSPARENCIA_READERS,
)


@dataclass(frozen=True)
class Enlace:
    etiqueta: str
    ruta: str
    roles: frozenset[str]


def _enlace(etiqueta: str, ruta: str, *roles: str) -> Enlace:
    return Enlace(etiqueta, ruta, frozenset(roles))


STAFF_MENU: tuple[Enlace, ...] = (
    _enlace("Cola de revisión", "/validacion/", *QUEUE_READERS),
    _enlace("Banderas de datos sensibles", "/validacion/transparencia/", *TRANSPARENCIA_READERS),
    _enlace("Solicitudes de corrección", "/validacion/correcciones", *REVIEWERS),
    _enlace("Importar candidaturas", "/validacion/registro/importar", *REGISTRY_MANAGERS),
    _enlace("Candidaturas registradas", "/validacion/registro/candidaturas", *REGISTRY_MANAGERS),
    _enlace("Secciones y distritos", "/validacion/registro/secciones", *REGISTRY_MANAGERS),
    _enlace("Prórrogas de captura", "/validacion/prorrogas", *PROCESS_MANAGERS),
    _enlace("Plazos y atrasos", "/validacion/plazos", *PROCESS_MANAGERS),
    _enlace("Omisos", "/validacion/plazos/omisos", *PROCESS_MANAGERS),
    _enlace("Ajustes del proceso", "/validacion/proceso", *PROCESS_MANAGERS),
    _enlace("Consentimientos y formatos firmados", "/validacion/transparencia/consentimientos", *TRANSPARENCIA_READERS),
    _enlace("Avisos de privacidad", "/validacion/transparencia/avisos", *TRANSPARENCIA_READERS),
    _enlace("Auditoría por candidatura", "/validacion/auditoria", *AUDIT_READERS),
    _enlace("Reportes", "/reportes/", *REPORT_READERS),
    _enlace("Avance de la captura", "/reportes/avance", *REPORT_MANAGERS),
    _enlace("Informe mensual", "/reportes/mensual", *REPORT_MANAGERS),
    _enlace("Candidaturas omisas", "/reportes/omisos", *REPORT_MANAGERS),
    _enlace("Calidad de los datos", "/reportes/calidad", *REPORT_MANAGERS),
    _enlace("Estadísticas de inclusión", "/reportes/inclusion", *INCLUSION_READERS),
    _enlace("Cuentas", "/cuenta/usuarios", *ACCOUNT_MANAGERS),
    _enlace("Cuentas en bloque", "/cuenta/lotes", *ACCOUNT_MANAGERS),
    _enlace("Mi contraseña", "/cuenta/contrasena", *STAFF_ROLES),
)


def staff_menu(role: str | None) -> list[Enlace]:
    """The links of the staff menu this role may open (none for candidates, representatives or visitors)."""
    return [e for e in STAFF_MENU if role in e.roles]
