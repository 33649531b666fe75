"""The open-data release's contents, without I/O: its columns (the data dictionary), the row of one published
candidacy, the files, their checksums and the changelog against the previous release (docs/datos-abiertos.md).

Only what the public profile shows enters a row: the read model holds no CURP, RFC, clave de elector or birth
date, and the identity answers enter only as the group names a profile may show (``grupos_publicables``). Every
CSV and XLSX cell goes through ``services/common/celdas.py``.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from services.common import celdas
from services.common.etiquetas import calidad, postulante_nombre
from services.common.identidad import grupos_publicables
from services.common.marcadores import es_marcador

from .datos_escritura import EscritorRelease

SEXOS = {"mujer": "Mujer", "hombre": "Hombre", "no_binario": "No binario"}
REDES = ("facebook", "x", "youtube", "instagram", "tiktok", "otra_red")
# Several values in one cell (social networks, identity groups) are joined by this, which no address contains.
SEPARADOR = " | "


@dataclass(frozen=True)
class Columna:
    nombre: str
    descripcion: str
    tipo: str = "texto"  # texto, entero, fecha (ISO 8601 with offset)


# The INE download's column names first, in its order (docs/design.md §6), then the stable ids and INEGI keys.
COLUMNAS: tuple[Columna, ...] = (
    Columna("PARTIDO_COALICION", "Partido, coalición, candidatura común o candidatura independiente que postula."),
    Columna("CARGO", "Cargo por el que compite."),
    Columna("ENTIDAD", "Entidad federativa del proceso electoral."),
    Columna("DISTRITO_LOCAL", "Número de distrito local (diputaciones de mayoría relativa).", "entero"),
    Columna(
        "CIRCUNSCRIPCION",
        "Circunscripción plurinominal de las listas de representación proporcional (la del registro; si no la "
        "indica, 1: un proceso local tiene una sola, el estado). Vacía en los demás cargos.",
        "entero",
    ),
    Columna("MUNICIPIO", "Nombre del municipio (ayuntamientos)."),
    Columna("NUM_LISTA_O_FORMULA", "Número de fórmula, de posición en la lista o en la planilla.", "entero"),
    Columna("NOMBRE_CANDIDATO", "Nombre completo como se registró."),
    Columna("TIPO_CANDIDATO", "Propietaria o propietario, suplente."),
    Columna("EDAD", "Edad en años cumplidos al publicarse.", "entero"),
    Columna("SEXO", "Mujer, Hombre o No binario, como se registró."),
    Columna("DIRECCION_CASA_CAMPAÑA", "Dirección pública de la casa de campaña."),
    Columna("TELEFONO", "Teléfono público de la campaña."),
    Columna("CORREO_ELECTRONICO", "Correo electrónico público de la campaña."),
    Columna("PAGINA_WEB", "Página web."),
    Columna("REDES", "Redes sociales, separadas por « | »."),
    Columna("ESCOLARIDAD", "Grado máximo de estudios."),
    Columna("ESTATUS_ESCOLARIDAD", "Estatus del grado máximo de estudios."),
    Columna("CURSOS", "Otros cursos."),
    Columna("HISTORIA_PROFESIONAL", "Historia profesional y/o laboral."),
    Columna("TRAYECTORIA_POLITICA", "Trayectoria política y/o participación social."),
    Columna("MOTIVO_CARGO_PUBLICO", "¿Por qué quiere ocupar un cargo público?"),
    Columna("PROPUESTA_1", "Propuesta 1."),
    Columna("PROPUESTA_2", "Propuesta 2."),
    Columna("PROPUESTA_GENERO", "Propuesta en materia de género o del grupo en situación de discriminación."),
    Columna("ID_CANDIDATURA", "Identificador estable de la candidatura (el de /candidaturas/{id}).", "entero"),
    Columna("CLAVE_CARGO", "Clave del cargo en el catálogo del Instituto."),
    Columna("SIGLAS_POSTULANTE", "Siglas del partido, coalición o candidatura común."),
    Columna("TIPO_POSTULANTE", "partido, coalicion, candidatura_comun o independiente."),
    Columna("CVE_ENTIDAD_INEGI", "Clave de la entidad en el Marco Geoestadístico del INEGI."),
    Columna("CVE_MUNICIPIO_INEGI", "Clave del municipio (entidad y municipio, cinco cifras) del INEGI."),
    Columna("GRUPOS", "Grupos de identidad publicables (con consentimiento, o de la acción afirmativa), « | »."),
    Columna("DECLARADO_EL", "Fecha y hora en que la candidatura envió la información publicada.", "fecha"),
    Columna("REVISADO_EL", "Fecha y hora en que el Instituto la revisó.", "fecha"),
)
NOMBRES = tuple(c.nombre for c in COLUMNAS)

ARCHIVOS = {
    "candidaturas.csv": "text/csv; charset=utf-8",
    "candidaturas.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "candidaturas.json": "application/json",
    "diccionario.csv": "text/csv; charset=utf-8",
}


def _texto(value: object) -> str | None:
    """The answer as written, or None (a missing cell) when empty or a placeholder («N/A», «.»): the profile
    says «La candidatura no proporcionó información» for those, and the files must not say otherwise."""
    if value is None or es_marcador(value):
        return None
    text = str(value).strip()
    return text or None


def circunscripcion(ambito: str | None, registrada: int | None) -> int | None:
    """RP lists (cargos of ámbito estado) run in the state's one circunscripción unless the registry says which."""
    if ambito != "estado":
        return None
    return registrada if registrada is not None else 1


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def fila(row: Mapping[str, Any], entidad: str, cve_entidad: str | None) -> dict[str, Any]:
    """One published candidacy (a row of publico.candidaturas) as a release row, keyed by column name."""
    # A row some old test or tool stored as a JSON string holds no rubros anyone can read.
    curricular: Mapping[str, Any] = row["curricular"] if isinstance(row["curricular"], Mapping) else {}

    def campo(rubro: str, name: str) -> str | None:
        values = curricular.get(rubro)
        return _texto(values.get(name)) if isinstance(values, Mapping) else None

    redes = [r for r in (campo("contacto", n) for n in REDES) if r]
    identidad = row["identidad"] if isinstance(row["identidad"], Mapping) else None
    grupos = grupos_publicables(identidad, bool(row["identidad_publica"]), row["accion_afirmativa"])
    municipio = row["municipio"]
    values: dict[str, Any] = {
        "PARTIDO_COALICION": postulante_nombre(row["postulante_nombre"], row["postulante"], row["postulante_tipo"]),
        "CARGO": row["cargo_nombre"],
        "ENTIDAD": entidad,
        "DISTRITO_LOCAL": row["distrito"],
        "CIRCUNSCRIPCION": circunscripcion(row.get("cargo_ambito"), row.get("circunscripcion")),
        "MUNICIPIO": row["municipio_nombre"],
        "NUM_LISTA_O_FORMULA": row["numero"],
        "NOMBRE_CANDIDATO": row["nombre_completo"],
        "TIPO_CANDIDATO": calidad(row["tipo"], row["sexo"]),
        "EDAD": row["edad"],
        "SEXO": SEXOS.get(row["sexo"], row["sexo"]),
        "DIRECCION_CASA_CAMPAÑA": campo("contacto", "direccion_casa_campana"),
        "TELEFONO": campo("contacto", "telefono_publico"),
        "CORREO_ELECTRONICO": campo("contacto", "correo_publico"),
        "PAGINA_WEB": campo("contacto", "pagina_web"),
        "REDES": SEPARADOR.join(redes) or None,
        "ESCOLARIDAD": campo("formacion", "grado_maximo"),
        "ESTATUS_ESCOLARIDAD": campo("formacion", "estatus"),
        "CURSOS": campo("formacion", "cursos"),
        "HISTORIA_PROFESIONAL": campo("profesional", "historia_profesional"),
        "TRAYECTORIA_POLITICA": campo("trayectoria", "trayectoria_politica"),
        "MOTIVO_CARGO_PUBLICO": campo("trayectoria", "motivo_cargo_publico"),
        "PROPUESTA_1": campo("propuestas", "propuesta_1"),
        "PROPUESTA_2": campo("propuestas", "propuesta_2"),
        "PROPUESTA_GENERO": campo("propuestas", "propuesta_genero"),
        "ID_CANDIDATURA": row["id"],
        "CLAVE_CARGO": row["cargo"],
        "SIGLAS_POSTULANTE": row["postulante"],
        "TIPO_POSTULANTE": row["postulante_tipo"],
        "CVE_ENTIDAD_INEGI": cve_entidad,
        "CVE_MUNICIPIO_INEGI": f"{municipio:05d}" if municipio is not None else None,
        "GRUPOS": SEPARADOR.join(grupos) or None,
        "DECLARADO_EL": _iso(row["declarado_at"]),
        "REVISADO_EL": _iso(row["revisado_at"]),
    }
    return values


def huella(values: Mapping[str, Any]) -> str:
    """The content hash of one row: a candidacy whose hash changed between releases was corrected."""
    return hashlib.sha256(orjson.dumps(values, option=orjson.OPT_SORT_KEYS)).hexdigest()


def cambios(anteriores: Mapping[str, str], actuales: Mapping[str, str]) -> dict[str, list[int]]:
    """What changed since the previous release, by candidatura id: added, withdrawn, corrected."""
    return {
        "agregadas": sorted(int(i) for i in actuales.keys() - anteriores.keys()),
        "retiradas": sorted(int(i) for i in anteriores.keys() - actuales.keys()),
        "corregidas": sorted(int(i) for i in actuales.keys() & anteriores.keys() if actuales[i] != anteriores[i]),
    }


def _csv(encabezado: Sequence[Any], filas: Iterable[Sequence[Any]]) -> bytes:
    # UTF-8 with a BOM: without it Excel (the spreadsheet most readers open a CSV with) shows ñ and accents garbled;
    # every CSV library strips it (Python's "utf-8-sig", pandas, R's readr).
    buffer = io.StringIO()
    writer = celdas.writer(buffer, lineterminator="\r\n")
    writer.writerow(encabezado)
    writer.writerows(filas)
    return buffer.getvalue().encode("utf-8-sig")


def archivos(filas: Sequence[Mapping[str, Any]], numero: int, fecha: datetime) -> dict[str, bytes]:
    """The files of one release, in memory (tests, small tools; the release job streams them to disk with
    ``datos_escritura.EscritorRelease``, which this uses, so both give the same bytes). The JSON keeps values as
    data (no neutralising: no spreadsheet reads it)."""
    with tempfile.TemporaryDirectory() as folder:
        escritor = EscritorRelease(Path(folder), numero, fecha, len(filas), NOMBRES)
        escritor.add(filas)
        escritor.close(diccionario_csv())
        return {name: (Path(folder) / name).read_bytes() for name in ARCHIVOS}


def diccionario_csv() -> bytes:
    return _csv(("COLUMNA", "TIPO", "DESCRIPCION"), [(c.nombre, c.tipo, c.descripcion) for c in COLUMNAS])


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
