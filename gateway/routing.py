"""The routing table: path prefix → service. The longest matching prefix wins; the public site takes the rest."""

from __future__ import annotations

ROUTES: tuple[tuple[str, str], ...] = (
    ("/cuenta", "auth"),
    ("/captura", "captura"),
    ("/validacion", "validacion"),
    # Staff screens about data another service owns are served by that service (no one reads another's schema).
    ("/validacion/transparencia/consentimientos", "captura"),
    ("/validacion/transparencia/avisos", "publico"),
    # The deadlines dashboard and the omisos read the questionnaire states, which are captura's.
    ("/validacion/plazos", "captura"),
    ("/reportes", "reportes"),
    ("/", "publico"),
)


def service_for(path: str) -> str:
    best, best_len = "publico", 0
    for prefix, service in ROUTES:
        if (path == prefix or path.startswith(prefix.rstrip("/") + "/")) and len(prefix) > best_len:
            best, best_len = service, len(prefix)
    return best
