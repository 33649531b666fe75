"""``@writes``: a client that hangs up cannot cancel half of a write, and every unsafe route is a write."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from services.auth.app import create_app as auth_app
from services.auth.settings import AuthSettings
from services.captura.app import create_app as captura_app
from services.captura.settings import CapturaSettings
from services.common.access import access_of, is_write, public, requires, writes
from services.publico.app import create_app as publico_app
from services.publico.settings import PublicoSettings
from services.reportes.app import create_app as reportes_app
from services.reportes.settings import ReportesSettings
from services.validacion.app import create_app as validacion_app
from services.validacion.settings import ValidacionSettings

SECRET = "s" * 40
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _request() -> web.Request:
    return make_mocked_request("POST", "/")


async def _cancel_caller_midway(handler: Callable[[web.Request], object], started: asyncio.Event) -> None:
    caller = asyncio.ensure_future(handler(_request()))  # type: ignore[arg-type]
    await started.wait()
    caller.cancel()  # what aiohttp does when the client disconnects
    with pytest.raises(asyncio.CancelledError):
        await caller


async def test_a_cancelled_caller_does_not_cancel_the_write() -> None:
    started, release, done = asyncio.Event(), asyncio.Event(), asyncio.Event()

    @writes
    async def save(request: web.Request) -> web.StreamResponse:
        started.set()
        await release.wait()  # half of the transaction is done here
        done.set()
        return web.Response(text="guardado")

    await _cancel_caller_midway(save, started)
    assert not done.is_set()
    release.set()
    await asyncio.wait_for(done.wait(), timeout=5)


async def test_without_the_decorator_the_same_cancel_stops_the_write_halfway() -> None:
    # The control case: what @writes prevents.
    started, release, done = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def save(request: web.Request) -> web.StreamResponse:
        started.set()
        await release.wait()
        done.set()
        return web.Response()

    await _cancel_caller_midway(save, started)
    release.set()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert not done.is_set()


async def test_the_caller_that_stays_gets_the_answer_and_the_exceptions() -> None:
    @writes
    async def save(request: web.Request) -> web.StreamResponse:
        return web.Response(text="guardado")

    @writes
    async def redirect(request: web.Request) -> web.StreamResponse:
        raise web.HTTPSeeOther("/hecho")

    response = await save(_request())
    assert isinstance(response, web.Response) and response.text == "guardado"
    with pytest.raises(web.HTTPSeeOther):
        await redirect(_request())


async def test_a_write_that_fails_after_its_client_left_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    started, release, finished = asyncio.Event(), asyncio.Event(), asyncio.Event()

    @writes
    async def save(request: web.Request) -> web.StreamResponse:
        started.set()
        await release.wait()
        finished.set()
        raise RuntimeError("la base se cayó")

    await _cancel_caller_midway(save, started)
    with caplog.at_level(logging.ERROR, logger="services.common.access"):
        release.set()
        await asyncio.wait_for(finished.wait(), timeout=5)
        for _ in range(3):  # let the done-callback run
            await asyncio.sleep(0)
    assert any(r.exc_info and "la base se cayó" in str(r.exc_info[1]) for r in caplog.records)


async def test_a_redirect_after_the_client_left_is_not_an_error(caplog: pytest.LogCaptureFixture) -> None:
    started, release, finished = asyncio.Event(), asyncio.Event(), asyncio.Event()

    @writes
    async def save(request: web.Request) -> web.StreamResponse:
        started.set()
        await release.wait()
        finished.set()
        raise web.HTTPSeeOther("/hecho")

    await _cancel_caller_midway(save, started)
    with caplog.at_level(logging.ERROR):
        release.set()
        await asyncio.wait_for(finished.wait(), timeout=5)
        for _ in range(3):
            await asyncio.sleep(0)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_access_rule_survives_either_order() -> None:
    @requires("admin")
    @writes
    async def below(request: web.Request) -> web.StreamResponse:
        return web.Response()

    @writes
    @public
    async def above(request: web.Request) -> web.StreamResponse:
        return web.Response()

    assert is_write(below) and is_write(above)
    assert access_of(below) is not None and access_of(below).allows("admin")  # type: ignore[union-attr]
    assert not access_of(below).allows("validador")  # type: ignore[union-attr]
    assert access_of(above) is not None and access_of(above).public  # type: ignore[union-attr]
    assert below.__name__ == "below"


def _apps() -> list[web.Application]:
    factories: list[tuple[Callable[..., web.Application], type]] = [
        (auth_app, AuthSettings),
        (captura_app, CapturaSettings),
        (validacion_app, ValidacionSettings),
        (publico_app, PublicoSettings),
        (reportes_app, ReportesSettings),
    ]
    return [create(settings(gateway_secret=SECRET)) for create, settings in factories]


def test_every_unsafe_route_is_a_write() -> None:
    unsafe = [
        (route.method, route.resource.canonical if route.resource else "")
        for app in _apps()
        for route in app.router.routes()
        if route.method not in SAFE_METHODS
    ]
    assert len(unsafe) > 30
    missing = [
        (route.method, route.resource.canonical if route.resource else "")
        for app in _apps()
        for route in app.router.routes()
        if route.method not in SAFE_METHODS and not is_write(route.handler)
    ]
    assert missing == []
