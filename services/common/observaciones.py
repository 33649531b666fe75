"""The catalog of grounds for an observation (docs/design.md §4, normalised)."""

from __future__ import annotations

FUNDAMENTOS = {
    "propuesta_copiada": "Propuesta copiada de otra candidatura",
    "lenguaje_discriminatorio": "Lenguaje sexista, ofensivo o discriminatorio",
    "otra_candidatura": "Menciona o muestra a otra candidatura o partido",
    "eslogan": "Usa lemas o imágenes de campaña",
    "contenido_restringido": "Contenido restringido por la ley electoral",
    "datos_sensibles": "Contiene datos personales sensibles",
    "incompleto": "Información incompleta o que no corresponde al rubro",
}

# The party's comments when its representante returns a version (optional party-validation step). Not a legal
# ground the institute may choose, so it stays out of FUNDAMENTOS; screens that show observations use ETIQUETAS.
PARTIDO = "partido"
ETIQUETAS = {**FUNDAMENTOS, PARTIDO: "Observación del partido"}
