"""Appends to ``audit.eventos``: who did what to which record, when, from where."""

from __future__ import annotations

from typing import Any

import asyncpg
from aiohttp import web

from .signed_identity import Identity

INSERT_SQL = """
INSERT INTO audit.eventos
    (service, action, entity, entity_id, actor_id, actor_username, client_addr, request_id, details)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
"""


def client_addr(request: web.Request) -> str:
    # The gateway is the only peer services accept traffic from; it passes the client's address on.
    return request.headers.get("X-Forwarded-For", "").split(",")[0].strip() or (request.remote or "")


async def record(
    conn: asyncpg.Connection | asyncpg.Pool,
    request: web.Request | None,
    actor: Identity | None,
    *,
    service: str,
    action: str,
    entity: str,
    entity_id: object = None,
    details: dict[str, Any] | None = None,
) -> None:
    await conn.execute(
        INSERT_SQL,
        service,
        action,
        entity,
        None if entity_id is None else str(entity_id),
        actor.user_id if actor else None,
        actor.username if actor else None,
        client_addr(request) if request is not None else None,
        request.headers.get("X-Request-Id") if request is not None else None,
        details or {},
    )
