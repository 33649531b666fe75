"""The roles are declared once (``services/common/access.py``) and agree with the roles the database allows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.common import access
from services.common.access import GROUPS, HOME_BY_ROLE, ROLE_LABELS, ROLE_TABLE, ROLES, home_of, requires

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
# The CHECK on auth.users.role; a later migration that redefines it wins.
ROLE_CHECK = re.compile(r"CHECK\s*\(\s*role\s+IN\s*\(([^)]*)\)\s*\)", re.IGNORECASE)


def _roles_in_migrations() -> tuple[str, ...]:
    allowed: tuple[str, ...] = ()
    for path in sorted(MIGRATIONS.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        if "auth.users" not in text:
            continue
        for match in ROLE_CHECK.finditer(text):
            allowed = tuple(re.findall(r"'([^']+)'", match.group(1)))
    return allowed


def test_the_migrations_declare_the_roles() -> None:
    assert len(_roles_in_migrations()) >= 7


def test_roles_in_code_are_the_roles_the_database_allows() -> None:
    assert sorted(ROLES) == sorted(_roles_in_migrations())


def test_roles_are_declared_once_each() -> None:
    assert len(set(ROLES)) == len(ROLES) == len(ROLE_TABLE)


@pytest.mark.parametrize("role", _roles_in_migrations())
def test_every_role_the_database_allows_has_a_label_and_a_home(role: str) -> None:
    # A role without a home used to crash the login (HOME_BY_ROLE[user["role"]]).
    assert ROLE_LABELS[role].strip()
    assert HOME_BY_ROLE[role].startswith("/")
    assert home_of(role) == HOME_BY_ROLE[role]


def test_no_role_lands_on_the_root_and_nobody_crashes() -> None:
    assert home_of(None) == home_of("") == home_of("desconocido") == "/"


@pytest.mark.parametrize("name", sorted(GROUPS))
def test_every_group_is_made_of_known_roles(name: str) -> None:
    members = GROUPS[name]
    assert members, name
    assert set(members) <= set(ROLES), name
    assert len(set(members)) == len(members), name
    assert getattr(access, name) == members


def test_every_group_constant_is_listed() -> None:
    constants = {
        name
        for name, value in vars(access).items()
        if name.isupper() and isinstance(value, tuple) and value and all(v in ROLES for v in value) and name != "ROLES"
    }
    assert constants == set(GROUPS)


def test_staff_and_candidate_side_split_the_roles() -> None:
    assert set(access.STAFF_ROLES) | set(access.CANDIDATE_SIDE) == set(ROLES)
    assert not set(access.STAFF_ROLES) & set(access.CANDIDATE_SIDE)


def test_an_unknown_role_cannot_be_required() -> None:
    with pytest.raises(ValueError, match="roles desconocidos"):
        requires("superusuario")
