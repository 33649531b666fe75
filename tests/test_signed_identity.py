"""The signed identity between gateway and services: unit checks, then the real processes."""

from __future__ import annotations

import time

import aiohttp

from launcher.system import System
from services.common.signed_identity import ANONYMOUS, REQUEST_ID_HEADER, Identity, sign, verify

SECRET = "x" * 48
ADMIN = Identity(user_id=1, username="demo-admin", role="admin", session_id="s", csrf_token="t")


def test_signed_identity_round_trips() -> None:
    headers = {**sign(ADMIN, SECRET, "req-1"), REQUEST_ID_HEADER: "req-1"}
    assert verify(headers, SECRET, 30) == ADMIN


def test_tampering_wrong_secret_age_or_request_id_make_it_anonymous() -> None:
    headers = {**sign(ADMIN, SECRET, "req-1"), REQUEST_ID_HEADER: "req-1"}
    other = sign(Identity(user_id=2, role="candidatura"), SECRET, "req-1")
    assert verify({**headers, "X-Conoceles-Identity": other["X-Conoceles-Identity"]}, SECRET, 30) == ANONYMOUS
    assert verify(headers, "y" * 48, 30) == ANONYMOUS
    assert verify({**headers, REQUEST_ID_HEADER: "req-2"}, SECRET, 30) == ANONYMOUS
    old = {**sign(ADMIN, SECRET, "req-1", now=time.time() - 120), REQUEST_ID_HEADER: "req-1"}
    assert verify(old, SECRET, 30) == ANONYMOUS
    assert verify({}, SECRET, 30) == ANONYMOUS
    assert verify({**headers, "X-Conoceles-Timestamp": "soon"}, SECRET, 30) == ANONYMOUS


async def test_service_reached_directly_treats_unsigned_or_forged_identity_as_anonymous(system: System) -> None:
    captura = f"http://127.0.0.1:{system.process('captura').spec.port}/captura/"
    candidata = Identity(user_id=999, username="x", role="representante", postulante_id=1)
    async with aiohttp.ClientSession() as http:
        forged = {**sign(candidata, "not-the-secret" * 4, "r"), REQUEST_ID_HEADER: "r"}
        for headers in ({}, forged):
            async with http.get(captura, headers=headers, allow_redirects=False) as response:
                assert response.status == 303
                assert response.headers["Location"].startswith("/cuenta/entrar")
        # The same identity signed with the real secret is accepted: the check above is the signature.
        genuine = {**sign(candidata, system.gateway_secret, "r"), REQUEST_ID_HEADER: "r"}
        async with http.get(captura, headers=genuine, allow_redirects=False) as response:
            assert response.status == 200, await response.text()


async def test_gateway_strips_identity_headers_sent_by_a_client(system: System) -> None:
    candidata = Identity(user_id=999, username="x", role="representante", postulante_id=1)
    forged = sign(candidata, system.gateway_secret, "r")  # even a correctly signed one must not pass through
    async with aiohttp.ClientSession() as http:
        headers = {**forged, REQUEST_ID_HEADER: "r"}
        async with http.get(f"{system.url}/captura/", headers=headers, allow_redirects=False) as response:
            assert response.status == 303
            assert response.headers["Location"].startswith("/cuenta/entrar")
