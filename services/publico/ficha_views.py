"""/candidaturas/{id}.pdf: the profile as a printable ficha, cached under the publication generation like the page."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiohttp import web

from services.common.access import public
from services.common.boundary import path_int
from services.common.db import DB_POOL
from services.common.etiquetas import calidad, postulante_nombre
from services.common.tiempo import format_fecha
from services.common.web import REDIS, SETTINGS
from services.common.zona import request_zona

from . import ficha, perfil
from .cache import cached
from .filters import SEXOS
from .settings import PublicoSettings


def _ambito(c: dict[str, object]) -> str:
    if c["distrito"]:
        return f", distrito {c['distrito']}"
    return f", {c['municipio_nombre']}" if c["municipio_nombre"] else ""


def ficha_de(p: perfil.Perfil, tz: ZoneInfo, direccion: str) -> ficha.Ficha:
    """The profile worded as the page words it (same labels, same dates in the process's zone)."""
    c = dict(p.c)
    postulante = postulante_nombre(c["postulante_nombre"], c["postulante"], c["postulante_tipo"])
    if p.integrada_por:
        postulante += f", integrada por {p.integrada_por}"
    datos = [
        ("Cargo", f"{c['cargo_nombre']}{_ambito(c)}"),
        ("Postulante", postulante),
        ("Calidad", calidad(c["tipo"], c["sexo"]).capitalize()),
    ]
    if p.pareja is not None:
        datos.append(
            (f"{calidad(p.pareja['tipo'], p.pareja['sexo']).capitalize()} de la fórmula", p.pareja["nombre_completo"])
        )
    datos.append(("Sexo", SEXOS.get(c["sexo"]) or str(c["sexo"])))
    if c["edad"]:
        datos.append(("Edad", f"{c['edad']} años"))
    rubros = tuple(
        ficha.RubroFicha(
            titulo=r.rubro.titulo,
            datos=() if r.vacio else tuple((d.campo.label, d.texto or perfil.SIN_INFORMACION) for d in r.datos),
            procedencia=(
                f"Declarado por la candidatura el {format_fecha(r.declarado_at, tz)} · "
                f"revisado por el Instituto el {format_fecha(r.revisado_at, tz)}."
            ),
        )
        for r in p.rubros
    )
    return ficha.Ficha(
        nombre=c["nombre_completo"], datos=tuple(datos), rubros=rubros, grupos=tuple(p.grupos), direccion=direccion
    )


@public
async def show_pdf(request: web.Request) -> web.Response:
    candidatura_id = path_int(request)
    pool = request.app[DB_POOL]
    settings = request.app[SETTINGS]
    assert isinstance(settings, PublicoSettings)

    async def render() -> tuple[bytes, str]:
        found = await perfil.load(pool, candidatura_id)
        if found is None:
            raise web.HTTPNotFound(text="Esta candidatura no está publicada.")
        direccion = settings.public_url.rstrip("/") + str(request.app.router["perfil"].url_for(id=str(candidatura_id)))
        data = ficha.render(
            ficha_de(found, await request_zona(request), direccion),
            instituto=settings.instituto.nombre,
            sin_informacion=perfil.SIN_INFORMACION,
        )
        return data, "application/pdf"

    return await cached(request, request.app[REDIS], pool, settings.cache_ttl, render)


def add_routes(app: web.Application) -> None:
    # Before /candidaturas/{id}, whose {id} would otherwise match "7.pdf".
    app.router.add_get(r"/candidaturas/{id:\d+}.pdf", show_pdf, name="perfil-pdf")
