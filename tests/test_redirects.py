"""Open redirects (issue 7, item 10): after login, `siguiente` sends people only to paths of this site."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from .helpers import DEMO_PASSWORD, Client
from .unit.test_redirects import HOSTILE

LOGIN = "/cuenta/entrar"
# Control characters never reach the login: the boundary guard refuses the whole request with a 400 (below).
CONTROL = frozenset(chr(c) for c in (*range(32), 127)) - {"\t", "\n", "\r"}
HOSTILE_STRINGS = [v for v in HOSTILE if isinstance(v, str) and not CONTROL & set(v)]
CONTROL_STRINGS = [v for v in HOSTILE if isinstance(v, str) and CONTROL & set(v)]


async def login_with_next(client: Client, siguiente: str) -> str:
    token = await client.csrf(LOGIN)
    data = {"csrf_token": token, "usuario": "demo-validador", "contrasena": DEMO_PASSWORD, "siguiente": siguiente}
    response = await client.post(LOGIN, data=data)
    assert response.status == 303, await response.text()
    return response.headers["Location"]


@pytest.mark.parametrize("siguiente", HOSTILE_STRINGS, ids=repr)
async def test_a_login_never_sends_anyone_to_another_site(siguiente: str, client: Client) -> None:
    assert await login_with_next(client, siguiente) == "/validacion/"


@pytest.mark.parametrize("siguiente", CONTROL_STRINGS, ids=repr)
async def test_a_target_with_control_characters_is_refused_before_the_login(siguiente: str, client: Client) -> None:
    token = await client.csrf(LOGIN)
    data = {"csrf_token": token, "usuario": "demo-validador", "contrasena": DEMO_PASSWORD, "siguiente": siguiente}
    response = await client.post(LOGIN, data=data)
    assert response.status == 400 and "Location" not in response.headers


async def test_the_login_form_does_not_carry_a_hostile_target(client: Client) -> None:
    page = await client.get(LOGIN, params={"siguiente": "/\t/evil.example"})
    text = await page.text()
    assert page.status == 200 and "evil.example" not in text


async def test_the_page_asked_for_comes_back_whole_after_login(client: Client) -> None:
    wanted = "/validacion/?q=P%C3%A9rez&estado=pendiente"
    response = await client.get(wanted)
    assert response.status == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == LOGIN
    siguiente = parse_qs(location.query)["siguiente"][0]
    assert siguiente == wanted  # with its `&`: the whole query, not only up to the first parameter
    assert await login_with_next(client, siguiente) == wanted
