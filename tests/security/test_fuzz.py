"""Attack 1: every JSON endpoint and every form fuzzed with hypothesis: never a 5xx, nothing alarming in the log.

The JSON API is fuzzed from its own OpenAPI document (/api/v1/openapi.json): each operation gets values built
from each parameter's schema (in range, at the edges, and any text at all). Forms are the ones every page shows
to a role that may send them (tests/test_hostil.py finds them), posted with a valid CSRF token and hypothesis
values in every field. Examples are drawn derandomized, so CI sees the same requests every run (no shrinking:
a failure names the request).
"""

from __future__ import annotations

import string
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from launcher.system import System

from ..helpers import Client
from ..test_hostil import (
    SHARED_WRITES,
    WALKED,
    Findings,
    Form,
    World,
    _alarms,
    _concrete,
    _forms_of,
    _log_size,
    _new_log,
    _role_for,
    _send,
)
from ..test_matrix import Route

pytestmark = pytest.mark.usefixtures("quiet_log")
API_EXAMPLES = 16
FORM_EXAMPLES = 4
TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=60)
HOSTILE = st.one_of(
    TEXT,
    st.integers().map(str),
    st.sampled_from(["", " ", "-1", "0", "1e309", "NaN", "2024-02-30", "9999-12-31T23:59", "null", "[]", "{}"]),
    st.text(string.printable, max_size=400),
)


def examples(strategy: st.SearchStrategy[Any], n: int) -> list[Any]:
    """``n`` values of ``strategy``, the same ones every run (drawn by hypothesis itself, not ``.example()``)."""
    drawn: list[Any] = []

    @settings(
        max_examples=n,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn[:n]


def _from_schema(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    """Values a client could send for a parameter: valid ones from its schema, and anything else."""
    options = [schema, *schema.get("anyOf", [])]
    valid: list[st.SearchStrategy[str]] = []
    for option in options:
        kind = option.get("type")
        if "enum" in option:
            valid.append(st.sampled_from([str(v) for v in option["enum"]]))
        elif kind == "integer":
            low, high = option.get("minimum"), option.get("maximum")
            valid.append(st.integers(low, high).map(str))
            valid.append(st.sampled_from([str(v) for v in (low, high) if v is not None] or ["0"]))
        elif kind == "boolean":
            valid.append(st.sampled_from(["true", "false"]))
        elif kind == "string":
            pattern = option.get("pattern")
            if pattern:
                valid.append(st.from_regex(pattern, fullmatch=True))
            valid.append(st.text(max_size=option.get("maxLength", 50) or 50))
    return st.one_of(*valid, HOSTILE) if valid else HOSTILE


async def _openapi(client: Client) -> dict[str, Any]:
    response = await client.get("/api/v1/openapi.json")
    assert response.status == 200
    document: dict[str, Any] = await response.json()
    return document


async def test_the_json_api_never_fails(make_client: type[Client], system: System) -> None:
    client = make_client()
    document = await _openapi(client)
    since = await _log_size(system)
    failures = []
    sent = 0
    assert len(document["paths"]) >= 8
    for path, item in document["paths"].items():
        operation = item["get"]
        query = {p["name"]: _from_schema(p["schema"]) for p in operation["parameters"] if p["in"] == "query"}
        ids = st.one_of(st.integers(-(2**70), 2**70).map(str), st.sampled_from(["1", "0", "abc", "%00"]))
        strategy = st.tuples(st.fixed_dictionaries({}, optional=query), ids)
        for params, some_id in examples(strategy, API_EXAMPLES if query or "{id}" in path else 3):
            url = path.replace("{id}", some_id)
            sent += 1
            response = await client.get(url, params=params)
            if response.status >= 500 or response.content_type != "application/json":
                failures.append(f"{url} {params}: {response.status} {response.content_type}")
            elif response.status >= 400 and response.status not in (404, 422, 429, 400):
                failures.append(f"{url} {params}: {response.status} (not in the document)")
            else:
                body = await response.json()
                if response.status >= 400:
                    assert set(body) == {"error", "details"}, body
    assert failures == [], f"{len(failures)} of {sent}"
    assert _alarms(_new_log(system, since)) == []


POSTS = [r for r in WALKED if r.method != "GET"]


def _fuzzed(form: Form, token: str, values: list[str]) -> Any:
    names = [n for n in form.fields if n != "csrf_token"]
    fields = {**form.fields, **dict(zip(names, values, strict=False)), "csrf_token": token}
    if not form.multipart:
        return fields
    data = aiohttp.FormData()
    for k, v in fields.items():
        data.add_field(k, v)
    return data


@pytest.mark.parametrize("route", POSTS, ids=[f"{r.method} {r.path}" for r in POSTS])
async def test_every_form_fuzzed(route: Route, world: World, system: System) -> None:
    assert route.access is not None
    role = None if route.access.public else _role_for(route)
    persona = world.personas[role]
    if role not in world.forms:
        world.forms[role] = await _forms_of(persona, world)
    since = await _log_size(system)
    findings = Findings()
    shared = route.path in {p for _, p in SHARED_WRITES} and role is not None
    for path in _concrete(route, world)[:1]:
        forms = world.forms[role].get(path) or [Form(path, False, {"texto": "", "version": "0"})]
        for form in forms[:2]:
            width = max(1, len(form.fields))
            for values in examples(st.lists(HOSTILE, min_size=width, max_size=width), FORM_EXAMPLES):
                if shared:  # only what the door refuses: the default form would change what other tests share
                    values = ["\x00"] * width
                data = _fuzzed(form, persona.token, values)
                await _send(persona, findings, route.method, path, f"fuzz {values[:3]!r}"[:80], data=data)
    assert findings.failures == [], f"{len(findings.failures)} of {findings.sent}"
    assert _alarms(_new_log(system, since)) == []
