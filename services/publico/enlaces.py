"""The pages home and help point to, by route name: each link shows once its route is registered (the other
parts of issue #10 add theirs), so no page links to a 404 and no template writes a path by hand."""

from __future__ import annotations

from aiohttp import web

ENLACES = ("mi-eleccion", "estadisticas", "datos", "comparar", "ayuda", "privacidad")


def enlaces(app: web.Application) -> dict[str, str]:
    """Route name → path, for the ENLACES registered in ``app``."""
    return {name: str(app.router[name].url_for()) for name in ENLACES if name in app.router}
