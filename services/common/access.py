"""Who may use a route, declared next to the handler. A handler without a declaration is refused to all.

    @requires("validador", "coordinacion")
    async def queue(request): ...

    @public
    async def profile(request): ...

``requires()`` with no role means "any logged-in user". Candidate-side scope (own candidacies, own
postulante) is checked again in SQL by each handler; this is only the first gate.

The roles are declared once, here: their Spanish label, the page a login lands on, and the named groups the
handlers and the staff menu use. ``tests/unit/test_roles.py`` checks them against the roles the migrations allow.

A handler that writes is also marked ``@writes`` (under the access rule), so a client that hangs up cannot
cancel half of its transaction.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from aiohttp import web

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Role:
    name: str  # as stored in auth.users.role
    label: str  # Spanish, for the account screens
    home: str  # where a login without ``siguiente`` lands


ROLE_TABLE = (
    Role("admin", "Administración", "/cuenta/usuarios"),
    Role("coordinacion", "Coordinación de Prerrogativas", "/validacion/"),
    Role("validador", "Validación", "/validacion/"),
    Role("transparencia", "Unidad de Transparencia", "/validacion/"),
    Role("igualdad", "Coordinación de Igualdad de Género", "/reportes/"),
    Role("representante", "Representante de partido o candidatura", "/captura/"),
    Role("candidatura", "Candidata o candidato", "/captura/"),
)
ROLES = tuple(r.name for r in ROLE_TABLE)
ROLE_LABELS = {r.name: r.label for r in ROLE_TABLE}
HOME_BY_ROLE = {r.name: r.home for r in ROLE_TABLE}

# Named groups: who may do what. A screen names the group it serves, never a list of its own.
STAFF_ROLES = ("admin", "coordinacion", "validador", "transparencia", "igualdad")
CANDIDATE_SIDE = ("candidatura", "representante")  # act on their own candidacies in captura
PARTY_REPRESENTATIVES = ("representante",)  # approve or return what their candidacies submit
ADMINISTRATORS = ("admin",)  # all accounts, the development mailbox
ACCOUNT_MANAGERS = ("admin", "coordinacion")  # accounts and lotes of accounts
REGISTRY_MANAGERS = ("coordinacion",)  # import and change the registry of candidacies, secciones
PROCESS_MANAGERS = ("coordinacion", "admin")  # the process's settings and the prórrogas
DEADLINE_MANAGERS = ("coordinacion",)  # mail the reminders of the deadlines dashboard (admin only reads it)
REVIEWERS = ("validador", "coordinacion")  # approve or return submissions, decide on corrections
QUEUE_READERS = (*REVIEWERS, "transparencia", "admin")  # see the review queue
REPORT_READERS = STAFF_ROLES
# Clear or confirm the flags of the automatic checks, record a written revocation, publish an aviso de privacidad.
TRANSPARENCIA = ("transparencia",)
TRANSPARENCIA_READERS = (*TRANSPARENCIA, "coordinacion", "admin")  # read transparencia's screens
PUBLICATION_MANAGERS = ("coordinacion",)  # publish a candidacy now, pause and resume it
AUDIT_READERS = ("coordinacion", "transparencia", "admin")  # read a candidacy's audit trail
REPORT_MANAGERS = ("coordinacion", "admin")  # the reports to the Consejo General and the INE (issue 11)
INCLUSION_READERS = ("igualdad", "coordinacion", "admin")  # report 4, estadísticas de inclusión (suppressed)
GROUPS: dict[str, tuple[str, ...]] = {
    "STAFF_ROLES": STAFF_ROLES,
    "CANDIDATE_SIDE": CANDIDATE_SIDE,
    "PARTY_REPRESENTATIVES": PARTY_REPRESENTATIVES,
    "ADMINISTRATORS": ADMINISTRATORS,
    "ACCOUNT_MANAGERS": ACCOUNT_MANAGERS,
    "REGISTRY_MANAGERS": REGISTRY_MANAGERS,
    "PROCESS_MANAGERS": PROCESS_MANAGERS,
    "DEADLINE_MANAGERS": DEADLINE_MANAGERS,
    "REVIEWERS": REVIEWERS,
    "QUEUE_READERS": QUEUE_READERS,
    "REPORT_READERS": REPORT_READERS,
    "TRANSPARENCIA": TRANSPARENCIA,
    "TRANSPARENCIA_READERS": TRANSPARENCIA_READERS,
    "PUBLICATION_MANAGERS": PUBLICATION_MANAGERS,
    "AUDIT_READERS": AUDIT_READERS,
    "REPORT_MANAGERS": REPORT_MANAGERS,
    "INCLUSION_READERS": INCLUSION_READERS,
}


def home_of(role: str | None) -> str:
    return HOME_BY_ROLE.get(role or "", "/")


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
H = TypeVar("H", bound=Handler)

ACCESS_ATTRIBUTE = "__conoceles_access__"
WRITES_ATTRIBUTE = "__conoceles_writes__"


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


# Writes a client has left keep running here until they finish: asyncio holds tasks only weakly.
_DETACHED: set[asyncio.Task[web.StreamResponse]] = set()


def writes(handler: H) -> H:
    """Run the whole handler under ``asyncio.shield``: a client disconnect cannot cancel half a transaction.

    Reading the body happens inside the shield too, which is harmless: a body that never arrives fails there.
    """

    @functools.wraps(handler)
    async def shielded(request: web.Request) -> web.StreamResponse:
        task = asyncio.ensure_future(handler(request))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            _DETACHED.add(task)
            task.add_done_callback(_finished)
            raise

    setattr(shielded, WRITES_ATTRIBUTE, True)
    return cast(H, shielded)


def is_write(handler: object) -> bool:
    return getattr(handler, WRITES_ATTRIBUTE, False) is True


def _finished(task: asyncio.Task[web.StreamResponse]) -> None:
    _DETACHED.discard(task)
    if task.cancelled():
        return
    exc = task.exception()
    # Redirects and refusals are how handlers answer; nobody is left to read them, and that is fine.
    if exc is not None and not isinstance(exc, web.HTTPException):
        log.error("a write finished after its client left, with an error", exc_info=exc)
