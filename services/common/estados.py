"""The states of a questionnaire (DESIGN.md §4), as every service names and shows them."""

STATE_LABELS = {
    "pendiente": "Pendiente",
    "en_captura": "En captura",
    "revision_partido": "En revisión del partido",
    "enviado": "Enviado a validación",
    "con_observaciones": "Con observaciones",
    "validado": "Validado",
    "publicado": "Publicado",
    "en_correccion": "En corrección",
    "retirado": "Retirado",
    "pausado": "Pausado",
}
