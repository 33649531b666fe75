"""The cuestionario curricular as data (its five rubros and their fields), shared by every service that shows it.

How a rubro's form is cleaned, its limits and what makes it complete are capture rules: services/captura/curricular.py.
"""

from __future__ import annotations

from dataclasses import dataclass

GRADOS = (
    "Sin estudios",
    "Primaria",
    "Secundaria",
    "Preparatoria",
    "Técnica",
    "Licenciatura",
    "Especialidad",
    "Maestría",
    "Doctorado",
    "Postdoctorado",
)
ESTATUS_ESTUDIOS = (
    "Reconocimiento",
    "Carta pasante",
    "Constancia",
    "Certificado",
    "Título",
    "Cédula",
    "Cursando",
    "Trunco",
)


@dataclass(frozen=True)
class Campo:
    name: str
    label: str
    kind: str = "text"  # text, textarea, select, email, tel, url
    max_length: int = 300
    options: tuple[str, ...] = ()
    hint: str = ""
    # A url field that must point to one of these sites (a social network), or to any site when empty.
    hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rubro:
    clave: str
    titulo: str
    campos: tuple[Campo, ...]


LONG = 5000
PROPOSAL = 1600
RUBROS: tuple[Rubro, ...] = (
    Rubro(
        "contacto",
        "Datos generales y contacto público",
        (
            Campo("direccion_casa_campana", "Dirección de la casa de campaña"),
            Campo("telefono_publico", "Teléfono público", kind="tel", max_length=30),
            Campo("correo_publico", "Correo electrónico público", kind="email", max_length=254),
            Campo("pagina_web", "Página web", kind="url", max_length=500),
            Campo("facebook", "Facebook", kind="url", max_length=500, hosts=("facebook.com",)),
            Campo("x", "X (Twitter)", kind="url", max_length=500, hosts=("x.com", "twitter.com")),
            Campo("youtube", "YouTube", kind="url", max_length=500, hosts=("youtube.com",)),
            Campo("instagram", "Instagram", kind="url", max_length=500, hosts=("instagram.com",)),
            Campo("tiktok", "TikTok", kind="url", max_length=500, hosts=("tiktok.com",)),
            Campo("otra_red", "Otra red social", kind="url", max_length=500),
        ),
    ),
    Rubro(
        "formacion",
        "Formación académica",
        (
            Campo("grado_maximo", "Grado máximo de estudios", kind="select", options=GRADOS),
            Campo("estatus", "Estatus del grado máximo", kind="select", options=ESTATUS_ESTUDIOS),
            Campo("cursos", "Otros cursos (uno por línea)", kind="textarea", max_length=LONG),
        ),
    ),
    Rubro(
        "profesional",
        "Historia profesional y/o laboral",
        (Campo("historia_profesional", "Historia profesional y/o laboral", kind="textarea", max_length=LONG),),
    ),
    Rubro(
        "trayectoria",
        "Trayectoria política y/o participación social",
        (
            Campo(
                "trayectoria_politica",
                "Trayectoria política y/o participación social",
                kind="textarea",
                max_length=LONG,
            ),
            Campo("motivo_cargo_publico", "¿Por qué quiero ocupar un cargo público?", kind="textarea", max_length=LONG),
        ),
    ),
    Rubro(
        "propuestas",
        "Propuestas",
        (
            Campo("propuesta_1", "Propuesta 1", kind="textarea", max_length=PROPOSAL),
            Campo("propuesta_2", "Propuesta 2", kind="textarea", max_length=PROPOSAL),
            Campo(
                "propuesta_genero",
                "Propuesta en materia de género o del grupo en situación de discriminación",
                kind="textarea",
                max_length=PROPOSAL,
            ),
        ),
    ),
)
RUBROS_BY_KEY = {r.clave: r for r in RUBROS}
