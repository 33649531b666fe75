"""What tests need to act like a person through the gateway: a browser-like HTTP client and polling."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import aiohttp

from launcher.system import System, SystemConfig

DEMO_PASSWORD = "contrasena-de-prueba-123"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
T = TypeVar("T")


class Client:
    """An HTTP client with its own cookie jar, like one browser, talking to the gateway."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def close(self) -> None:
        await self.session.close()

    async def request(self, method: str, path: str, **kwargs: Any) -> aiohttp.ClientResponse:
        kwargs.setdefault("allow_redirects", False)
        response = await self.session.request(method, self.base_url + path, **kwargs)
        await response.read()  # keeps the body and frees the connection at once
        return response

    async def get(self, path: str, **kwargs: Any) -> aiohttp.ClientResponse:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> aiohttp.ClientResponse:
        return await self.request("POST", path, **kwargs)

    async def csrf(self, path: str) -> str:
        response = await self.get(path)
        text = await response.text()
        assert response.status == 200, text
        match = CSRF.search(text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    async def submit(self, form_path: str, action: str, data: dict[str, str]) -> aiohttp.ClientResponse:
        """Load the page with the form, then post it with the page's CSRF token, as a browser would."""
        token = await self.csrf(form_path)
        return await self.post(action, data={"csrf_token": token, **data})

    async def login(self, username: str, password: str = DEMO_PASSWORD) -> aiohttp.ClientResponse:
        response = await self.submit("/cuenta/entrar", "/cuenta/entrar", {"usuario": username, "contrasena": password})
        assert response.status == 303, await response.text()
        return response


async def eventually(check: Callable[[], Awaitable[T | None]], within: float = 20, what: str = "condition") -> T:
    """Poll ``check`` until it returns something truthy (jobs cross queues asynchronously)."""
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within} s waiting for {what}")
        await asyncio.sleep(0.1)


CURRICULAR_COMPLETO = {
    "contacto": {"telefono_publico": "443 312 0000", "correo_publico": "contacto@campana.invalid"},
    "formacion": {"grado_maximo": "Licenciatura", "estatus": "Título", "cursos": "Diplomado en gestión municipal"},
    "profesional": {"historia_profesional": "Docente de primaria durante quince años en Tacámbaro."},
    "trayectoria": {
        "trayectoria_politica": "Jefa de tenencia 2018-2021.",
        "motivo_cargo_publico": "Quiero que las comunidades rurales tengan voz en el cabildo.",
    },
    "propuestas": {
        "propuesta_1": "Agua potable en cada colonia.",
        "propuesta_2": "Transporte escolar gratuito en las tenencias.",
        "propuesta_genero": "Guarderías públicas con horario extendido.",
    },
}


async def fill_curricular(client: Client, candidatura_id: int, **rubros: dict[str, str]) -> None:
    """Save every rubro of the cuestionario curricular (complete by default; ``rubros`` overrides some)."""
    for rubro, values in {**CURRICULAR_COMPLETO, **rubros}.items():
        path = f"/captura/candidaturas/{candidatura_id}/curricular/{rubro}"
        page = await client.get(path)
        text = await page.text()
        version = re.search(r'name="version" value="(\d+)"', text)
        assert version, text
        response = await client.submit(path, path, {"version": version.group(1), **values})
        assert response.status == 303, await response.text()


async def approve_review(validador: Client, db: Any, candidatura_id: int, cuestionario: str = "curricular") -> int:
    """Wait for the pending review of a submitted questionnaire and approve it as ``validador`` would."""
    review_id: int = await eventually(
        lambda: db.fetchval(
            "SELECT id FROM validacion.revisiones WHERE candidatura_id = $1 AND cuestionario = $2 "
            "AND estado = 'pendiente'",
            candidatura_id,
            cuestionario,
        ),
        what=f"the pending {cuestionario} review",
    )
    detail = f"/validacion/revisiones/{review_id}"
    response = await validador.submit(detail, f"{detail}/aprobar", {})
    assert response.status == 303, await response.text()
    return review_id


# A publication of one candidacy sent to publico, alone or as an item of a lote (services/validacion/publication.py).
PUBLISH_REQUESTS_SQL = """
SELECT count(*) FROM outbox.jobs
WHERE (function = $2 AND (args ->> 'candidatura_id')::int = $1)
   OR (function = $3 AND args -> 'items' @> jsonb_build_array(jsonb_build_object('candidatura_id', $1::int)))
"""


async def publish_requests(db: Any, candidatura_id: int) -> int:
    """How many times validacion asked publico to publish ``candidatura_id`` (single jobs and lote items)."""
    from services.common import contracts

    count: int = await db.fetchval(
        PUBLISH_REQUESTS_SQL, candidatura_id, contracts.Publish.name, contracts.PublishLote.name
    )
    return count


@contextmanager
def started(config: SystemConfig) -> Iterator[System]:
    """The whole system of ``config``, supervised every 0.2 s; its data folder goes at the end unless
    CONOCELES_TEST_KEEP is set (to read system.log after a failing run). A failed start prints the log's end."""
    system = System(config)
    try:
        system.start()
    except Exception:
        if config.log_file and config.log_file.exists():
            print(config.log_file.read_text()[-5000:])
        raise
    system.supervise_in_background(interval=0.2)
    try:
        yield system
    finally:
        system.stop()
        if not os.environ.get("CONOCELES_TEST_KEEP"):
            shutil.rmtree(config.data_dir, ignore_errors=True)
