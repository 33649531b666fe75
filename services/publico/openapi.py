"""The OpenAPI 3 document of the public API (``/api/v1/openapi.json``), generated from the code that answers.

The answers are described by the pydantic models below, the list's query parameters by the filter table
(``filters.FILTROS`` through the validation model it builds), so a new filter row is documented by itself.
``OPERACIONES`` lists every API route; ``tests/test_datos.py`` checks it against the router both ways. A new API
route adds one ``Operacion`` here (for example ``/api/v1/estadisticas``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field, create_model
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from services.common.access import public
from services.common.instituto import Instituto

from .filters import FILTROS, ListFilters

API_PREFIX = "/api/v1/"


class Problema(BaseModel):
    """Every error: a Spanish message and, for invalid parameters, one entry per field."""

    error: str
    details: list[dict[str, str]] | None = None


class Candidatura(BaseModel):
    id: int = Field(description="Identificador estable (el de /candidaturas/{id}).")
    nombre: str
    cargo: str = Field(description="Clave del cargo (catálogo /api/v1/catalogos/cargos).")
    cargo_nombre: str
    postulante: str = Field(description="Siglas del postulante (catálogo /api/v1/catalogos/postulantes).")
    postulante_nombre: str
    postulante_tipo: str | None
    distrito: int | None
    municipio: int | None = Field(description="Clave INEGI del municipio.")
    municipio_nombre: str | None
    numero: int = Field(description="Fórmula o posición en la lista o planilla.")
    tipo: str = Field(description="propietaria o suplente, como se registró.")
    calidad: str = Field(description="Propietaria, propietario, suplente… como se lee.")
    sexo: str
    edad: int | None
    foto: str | None = Field(description="Dirección de la fotografía publicada.")


class CandidaturaDetalle(Candidatura):
    curricular: dict[str, Any] = Field(description="Los cinco rubros, con las claves de docs/datos-abiertos.md.")
    declarado_at: str = Field(description="ISO 8601: cuándo la candidatura envió lo publicado.")
    revisado_at: str = Field(description="ISO 8601: cuándo lo revisó el Instituto.")


class CandidaturaResumen(Candidatura):
    url: str = Field(description="El registro completo, con el cuestionario curricular: /api/v1/candidaturas/{id}.")


class ListaCandidaturas(BaseModel):
    total: int
    siguiente: str | None = Field(description="Cursor de la página siguiente (parámetro cursor); null al final.")
    resultados: list[CandidaturaResumen] = Field(
        description="Un resumen por candidatura (sin el cuestionario): el registro completo está en su url."
    )


class Archivo(BaseModel):
    nombre: str
    tipo: str
    bytes: int
    sha256: str
    url: str | None = Field(description="null cuando los archivos de esa publicación ya se borraron.")


class Cambios(BaseModel):
    agregadas: list[int]
    retiradas: list[int]
    corregidas: list[int]


class Publicacion(BaseModel):
    numero: int
    fecha: str = Field(description="ISO 8601 con zona.")
    total: int
    cambios: Cambios = Field(description="Identificadores de candidatura, respecto de la publicación anterior.")
    disponible: bool = Field(
        description="false: sus archivos ya se borraron (se conservan los de las más recientes); quedan las sumas."
    )
    archivos: list[Archivo]


class ListaPublicaciones(BaseModel):
    publicaciones: list[Publicacion]


class Cargo(BaseModel):
    clave: str
    nombre: str
    ambito: str
    orden: int


class Postulante(BaseModel):
    siglas: str
    nombre: str
    tipo: str
    partidos: list[str] = Field(description="Siglas de los partidos de una coalición o candidatura común.")
    nombre_publico: str


class Distrito(BaseModel):
    numero: int
    cabecera: str
    municipio_cabecera: int | None


class Municipio(BaseModel):
    clave: int = Field(description="Clave INEGI (entidad y municipio).")
    nombre: str
    cabecera: str


class Celda(BaseModel):
    etiqueta: str
    valor: int | None = Field(description="null cuando la celda se suprime (menos de 5 personas, o complementaria)")
    suprimida: bool
    motivo: str | None = Field(None, description="menor_que_5 o complementaria")


class Tabla(BaseModel):
    titulo: str
    celdas: list[Celda]
    total: Celda | None
    nota: str | None


class Avance(BaseModel):
    etiqueta: str
    registradas: int = Field(description="Candidaturas registradas (sin sustituidas ni canceladas).")
    enviadas: int = Field(description="Enviaron su cuestionario curricular al Instituto al menos una vez.")
    validadas: int = Field(description="Su cuestionario curricular fue validado.")
    publicadas: int = Field(description="Publicadas en este sitio.")


class AvanceEstadisticas(BaseModel):
    """Avance de captura y publicación: conteos de candidaturas, no datos de personas; nunca se suprimen."""

    al: str | None = Field(description="Cuándo se calcularon las cifras (ISO 8601); null si aún no hay.")
    cargo: list[Avance]
    postulante: list[Avance]


class Estadisticas(BaseModel):
    filtros: dict[str, str | None]
    tablas: dict[str, Tabla]
    avance: AvanceEstadisticas


def _lista(model: type[BaseModel]) -> type[BaseModel]:
    lista: type[BaseModel] = create_model(f"Lista{model.__name__}s", resultados=(list[model], ...))  # type: ignore[valid-type]
    return lista


@dataclass(frozen=True)
class Operacion:
    ruta: str  # as aiohttp declares it: /api/v1/candidaturas/{id}
    resumen: str
    respuesta: type[BaseModel]
    filtros: bool = False  # takes the list's filters and cursor


OPERACIONES: tuple[Operacion, ...] = (
    Operacion("/api/v1/candidaturas", "Candidaturas publicadas, con filtros y paginación", ListaCandidaturas, True),
    Operacion("/api/v1/candidaturas/{id}", "Una candidatura publicada", CandidaturaDetalle),
    Operacion("/api/v1/catalogos/cargos", "Catálogo de cargos", _lista(Cargo)),
    Operacion(
        "/api/v1/catalogos/postulantes",
        "Partidos, coaliciones, candidaturas comunes e independientes",
        _lista(Postulante),
    ),
    Operacion("/api/v1/catalogos/distritos", "Distritos locales", _lista(Distrito)),
    Operacion("/api/v1/catalogos/municipios", "Municipios", _lista(Municipio)),
    Operacion("/api/v1/datos", "Publicaciones de datos abiertos (archivos, SHA-256, cambios)", ListaPublicaciones),
    Operacion("/api/v1/estadisticas", "Estadísticas agregadas (celdas de menos de 5 suprimidas)", Estadisticas),
)
DOCUMENT_ROUTE = "/api/v1/openapi.json"


def _parametros() -> list[dict[str, Any]]:
    """The list's query parameters, from the validation model the filter table builds."""
    schema = ListFilters.model_json_schema()
    etiquetas = {f.nombre: f.etiqueta for f in FILTROS}
    etiquetas |= {"cursor": "Cursor de la página siguiente (campo siguiente)", "limite": "Resultados por página"}
    out = []
    for name, prop in schema["properties"].items():
        prop = {k: v for k, v in prop.items() if k != "title"}
        out.append(
            {"name": name, "in": "query", "required": False, "description": etiquetas.get(name, name), "schema": prop}
        )
    return out


def document(instituto: Instituto | None = None) -> dict[str, Any]:
    instituto = instituto or Instituto()
    modo: JsonSchemaMode = "serialization"
    models = [(op.respuesta, modo) for op in [*OPERACIONES, Operacion("", "", Problema)]]
    refs, definitions = models_json_schema(models, ref_template="#/components/schemas/{model}")
    problema = {"description": "Error", "content": {"application/json": {"schema": refs[(Problema, "serialization")]}}}
    paths: dict[str, Any] = {}
    for op in OPERACIONES:
        parameters = _parametros() if op.filtros else []
        if "{id}" in op.ruta:
            parameters.append({"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}})
        responses: dict[str, Any] = {
            "200": {
                "description": "Correcto",
                "content": {"application/json": {"schema": refs[(op.respuesta, "serialization")]}},
            },
            "429": {**problema, "description": "Demasiadas solicitudes: esperar los segundos de Retry-After"},
        }
        if op.filtros:
            responses["422"] = {**problema, "description": "Parámetros no válidos"}
        if "{" in op.ruta:
            responses["404"] = {**problema, "description": "No publicada"}
        paths[op.ruta] = {"get": {"summary": op.resumen, "parameters": parameters, "responses": responses}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Conóceles: API pública de {instituto.siglas}",
            "version": "1",
            "description": (
                f"Candidaturas publicadas por {instituto.nombre} ({instituto.entidad}). Sin autenticación; "
                "límite de solicitudes por minuto por dirección (429 con Retry-After). Orden neutral: cargo y "
                "ámbito, posición, apellido. Ver docs/api.md."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": definitions.get("$defs", {})},
    }


@public
async def show_openapi(request: web.Request) -> web.Response:
    return web.json_response(document(), headers={"Cache-Control": "public, max-age=300"})


def add_routes(app: web.Application) -> None:
    app.router.add_get(DOCUMENT_ROUTE, show_openapi, name="api-openapi")
