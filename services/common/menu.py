"""The staff menu: every staff screen, and who may open it, in one place every staff page renders.

The roles here must match the ``@requires`` of each screen's handler; ``tests/unit/test_menu.py`` checks them
against the routes of the apps, so a link that would answer 403 cannot reach a role's menu.
"""

from __future__ import annotations

from dataclasses import dataclass

from .access import STAFF_ROLES


@dataclass(frozen=True)
class Enlace:
    etiqueta: str
    ruta: str
    roles: frozenset[str]


def _enlace(etiqueta: str, ruta: str, *roles: str) -> Enlace:
    return Enlace(etiqueta, ruta, frozenset(roles))


STAFF_MENU: tuple[Enlace, ...] = (
    _enlace("Cola de revisión", "/validacion/", "validador", "coordinacion", "transparencia", "admin"),
    _enlace("Solicitudes de corrección", "/validacion/correcciones", "validador", "coordinacion"),
    _enlace("Importar candidaturas", "/validacion/registro/importar", "coordinacion"),
    _enlace("Candidaturas registradas", "/validacion/registro/candidaturas", "coordinacion"),
    _enlace("Secciones y distritos", "/validacion/registro/secciones", "coordinacion"),
    _enlace("Prórrogas de captura", "/validacion/prorrogas", "coordinacion", "admin"),
    _enlace("Ajustes del proceso", "/validacion/proceso", "coordinacion", "admin"),
    _enlace("Reportes", "/reportes/", *STAFF_ROLES),
    _enlace("Cuentas", "/cuenta/usuarios", "admin", "coordinacion"),
    _enlace("Cuentas en bloque", "/cuenta/lotes", "admin", "coordinacion"),
    _enlace("Mi contraseña", "/cuenta/contrasena", *STAFF_ROLES),
)


def staff_menu(role: str | None) -> list[Enlace]:
    """The links of the staff menu this role may open (none for candidates, representatives or visitors)."""
    return [e for e in STAFF_MENU if role in e.roles]
