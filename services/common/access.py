"""Who may use a route, declared next to the handler. A handler without a declaration is refused to all.

    @requires("validador", "coordinacion")
    async def queue(request): ...

    @public
    async def profile(request): ...

``requires()`` with no role means "any logged-in user". Candidate-side scope (own candidacies, own
postulante) is checked again in SQL by each handler; this is only the first gate.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from aiohttp import web

ROLES = ("admin", "coordinacion", "validador", "transparencia", "igualdad", "representante", "candidatura")
STAFF_ROLES = ("admin", "coordinacion", "validador", "transparencia", "igualdad")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
H = TypeVar("H", bound=Handler)

ACCESS_ATTRIBUTE = "__conoceles_access__"


@dataclass(frozen=True)
class Access:
    public: bool
    roles: frozenset[str]  # empty and not public: any authenticated user
    # Open to a user who must still replace a generated password (the password page and logout only).
    during_password_change: bool = False

    def allows(self, role: str | None) -> bool:
        if self.public:
            return True
        if role is None:
            return False
        return not self.roles or role in self.roles


def public(handler: H) -> H:
    setattr(handler, ACCESS_ATTRIBUTE, Access(public=True, roles=frozenset()))
    return handler


def requires(*roles: str, during_password_change: bool = False) -> Callable[[H], H]:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"roles desconocidos: {sorted(unknown)}")

    def decorate(handler: H) -> H:
        access = Access(public=False, roles=frozenset(roles), during_password_change=during_password_change)
        setattr(handler, ACCESS_ATTRIBUTE, access)
        return handler

    return decorate


def access_of(handler: object) -> Access | None:
    return getattr(handler, ACCESS_ATTRIBUTE, None)
