"""The avisos de privacidad as transparencia edits them: what a new version may say, and the SQL that stores it.

``publico.avisos_privacidad`` (migrations/0030_paginas_publicas.sql) is publico's, so the edit screen is publico's
too (avisos_views.py, under ``/validacion/transparencia/avisos`` by gateway/routing.py): one service writes the
table and /privacidad reads it on every request (its cache key carries the versions in force), so a new version
shows on the next page without a job or a publication. A new text is a new row; nothing is ever updated.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

TIPOS = ("simplificado", "integral")
MIN_TEXTO = 50
MAX_TEXTO = 50_000  # the table's CHECK

# Every version of both kinds, newest first: the screen's history and /privacidad's earlier versions.
VERSIONES_SQL = """
SELECT id, tipo, version, texto, predeterminado, vigente_desde,
       lag(vigente_desde) OVER (PARTITION BY tipo ORDER BY version DESC) AS vigente_hasta
FROM publico.avisos_privacidad ORDER BY tipo, version DESC
"""
# The next version only if the editor started from the one in force ($3): otherwise someone published meanwhile.
# Two editors racing on the same version both pass the HAVING; UNIQUE (tipo, version) refuses the second.
INSERT_SQL = """
INSERT INTO publico.avisos_privacidad (tipo, version, texto)
SELECT $1, coalesce(max(version), 0) + 1, $2 FROM publico.avisos_privacidad WHERE tipo = $1
HAVING coalesce(max(version), 0) = $3
RETURNING id, version, vigente_desde
"""


class AvisoForm(BaseModel):
    model_config = ConfigDict(extra="ignore")
    texto: str = Field(max_length=MAX_TEXTO)
    version_base: int = Field(ge=0, le=1_000_000)

    @field_validator("texto", mode="before")
    @classmethod
    def _texto(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        # Browsers send CRLF; paragraphs are blank-line separated (paginas.parrafos).
        value = value.replace("\r\n", "\n").strip()
        if not value:
            raise ValueError("Escribe el texto del aviso.")
        if len(value) < MIN_TEXTO:
            raise ValueError(
                f"El texto es demasiado corto: escribe el aviso completo (al menos {MIN_TEXTO} caracteres)."
            )
        return value

    @field_validator("version_base", mode="before")
    @classmethod
    def _version(cls, value: Any) -> Any:
        if value in (None, ""):
            raise ValueError("Vuelve a cargar la página e inténtalo de nuevo.")
        return value
