"""What every service's web app has: identity from the gateway, deny-by-default access, CSRF, one error
vocabulary, templates, /health and /metrics. A service's ``create_app`` starts from :func:`base_app`.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
import asyncpg
import jinja2
import orjson
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from . import boundary, metricas, plantillas, plural, tiempo
from .access import access_of, public
from .boundary import boundary_middleware
from .contacto import safe_href
from .db import DB_POOL, database_unavailable, pool_ctx
from .etiquetas import TEMPLATE_GLOBALS as ETIQUETAS_GLOBALS
from .limites import too_large_message
from .logs import REQUEST_ID, setup_logging
from .mensajes import detalles
from .menu import staff_menu
from .menu_cuentas import CONTADOR
from .menu_cuentas import cuentas as menu_cuentas
from .origen import CROSS_ORIGIN_MESSAGE, allowed_hosts, cross_site
from .settings import ServiceSettings, load_settings
from .signed_identity import ANONYMOUS, REQUEST_ID_HEADER, SIGNATURE_HEADER, Identity, verify
from .texto_perdido import textos_enviados
from .zona import LAST_ZONA, LEIDO, ProcesoLeido, request_proceso

log = logging.getLogger(__name__)

SETTINGS: web.AppKey[ServiceSettings] = web.AppKey("settings", ServiceSettings)
REDIS: web.AppKey[Redis] = web.AppKey("redis", Redis)
METRICS: web.AppKey[Counter[str]] = web.AppKey("metrics", Counter)
TOO_LARGE: web.AppKey[str] = web.AppKey("too_large", str)  # the 413 text for this app's own body limit
IDENTITY = "identity"  # request key
COMMON_TEMPLATES = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
PASSWORD_CHANGE_PATH = "/cuenta/contrasena"  # noqa: S105 - a path, not a password

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# A value refused by PostgreSQL (SQLSTATE class 22: a NUL byte, an impossible date) or by asyncpg before sending
# it (an int outside int4): input that a boundary check let through.
INPUT_REFUSED = (asyncpg.DataError, asyncpg.exceptions._base.DataError)


def identity(request: web.Request) -> Identity:
    ident: Identity = request.get(IDENTITY, ANONYMOUS)
    return ident


def wants_json(request: web.Request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json", headers=headers)


def problem(status: int, error: str, details: Any = None) -> web.Response:
    return json_response({"error": error, "details": details}, status=status)


SPANISH_REASONS = {
    400: "La solicitud no es válida.",
    401: "Necesitas iniciar sesión.",
    403: "No tienes permiso para ver esta página.",
    404: "No encontramos esta página.",
    405: "Método no permitido.",
    409: "Hubo un conflicto con otro cambio.",
    413: "El archivo o el formulario es demasiado grande.",
    422: "Revisa los datos enviados.",
    429: "Demasiados intentos. Espera un momento y vuelve a intentarlo.",
    500: "Ocurrió un error inesperado. Ya quedó registrado; intenta de nuevo más tarde.",
    503: "El servicio no está disponible por el momento.",
}


def _error_response(request: web.Request, status: int, message: str | None, details: Any = None) -> web.Response:
    text = message or SPANISH_REASONS.get(status, "Error")
    if wants_json(request):
        return problem(status, text, details)
    context = {"status": status, "message": text, "details": details, **_base_context(request)}
    try:
        response = aiohttp_jinja2.render_template("error.html", request, context, status=status)
    except Exception:  # a broken template must not hide the original error
        log.exception("error page failed")
        response = web.Response(text=text, status=status)
    return response


def validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    return list(detalles(exc))


# PostgreSQL away: a retry in a while will work, so say so (and let clients and Apache know when).
RETRY_AFTER_SECONDS = 30
UNAVAILABLE_MESSAGE = (
    "El sitio no puede consultar sus datos en este momento. Estamos en ello: intenta de nuevo en unos minutos."
)


# Redis away: sessions (and the login's lockout counters) live there, so nobody can log in until it is back.
SESSIONS_UNAVAILABLE_MESSAGE = (
    "Por el momento no podemos iniciar ni comprobar sesiones. Intenta de nuevo en unos minutos."
)


def unavailable_response(request: web.Request, message: str = UNAVAILABLE_MESSAGE) -> web.Response:
    response = _error_response(request, 503, message)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # An outage is not the page: Apache's cache must not serve it for the page's max-age once the data is back.
    response.headers["Cache-Control"] = "no-store"
    return response


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        message = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else None
        if exc.status == 413:  # aiohttp's own text is English and names no limit a person can act on
            message = request.app.get(TOO_LARGE)
        return _error_response(request, exc.status, message)
    except ValidationError as exc:
        return _error_response(request, 422, None, validation_details(exc))
    except (UnicodeDecodeError, HttpProcessingError):
        # request.post() on a body that is not UTF-8 or not valid multipart: the client's fault, not ours.
        return _error_response(request, 400, "El formulario no es válido o contiene caracteres no válidos.")
    except asyncio.CancelledError:
        raise
    except INPUT_REFUSED as exc:
        # Still the client's input, so a 400; the warning says which boundary check is missing.
        log.warning("unvalidated input reached the database on %s %s: %s", request.method, request.path, exc)
        return _error_response(request, 400, "Algún dato enviado no es válido. Revísalo e inténtalo de nuevo.")
    except (RedisConnectionError, RedisTimeoutError) as exc:
        log.warning("redis unavailable on %s %s: %s", request.method, request.path, type(exc).__name__)
        return unavailable_response(request, SESSIONS_UNAVAILABLE_MESSAGE)
    except Exception as exc:
        if database_unavailable(exc):
            log.warning("database unavailable on %s %s: %s", request.method, request.path, type(exc).__name__)
            return unavailable_response(request)
        log.exception("unhandled error on %s %s (request %s)", request.method, request.path, request_id(request))
        return _error_response(request, 500, None)


def request_id(request: web.Request) -> str:
    return request.headers.get(REQUEST_ID_HEADER, "")


def identity_middleware(settings: ServiceSettings) -> Any:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        request[IDENTITY] = verify(request.headers, settings.gateway_secret, settings.signature_max_age)
        return await handler(request)

    return middleware


@web.middleware
async def access_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Deny by default: a route runs only if its handler declared who may use it and the caller is one."""
    match_info = request.match_info
    if match_info.http_exception is not None:
        raise match_info.http_exception
    if isinstance(match_info.route.resource, web.StaticResource):
        return await handler(request)
    access = access_of(match_info.handler)
    if access is None:
        log.error("route without access rule refused: %s", request.path)
        raise web.HTTPForbidden()
    ident = identity(request)
    if ident.must_change_password and not (access.public or access.during_password_change):
        if request.method == "GET" and not wants_json(request):
            raise web.HTTPSeeOther(PASSWORD_CHANGE_PATH)
        raise web.HTTPForbidden(text="Antes de continuar, cambia la contraseña que te asignó el Instituto.")
    if access.allows(ident.role if ident.is_authenticated else None):
        return await handler(request)
    if not ident.is_authenticated:
        # Encoded, so the whole path and query come back after login (an unencoded `&` would cut it short).
        login = f"/cuenta/entrar?{urlencode({'siguiente': request.rel_url.raw_path_qs}, safe='/')}"
        if request.method == "POST" and not wants_json(request) and request.content_type in boundary.FORM_TYPES:
            return await _session_ended(request, login)
        if wants_json(request) or request.method != "GET":
            raise web.HTTPUnauthorized()
        raise web.HTTPSeeOther(login)
    raise web.HTTPForbidden()


async def _session_ended(request: web.Request, login: str) -> web.Response:
    """A form posted without a live session (expired, or lost with Redis): it is not saved, and the person gets
    their text back to copy instead of losing it silently behind a login redirect."""
    try:
        form = await request.post()
    except boundary.MALFORMED_BODY_ERRORS:
        # The boundary check (after this one) would say so for a logged-in person; nobody's text to keep here.
        raise web.HTTPBadRequest(text=boundary.MALFORMED_MESSAGE) from None
    textos = textos_enviados(form.items())
    log.info("form posted without a session on %s: %d text field(s) shown back", request.path, len(textos))
    context = {"textos": textos, "entrar": login, **_base_context(request)}
    return aiohttp_jinja2.render_template("sesion_terminada.html", request, context, status=401)


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Synchronizer token: an unsafe request must carry the token of the caller's session."""
    if request.method in UNSAFE_METHODS:
        allowed = allowed_hosts(request.app[SETTINGS].public_url, request.headers.get("X-Forwarded-Host"))
        if cross_site(request.headers.get("Origin"), request.headers.get("Referer"), allowed):
            raise web.HTTPForbidden(text=CROSS_ORIGIN_MESSAGE)
        expected = identity(request).csrf_token
        sent = request.headers.get(CSRF_HEADER)
        if sent is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
        if not expected or not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
            raise web.HTTPForbidden(
                text="El formulario caducó o no es válido. Vuelve a cargar la página e inténtalo de nuevo."
            )
    return await handler(request)


@web.middleware
async def no_store_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A page that needs a session is never kept by a browser or proxy: after logout, Back must refetch it.

    So is a public page that says nothing about caching but was made for a visitor holding a session (the
    login and recovery forms carry that session's CSRF token); public pages that set their own caching keep it.
    """
    response = await handler(request)
    if isinstance(request.match_info.route.resource, web.StaticResource):
        return response
    access = access_of(request.match_info.handler)
    cache_control = response.headers.get("Cache-Control")
    if access is None or not access.public:
        if "no-store" not in (cache_control or ""):
            response.headers["Cache-Control"] = "no-store"
    elif cache_control is None and (identity(request).session_id or response.cookies):
        response.headers["Cache-Control"] = "no-store"
    return response


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    REQUEST_ID.set(request_id(request))  # this task's log lines carry it (services/common/logs.py)
    metrics = request.app[METRICS]
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        elapsed = time.perf_counter() - started
        metrics[f'http_requests_total{{status="{status}"}}'] += 1
        metrics["http_request_seconds_sum"] += elapsed  # type: ignore[assignment]
        metricas.count_request(metrics, request.method, metricas.route_label(request), status, elapsed)


def _base_context(request: web.Request) -> dict[str, Any]:
    ident = identity(request)
    return {"identity": ident, "csrf_token": ident.csrf_token or "", "request_path": request.path}


async def _template_context(request: web.Request) -> dict[str, Any]:
    # Every date filter (services.common.tiempo) reads the process's zone from here; base.html's footer its name.
    proceso = await request_proceso(request)
    context = {**_base_context(request), tiempo.CONTEXT_KEY: proceso.zona, "proceso_nombre": proceso.nombre}
    app = request.app
    context["menu_cuentas"] = await menu_cuentas(
        app.get(REDIS), app.get(DB_POOL), app[SETTINGS].service_name, app.get(CONTADOR), identity(request).role
    )
    return context


def redis_ctx(settings: ServiceSettings) -> Callable[[web.Application], AsyncIterator[None]]:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        if REDIS in app:
            yield
            return
        app[REDIS] = Redis.from_url(
            settings.redis_url, socket_connect_timeout=settings.redis_timeout, socket_timeout=settings.redis_timeout
        )
        yield
        await app[REDIS].aclose()

    return ctx


def _for_operators(request: web.Request) -> None:
    """/health and /metrics of a process are for the operators who reach it directly (the gateway's checks,
    compose, Prometheus); through the gateway, whatever the path trick, only an admin sees them."""
    if SIGNATURE_HEADER in request.headers and identity(request).role != "admin":
        raise web.HTTPNotFound()


@public
async def health(request: web.Request) -> web.Response:
    """Up when its PostgreSQL pool and Redis answer; 503 with the failing part otherwise."""
    _for_operators(request)
    checks: dict[str, str] = {}
    try:
        await request.app[DB_POOL].fetchval("SELECT 1", timeout=2)
        checks["postgresql"] = "ok"
    except Exception as exc:
        checks["postgresql"] = f"error: {type(exc).__name__}"
    try:
        await asyncio.wait_for(request.app[REDIS].ping(), 2)
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"error: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    body = {"service": request.app[SETTINGS].service_name, "status": "ok" if healthy else "error", "checks": checks}
    return json_response(body, status=200 if healthy else 503)


@public
async def metrics(request: web.Request) -> web.Response:
    _for_operators(request)
    name = request.app[SETTINGS].service_name
    lines = [f"# conoceles {name}"]
    for key, value in sorted(request.app[METRICS].items()):
        metric, _, labels = key.partition("{")
        label_text = f'{{service="{name}",{labels}' if labels else f'{{service="{name}"}}'
        lines.append(f"conoceles_{metric}{label_text} {value}")
    lines.extend(await metricas.queue_samples(request.app[REDIS], name))
    return web.Response(text="\n".join(lines) + "\n", content_type="text/plain")


def base_app(settings: ServiceSettings, templates: Path, *, client_max_size: int = 1024**2) -> web.Application:
    """An application with the shared middlewares, templates, /health and /metrics of a service."""
    app = web.Application(
        middlewares=[
            metrics_middleware,
            no_store_middleware,
            error_middleware,
            identity_middleware(settings),
            access_middleware,
            boundary_middleware,
            csrf_middleware,
        ],
        client_max_size=client_max_size,
    )
    app[SETTINGS] = settings
    app[METRICS] = Counter()
    app[LAST_ZONA] = {}
    app[LEIDO] = ProcesoLeido()
    # An app that takes uploads states the upload limit; the others only take small forms.
    uploads = client_max_size >= settings.max_body_size
    app[TOO_LARGE] = too_large_message(settings.max_upload_mb) if uploads else SPANISH_REASONS[413]
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(templates), jinja2.FileSystemLoader(COMMON_TEMPLATES)]),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
        context_processors=[_template_context],
    )
    tiempo.register_filters(env)
    plural.register_filters(env)
    env.globals.update(ETIQUETAS_GLOBALS)  # calidad(), postulante_nombre(): registry values as people read them
    env.globals["staff_menu"] = staff_menu  # templates/_menu_staff.html
    # Templates show a stored address as a link only through this check (see _valor.html).
    env.globals["safe_href"] = safe_href
    env.globals["instituto"] = settings.instituto  # name, state, address and logo: configuration, not templates
    plantillas.register(env)  # csrf_field(), ruta(), the questionnaires
    app.cleanup_ctx.append(pool_ctx(settings))
    app.cleanup_ctx.append(redis_ctx(settings))
    app.router.add_get("/health", health, name="health")
    app.router.add_get("/metrics", metrics, name="metrics")
    return app


def serve(create_app: Callable[[Any], web.Application], settings_class: type[ServiceSettings]) -> None:
    """Run a service in the foreground: ``python -m services.<name>``."""
    settings = load_settings(settings_class)
    setup_logging(settings.log_level, settings.service_name, json_format=settings.log_format == "json")
    app = create_app(settings)
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - uvloop is not built for every platform
        pass
    web.run_app(app, host=settings.host, port=settings.port, access_log=None, print=None, shutdown_timeout=5)
