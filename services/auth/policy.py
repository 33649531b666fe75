"""The password policy: at least 12 characters, not a common password, not containing the username."""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 256
COMMON_PASSWORDS = Path(__file__).parent / "common_passwords.txt"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def _common() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(_fold(line.strip()) for line in lines if line.strip() and not line.startswith("#"))


def password_problems(password: str, username: str) -> list[str]:
    """What is wrong with ``password`` for ``username``, in Spanish; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"La contraseña debe tener al menos {MIN_LENGTH} caracteres.")
    if len(password) > MAX_LENGTH:
        problems.append(f"La contraseña admite como máximo {MAX_LENGTH} caracteres.")
    folded = _fold(password)
    if folded in _common() or folded.rstrip("0123456789!.*") in _common():
        problems.append("Esa contraseña es de las más usadas y fáciles de adivinar; elige otra.")
    if username and len(username) >= 3 and _fold(username) in folded:
        problems.append("La contraseña no debe contener tu nombre de usuario.")
    return problems
