"""Validates every row of a candidacies file against the catalogs and against the rest of the file.

The result is either a list of errors (row, column, Spanish message) or normalized rows ready to insert, plus
the coaliciones, candidaturas comunes and independientes the file introduces. Nothing here does I/O.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import campos
from .campos import CampoInvalidoError
from .catalogo import Cargo, Catalogo
from .parse import Tabla, Value, fold

REQUIRED = (
    "cargo",
    "postulante",
    "numero",
    "tipo",
    "nombre",
    "primer_apellido",
    "sexo",
    "fecha_nacimiento",
    "curp",
)
OPTIONAL = (
    "distrito",
    "municipio",
    "circunscripcion",
    "partidos",
    "segundo_apellido",
    "sobrenombre",
    "clave_elector",
    "rfc",
    "correo",
    "telefono",
    "accion_afirmativa",
    "eleccion_consecutiva",
)
COLUMNS = REQUIRED[:1] + OPTIONAL[:3] + REQUIRED[1:2] + OPTIONAL[3:4] + REQUIRED[2:] + OPTIONAL[4:]
INDEPENDIENTE_RE = re.compile(r"^ind(?:ependiente)?\b[\s:\-]*(.+)$", re.IGNORECASE)
MAX_SIGLAS = 40


@dataclass(frozen=True)
class Problema:
    fila: int
    columna: str
    mensaje: str

    def as_json(self) -> dict[str, Any]:
        return {"fila": self.fila, "columna": self.columna, "mensaje": self.mensaje}


@dataclass
class Resultado:
    filas: list[dict[str, Any]] = field(default_factory=list)
    errores: list[Problema] = field(default_factory=list)
    # Postulantes the file creates, by their key in ``filas[i]["postulante"]``.
    nuevos: dict[str, dict[str, Any]] = field(default_factory=dict)


class _Fila:
    """Collects one row's errors so every problem of the row is reported, not just the first."""

    def __init__(self, numero: int, row: dict[str, Value], errores: list[Problema]) -> None:
        self.numero = numero
        self.row = row
        self.errores = errores
        self.ok = True

    def error(self, columna: str, mensaje: str) -> None:
        self.ok = False
        self.errores.append(Problema(self.numero, columna, mensaje))

    def check(self, columna: str, rule: Callable[..., None], *args: Any) -> None:
        """A rule over values already read (the CURP against the sex and the birth date)."""
        try:
            rule(*args)
        except CampoInvalidoError as exc:
            self.error(columna, str(exc))

    def get(self, columna: str, rule: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return rule(self.row.get(columna), *args, **kwargs)
        except CampoInvalidoError as exc:
            self.error(columna, str(exc))
            return None


def _siglas_libres(base: str, usadas: set[str]) -> str:
    base = base[:MAX_SIGLAS]
    candidate, n = base, 1
    while candidate.upper() in usadas:
        n += 1
        candidate = f"{base}-{n}"
    usadas.add(candidate.upper())
    return candidate


class _Postulantes:
    """Resolves the ``postulante``/``partidos`` columns to an existing postulante or one the file creates."""

    def __init__(self, catalogo: Catalogo, resultado: Resultado) -> None:
        self.catalogo = catalogo
        self.nuevos = resultado.nuevos
        self.usadas = set(catalogo.siglas_usadas)
        self.por_nombre: dict[str, str] = {}
        self.primera_fila: dict[str, int] = {}

    def resolve(self, fila: _Fila) -> str | None:
        valor = campos.text(fila.row.get("postulante"))
        partidos_txt = campos.text(fila.row.get("partidos"))
        if valor is None:
            fila.error("postulante", "Falta el postulante (siglas del partido, coalición, candidatura común o IND).")
            return None
        independiente = INDEPENDIENTE_RE.match(valor)
        if independiente and fold(valor) not in self.catalogo.postulantes:
            return self._independiente(fila, independiente.group(1).strip())
        existente = self.catalogo.postulantes.get(fold(valor))
        if existente is not None:
            if partidos_txt and existente.tipo == "partido":
                fila.error("partidos", f"«{existente.siglas}» es un partido: la columna partidos va vacía.")
            return f"id:{existente.id}"
        if not partidos_txt:
            fila.error(
                "postulante",
                f"El partido, coalición o candidatura común «{valor}» no existe. Para una coalición o candidatura "
                "común nueva escribe sus partidos en la columna partidos (por ejemplo PAN-PRI-PRD); para una "
                "candidatura independiente escribe IND y el nombre.",
            )
            return None
        return self._alianza(fila, valor, partidos_txt)

    def _independiente(self, fila: _Fila, nombre: str) -> str:
        key = f"nuevo:ind:{fold(nombre)}"
        if key not in self.nuevos:
            slug = re.sub(r"[^A-Z0-9]+", "-", fold(nombre).upper()).strip("-")
            self.nuevos[key] = {
                "siglas": _siglas_libres(f"IND-{slug}", self.usadas),
                "nombre": nombre,
                "tipo": "independiente",
                "partidos": [],
            }
        return key

    def _alianza(self, fila: _Fila, nombre: str, partidos_txt: str) -> str | None:
        siglas = [s.strip().upper() for s in re.split(r"[-,/+]", partidos_txt) if s.strip()]
        desconocidos = [s for s in siglas if s not in self.catalogo.partidos]
        for s in desconocidos:
            fila.error("partidos", f"El partido «{s}» de la columna partidos no existe.")
        if len(set(siglas)) < 2:
            fila.error("partidos", "Una coalición o candidatura común necesita al menos dos partidos distintos.")
        if desconocidos or len(set(siglas)) < 2:
            return None
        key = f"nuevo:{fold(nombre)}"
        ids = sorted({self.catalogo.partidos[s] for s in siglas})
        nuevo = self.nuevos.get(key)
        if nuevo is None:
            # The name says which it is: "Coalición …"; any other name is a candidatura común.
            tipo = "coalicion" if fold(nombre).startswith("coalicion") else "candidatura_comun"
            self.nuevos[key] = {
                "siglas": _siglas_libres("-".join(siglas), self.usadas),
                "nombre": nombre,
                "tipo": tipo,
                "partidos": ids,
            }
            self.primera_fila[key] = fila.numero
        elif nuevo["partidos"] != ids:
            fila.error(
                "partidos",
                f"«{nombre}» aparece con otros partidos en la fila {self.primera_fila[key]}.",
            )
            return None
        return key


def _ambito(fila: _Fila, catalogo: Catalogo, ambito: str) -> tuple[int | None, int | None, int | None]:
    distrito = municipio = circunscripcion = None
    if ambito == "distrito":
        distrito = fila.get("distrito", campos.entero, required=True, label="el distrito")
        if distrito is not None and distrito not in catalogo.distritos:
            fila.error("distrito", f"El distrito {distrito} no existe ({catalogo.distritos_texto()}).")
            distrito = None
    elif ambito == "municipio":
        raw = campos.text(fila.row.get("municipio"))
        if raw is None:
            fila.error("municipio", "Falta el municipio (clave INEGI o nombre).")
        else:
            municipio = catalogo.municipio(raw)
            if municipio is None:
                fila.error("municipio", f"El municipio «{raw}» no existe en {catalogo.entidad}.")
            elif not catalogo.municipios[municipio][1]:
                fila.error(
                    "municipio",
                    f"{catalogo.municipios[municipio][0]} ({municipio}) elige a sus autoridades por usos y "
                    "costumbres: no tiene elección de ayuntamiento.",
                )
                municipio = None
    else:
        circunscripcion = fila.get("circunscripcion", campos.entero)
    return distrito, municipio, circunscripcion


def _persona(fila: _Fila, catalogo: Catalogo, cargo: Cargo | None) -> dict[str, Any]:
    """The person's own columns, each checked alone and then against each other (CURP, RFC and clave de
    elector carry the sex and the birth date)."""
    sexo = fila.get("sexo", campos.sexo)
    nacimiento = fila.get("fecha_nacimiento", campos.fecha)
    curp = fila.get("curp", campos.curp)
    if curp is not None:
        fila.check("curp", campos.curp_coincide, curp, sexo, nacimiento)
    if nacimiento is not None:
        fila.check("fecha_nacimiento", campos.edad_plausible, nacimiento, catalogo.jornada)
        if cargo is not None:
            minima = catalogo.edades_minimas.get(cargo.clave, campos.EDAD_CIUDADANIA)
            nombre = cargo.nombre.lower()
            fila.check("fecha_nacimiento", campos.edad_minima, nacimiento, catalogo.jornada, minima, nombre)
    return {
        "nombre": fila.get("nombre", campos.text, required=True, label="el nombre"),
        "primer_apellido": fila.get("primer_apellido", campos.text, required=True, label="el primer apellido"),
        "segundo_apellido": fila.get("segundo_apellido", campos.text) or "",
        "sobrenombre": fila.get("sobrenombre", campos.text),
        "sexo": sexo,
        "fecha_nacimiento": nacimiento.isoformat() if nacimiento else None,
        "curp": curp,
        "clave_elector": fila.get("clave_elector", campos.clave_elector, sexo, nacimiento),
        "rfc": fila.get("rfc", campos.rfc, nacimiento),
        "correo": fila.get("correo", campos.correo),
        "telefono": fila.get("telefono", campos.telefono),
        "accion_afirmativa": fila.get("accion_afirmativa", campos.accion_afirmativa),
        "eleccion_consecutiva": fila.get("eleccion_consecutiva", campos.si_no),
    }


class _Unicos:
    """CURP and e-mail: once in the file, and not already held by a live registration of the process. An
    e-mail is where the account's password recovery goes, so two people cannot share one."""

    def __init__(self, catalogo: Catalogo) -> None:
        self.catalogo = catalogo
        self.curp_fila: dict[str, int] = {}
        self.correo_fila: dict[str, int] = {}

    def check(self, fila: _Fila, curp: str | None, correo: str | None) -> None:
        if curp is not None:
            if curp in self.curp_fila:
                fila.error("curp", f"La CURP {curp} ya aparece en la fila {self.curp_fila[curp]} de este archivo.")
            else:
                self.curp_fila[curp] = fila.numero
                if curp in self.catalogo.curps_registradas:
                    fila.error("curp", f"La CURP {curp} ya tiene un registro vigente en este proceso.")
        if correo is not None:
            key = correo.lower()  # as REGISTERED_EMAILS_SQL folds them
            if key in self.correo_fila:
                fila.error(
                    "correo",
                    f"El correo {correo} ya aparece en la fila {self.correo_fila[key]} de este archivo: cada persona "
                    "necesita su propio correo para recuperar su contraseña.",
                )
            else:
                self.correo_fila[key] = fila.numero
                if key in self.catalogo.correos_registrados:
                    fila.error("correo", f"El correo {correo} ya es de otra candidatura vigente en este proceso.")


def validate(tabla: Tabla, catalogo: Catalogo) -> Resultado:
    resultado = Resultado()
    faltan = [c for c in REQUIRED if c not in tabla.columnas]
    for columna in faltan:
        resultado.errores.append(Problema(1, columna, f"Falta la columna «{columna}» en la primera fila."))
    if faltan:
        return resultado
    if not tabla.filas:
        resultado.errores.append(Problema(1, "", "El archivo no tiene filas de candidaturas."))
        return resultado
    postulantes = _Postulantes(catalogo, resultado)
    unicos = _Unicos(catalogo)
    formulas: dict[tuple[object, ...], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    formula_fila: dict[tuple[object, ...], dict[str, Any]] = {}
    for numero, row in tabla.filas:
        fila = _Fila(numero, row, resultado.errores)
        cargo_txt = campos.text(row.get("cargo"))
        cargo = catalogo.cargo(cargo_txt) if cargo_txt else None
        if cargo is None:
            fila.error("cargo", f"El cargo «{cargo_txt or ''}» no existe." if cargo_txt else "Falta el cargo.")
            distrito = municipio = circunscripcion = None
        else:
            distrito, municipio, circunscripcion = _ambito(fila, catalogo, cargo.ambito)
        postulante = postulantes.resolve(fila)
        posicion = fila.get("numero", campos.entero, required=True, label="el número de fórmula, lista o posición")
        tipo = fila.get("tipo", campos.tipo)
        persona = _persona(fila, catalogo, cargo)
        unicos.check(fila, persona["curp"], persona["correo"])
        if cargo is not None and postulante is not None and posicion is not None and tipo is not None:
            key = (cargo.clave, distrito, municipio, circunscripcion, postulante, posicion)
            formulas[key][tipo].append(numero)
            formula_fila.setdefault(key, {"cargo": cargo.nombre})
            if postulante.startswith("id:"):
                registered = (cargo.clave, distrito, municipio, circunscripcion, int(postulante[3:]), posicion, tipo)
                if registered in catalogo.posiciones_registradas:
                    fila.error("numero", f"La posición {posicion} ({tipo}) de esta candidatura ya está registrada.")
        if fila.ok:
            assert cargo is not None
            resultado.filas.append(
                {
                    "fila": numero,
                    "cargo": cargo.clave,
                    "distrito": distrito,
                    "municipio": municipio,
                    "circunscripcion": circunscripcion,
                    "postulante": postulante,
                    "numero": posicion,
                    "tipo": tipo,
                    **persona,
                }
            )
    _check_formulas(formulas, formula_fila, resultado)
    resultado.errores.sort(key=lambda p: (p.fila, COLUMNS.index(p.columna) if p.columna in COLUMNS else 99))
    return resultado


def _check_formulas(
    formulas: dict[tuple[object, ...], dict[str, list[int]]],
    info: dict[tuple[object, ...], dict[str, Any]],
    resultado: Resultado,
) -> None:
    """One propietaria and one suplente per fórmula/position; a second one is a duplicated position."""
    for key, tipos in formulas.items():
        posicion = key[-1]
        cargo = info[key]["cargo"].lower()
        for tipo, otro in (("propietaria", "suplente"), ("suplente", "propietaria")):
            filas = tipos.get(tipo, [])
            for repetida in filas[1:]:
                resultado.errores.append(
                    Problema(
                        repetida,
                        "numero",
                        f"La posición {posicion} de {cargo} ya tiene {tipo} en la fila {filas[0]} "
                        "(posición duplicada).",
                    )
                )
            if filas and not tipos.get(otro):
                resultado.errores.append(
                    Problema(filas[0], "tipo", f"La fórmula {posicion} de {cargo} no tiene {otro} en el archivo.")
                )
