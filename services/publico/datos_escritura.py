"""The release's files written row by row into a folder: memory stays flat however many candidacies there are.

The CSV is the ``celdas`` writer's output, encoded chunk by chunk (with the BOM first); the JSON is orjson's
compact document, written as its head, the rows one by one and its tail (both the bytes ``datos.archivos``
always produced); the XLSX is xlsxwriter's ``constant_memory`` workbook (``celdas.HojaXlsxGrande``), which
keeps its sheet in a temporary file in the folder until it is saved. Checksums and sizes of the CSV and JSON
are computed while they are written; the XLSX's after its save, by reading it back in chunks.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from services.common import celdas

CHUNK = 1 << 20
BOM = "\ufeff".encode()


@dataclass(frozen=True)
class Archivo:
    bytes: int
    sha256: str


class Suma:
    """A binary file that counts and hashes every byte written to it."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.size = 0
        self._hash = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.raw.write(data)
        self._hash.update(data)
        self.size += len(data)

    def archivo(self) -> Archivo:
        return Archivo(bytes=self.size, sha256=self._hash.hexdigest())


def suma_de(path: Path) -> Archivo:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
            size += len(block)
    return Archivo(bytes=size, sha256=digest.hexdigest())


class CsvIncremental:
    """UTF-8 with a BOM, CRLF, every cell through ``celdas``: ``datos._csv``'s bytes (``celdas.lineas_csv`` is
    the ``celdas.writer`` text, built faster), in chunks."""

    def __init__(self, out: Suma, encabezado: Sequence[Any]) -> None:
        self.out = out
        out.write(BOM)
        self.add([encabezado])

    def add(self, filas: Sequence[Sequence[Any]]) -> None:
        self.out.write(celdas.lineas_csv(filas).encode())


class JsonIncremental:
    """``orjson.dumps({"publicacion", "fecha", "total", "candidaturas": [...]})``, one row at a time."""

    def __init__(self, out: Suma, numero: int, fecha: datetime, total: int) -> None:
        self.out = out
        self.total = total
        self.written = 0
        head = orjson.dumps({"publicacion": numero, "fecha": fecha.isoformat(), "total": total, "candidaturas": []})
        if not head.endswith(b"[]}"):
            raise AssertionError("the document's rows must be its last key")
        out.write(head[:-2])

    def add(self, filas: Sequence[Mapping[str, Any]]) -> None:
        for fila in filas:
            self.out.write((b"," if self.written else b"") + orjson.dumps(fila))
            self.written += 1

    def close(self) -> None:
        # The head promised ``total``: a document with another count would contradict itself.
        if self.written != self.total:
            raise RuntimeError(f"the release announced {self.total} candidacies and read {self.written}")
        self.out.write(b"]}")


class EscritorRelease:
    """The four files of one release in ``carpeta``, fed with chunks of rows (``datos.fila``'s dictionaries)."""

    def __init__(self, carpeta: Path, numero: int, fecha: datetime, total: int, nombres: Sequence[str]) -> None:
        self.carpeta = carpeta
        self.nombres = tuple(nombres)
        carpeta.mkdir(parents=True, exist_ok=True)
        self._handles = {n: open(carpeta / n, "wb") for n in ("candidaturas.csv", "candidaturas.json")}
        self._csv_out = Suma(self._handles["candidaturas.csv"])
        self._json_out = Suma(self._handles["candidaturas.json"])
        self._csv = CsvIncremental(self._csv_out, self.nombres)
        self._json = JsonIncremental(self._json_out, numero, fecha, total)
        xlsx = carpeta / "candidaturas.xlsx"
        self._xlsx = celdas.HojaXlsxGrande(xlsx, self.nombres, creado=fecha, hoja="candidaturas")

    def add(self, filas: Sequence[Mapping[str, Any]]) -> None:
        tabla = [[f.get(n) for n in self.nombres] for f in filas]
        self._csv.add(tabla)
        for values in tabla:
            self._xlsx.append(values)
        self._json.add(filas)

    def close(self, diccionario: bytes) -> dict[str, Archivo]:
        """Finish every file (flushed to disk) and return each one's size and checksum, by name."""
        self._json.close()
        for handle in self._handles.values():
            _sync(handle)
            handle.close()
        xlsx = self.carpeta / "candidaturas.xlsx"
        self._xlsx.save()
        descriptor = os.open(xlsx, os.O_RDONLY)
        try:
            os.fsync(descriptor)  # xlsxwriter closes its zip without syncing it
        finally:
            os.close(descriptor)
        with open(self.carpeta / "diccionario.csv", "wb") as handle:
            handle.write(diccionario)
            _sync(handle)
        return {
            "candidaturas.csv": self._csv_out.archivo(),
            "candidaturas.xlsx": suma_de(xlsx),
            "candidaturas.json": self._json_out.archivo(),
            "diccionario.csv": Archivo(bytes=len(diccionario), sha256=hashlib.sha256(diccionario).hexdigest()),
        }

    def abort(self) -> None:
        for handle in self._handles.values():
            handle.close()


def _sync(handle: BinaryIO) -> None:
    # The folder is renamed into place right after: its files must be on disk before the rename is.
    handle.flush()
    os.fsync(handle.fileno())
