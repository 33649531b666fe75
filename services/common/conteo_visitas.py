"""The Redis counters of visits per local day: shared by publico (services/publico/visitas.py), which counts what
it answers, and the gateway (gateway/page_cache.py), which counts the public pages it answers from memory."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

Tipo = Literal["pagina", "descarga"]
PREFIJO = "publico:visitas:"
# Long enough for the cron to send a day's last total after midnight, even after a few hours' outage.
TTL = 3 * 24 * 3600
ROBOT = re.compile(r"bot|crawl|spider|slurp|facebookexternalhit|preview", re.IGNORECASE)


def clave(dia: date, tipo: Tipo) -> str:
    return f"{PREFIJO}{dia.isoformat()}:{tipo}"
