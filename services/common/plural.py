"""Counts as people write them: "1 candidatura encontrada", "2 candidaturas encontradas", never "(s)"."""

from __future__ import annotations

import jinja2


def contar(n: int, singular: str, plural: str) -> str:
    """``contar(1, "candidatura", "candidaturas")`` → ``1 candidatura``; thousands with a comma (es-MX)."""
    return f"{n:,} {singular if n == 1 else plural}"


def register_filters(env: jinja2.Environment) -> None:
    """``{{ total | contar("candidatura encontrada", "candidaturas encontradas") }}``."""
    env.filters["contar"] = contar
