"""Jobs auth runs: mail (credentials, password recovery) and bulk provisioning of accounts."""

from __future__ import annotations

from arq.worker import Function

FUNCTIONS: list[Function] = []
