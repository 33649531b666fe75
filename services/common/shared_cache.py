"""What publico and the gateway agree on about the public pages the gateway may answer itself.

publico marks an answer of ``services.publico.cache.cached`` whose content depends only on the publication
generation and the address (the list, a profile, their API twins) with :data:`GENERATION_HEADER`; the gateway
(``gateway/page_cache.py``) keeps such answers in memory and serves them while Redis's generation stays the same.
Both headers are internal: the gateway removes them before an answer leaves it.
"""

from __future__ import annotations

GENERATION_KEY = "publico:generacion"
GENERATION_HEADER = "X-Conoceles-Generacion"
# The time zone whose local day a visit to this page is counted in (only on pages that count as visits).
VISITA_HEADER = "X-Conoceles-Visita"
# How long a browser or Apache (deploy/apache, mod_cache_disk) keeps a public page before revalidating it with
# its ETag. Below 60 s so a publication shows through Apache within a minute: this, plus the gateway's own
# bound (GATEWAY_PAGE_CACHE_CHECK_INTERVAL, 0.5 s) and Apache's CacheLockMaxAge (5 s), stays under 60 s.
MAX_AGE = 50
CACHE_CONTROL = f"public, max-age={MAX_AGE}"
