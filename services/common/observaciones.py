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

# Which catalog applies to which questionnaire is declared in services/common/cuestionarios.py (FORMAS).
# The cuestionario de identidad is a self-identification: its answers are not judged like curricular texts
# (nobody observes that a proposal was copied), only whether they can be published as they were given.
FUNDAMENTOS_IDENTIDAD = {
    "datos_terceros": "Contiene datos sensibles de terceros",
    "respuesta_incongruente": "Respuesta incongruente con las demás respuestas",
    "informacion_incompleta": "Información incompleta (por ejemplo, «Otro» sin especificar)",
    "lenguaje_discriminatorio": FUNDAMENTOS["lenguaje_discriminatorio"],
    # The free texts of an option that asks to specify are the only place a person can type anything: a CURP, a
    # phone or an address there would be published beside a self-identification.
    "datos_identificables": "El texto «especificar» contiene datos que identifican a la persona (CURP, teléfono…)",
    "especificacion_no_corresponde": "El texto «especificar» no corresponde a la opción elegida",
    "otra_candidatura": FUNDAMENTOS["otra_candidatura"],
}


# The party's comments when its representante returns a version (optional party-validation step). Not a legal
# ground the institute may choose, so it stays out of FUNDAMENTOS; screens that show observations use ETIQUETAS.
PARTIDO = "partido"
ETIQUETAS = {**FUNDAMENTOS, **FUNDAMENTOS_IDENTIDAD, PARTIDO: "Observación del partido"}
