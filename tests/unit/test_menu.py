"""The staff menu lists, for each role, only screens whose handler lets that role in, and every staff screen."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiohttp import web

from services.auth.app import create_app as auth_app
from services.auth.settings import AuthSettings
from services.captura.app import create_app as captura_app
from services.captura.settings import CapturaSettings
from services.common.access import STAFF_ROLES, access_of
from services.common.menu import STAFF_MENU, staff_menu
from services.publico.app import create_app as publico_app
from services.publico.settings import PublicoSettings
from services.reportes.app import create_app as reportes_app
from services.reportes.settings import ReportesSettings
from services.validacion.app import create_app as validacion_app
from services.validacion.settings import ValidacionSettings

SECRET = "s" * 40


def _apps() -> list[web.Application]:
    factories: list[tuple[Callable[..., web.Application], type]] = [
        (auth_app, AuthSettings),
        (captura_app, CapturaSettings),
        (validacion_app, ValidacionSettings),
        (reportes_app, ReportesSettings),
        # Staff screens about their own data under /validacion/transparencia/ (gateway/routing.py).
        (captura_app, CapturaSettings),
        (publico_app, PublicoSettings),
    ]
    return [create(settings(gateway_secret=SECRET)) for create, settings in factories]


def _handler(apps: list[web.Application], path: str) -> object:
    for app in apps:
        for resource in app.router.resources():
            if resource.canonical == path:
                return next(r.handler for r in resource if r.method == "GET")
    raise AssertionError(f"no GET route serves {path}")


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_each_link_of_a_role_opens_for_that_role(role: str) -> None:
    apps = _apps()
    for enlace in staff_menu(role):
        access = access_of(_handler(apps, enlace.ruta))
        assert access is not None and access.allows(role), (role, enlace.ruta)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_no_screen_a_role_may_open_is_missing_from_its_menu(role: str) -> None:
    apps = _apps()
    missing = [
        e.ruta for e in STAFF_MENU if e not in staff_menu(role) and access_of(_handler(apps, e.ruta)).allows(role)
    ]  # type: ignore[union-attr]
    assert missing == []


def test_candidates_and_visitors_get_no_staff_menu() -> None:
    assert staff_menu("candidatura") == staff_menu("representante") == staff_menu(None) == []
