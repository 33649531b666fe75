"""Personal data in one free text: identifiers, contact data, street addresses and the special categories of the
LFPDPPP (health, religion, sexual orientation, union membership) stated about the person.

``buscar(texto)`` returns every hit as a :class:`Coincidencia` with its span in characters of ``texto``. The
patterns aim at data about a person, not at topics: «mejorar los servicios de salud» or «la avenida Madero» are
proposals, «padezco diabetes» or «calle Allende 245, col. Centro» are personal data. Years and ranges
(«2018-2021», «1990 a 2000»), money and counts are never phone numbers. Pure: no I/O.

The labelled sentences in tests/unit/datos/sensibles_etiquetado.tsv measure it (tests/unit/test_sensibles.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from services.common import curp as curp_rules

CURP = "curp"
RFC = "rfc"
CLAVE_ELECTOR = "clave_elector"
TELEFONO = "telefono"
CORREO = "correo"
DOMICILIO = "domicilio"
TERCERO = "tercero"  # another person's phone or e-mail, next to their name or their relation to the candidate
SALUD = "salud"
RELIGION = "religion"
ORIENTACION_SEXUAL = "orientacion_sexual"
SINDICAL = "afiliacion_sindical"

CLASES: tuple[str, ...] = (
    CURP,
    RFC,
    CLAVE_ELECTOR,
    TELEFONO,
    CORREO,
    DOMICILIO,
    TERCERO,
    SALUD,
    RELIGION,
    ORIENTACION_SEXUAL,
    SINDICAL,
)
# What a public contact field is for: a phone, an e-mail or the campaign office there is not a finding.
CONTACTO = frozenset({TELEFONO, CORREO, DOMICILIO, TERCERO})
# The LFPDPPP's sensitive categories; the cuestionario de identidad asks for them on purpose.
CATEGORIAS_ESPECIALES = frozenset({SALUD, RELIGION, ORIENTACION_SEXUAL, SINDICAL})


@dataclass(frozen=True)
class Coincidencia:
    clase: str
    inicio: int
    fin: int
    fragmento: str


_F = re.IGNORECASE | re.UNICODE

# --- identifiers --------------------------------------------------------------------------------------------

_CURP_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{4}\d{6}[HMXhmx][A-Za-z]{5}[A-Za-z0-9]\d(?![A-Za-z0-9])")
_RFC_RE = re.compile(
    r"(?<![A-Za-z0-9Ññ&])[A-ZÑ&]{4}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[A-Z0-9]{2}[A0-9](?![A-Za-z0-9])"
)
_CLAVE_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{6}\d{8}[HMX]\d{3}(?![A-Za-z0-9])")

# --- contact ------------------------------------------------------------------------------------------------

_CORREO_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", _F)
# A run of digits with the separators people put in phone numbers, optionally after +52 / (lada).
_TELEFONO_RE = re.compile(
    r"(?<![\w$.,/])(?:\+\s?52[\s.-]*(?:1[\s.-]*)?)?(?:\(\s*\d{2,3}\s*\)[\s.-]*)?\d(?:[ .-]?\d){6,12}(?![\w%/:])"
)
_MILES_RE = re.compile(r"^\d{1,3}(?:[ .]\d{3})+$")  # 1 200 000 000: a quantity, not a phone
_FECHA_RE = re.compile(r"(?:19|20)\d\d-[01]\d-[0-3]\d|[0-3]?\d[-.][01]?\d[-.](?:19|20)\d\d")  # 2024-03-16, 16-03-2024

# --- street addresses ---------------------------------------------------------------------------------------

_MESES = "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
_VIA = (
    r"(?:calle|c\.|av\.?|avenida|blvd\.?|bulevar|boulevard|calzada|calz\.|privada|priv\.|andador|callej[oó]n"
    r"|cerrada)"
)
# The street's name: capitalized words, connectors, or a date («5 de Febrero»); then the number.
_NOMBRE_VIA = rf"(?:(?:(?-i:[A-ZÁÉÍÓÚÑ][\wáéíóúñü.]*)|\d{{1,2}}\s+de\s+(?:{_MESES})|de|del|la|las|los|el|y)\s+){{1,6}}?"
_UNIDADES = rf"(?:%|km|kil[oó]metros|metros|m\b|carriles|cuadras|años|veces|calles|colonias|de\s+(?:{_MESES}))"
_CALLE_RE = re.compile(
    rf"\b{_VIA}\s+{_NOMBRE_VIA}(?:#\s*|n[uú]m\.?\s*|no\.\s*|n[uú]mero\s+)?\d{{1,5}}"
    rf"(?:\s*(?:int\.?|interior|depto\.?|-)\s*\w+)?(?!\s*{_UNIDADES})\b",
    _F,
)
_COLONIA_RE = re.compile(r"\b(?:col\.|colonia|fracc\.|fraccionamiento)\s+(?:[A-ZÁÉÍÓÚÑ0-9][\wáéíóúñ.]*\s?){1,4}")
_CP_RE = re.compile(r"\b(?:C\.\s?P\.|CP|c[oó]digo postal)\s*:?\s*\d{5}\b", _F)

# --- people -------------------------------------------------------------------------------------------------

_NOMBRE = r"[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+"
_PARENTESCO = (
    r"(?:espos[oa]|herman[oa]|madre|padre|mam[aá]|pap[aá]|hij[oa]|t[ií][oa]|prim[oa]|abuel[oa]|pareja|novi[oa]|"
    r"suegr[oa]|cuñad[oa]|sobrin[oa]|asistente|secretari[oa]|coordinador(?:a)?|suplente|compañer[oa]|amig[oa]|"
    r"vecin[oa]|colaborador(?:a)?|chofer|representante|enlace|contadora?|abogad[oa]|vocer[oa]|jef[ea]\s+de\s+prensa)"
)
# The phone or e-mail is someone else's: their name with a title, a relation, or «con/a Nombre Apellido».
_TERCERO_RE = re.compile(
    rf"(?:\b(?:Sr|Sra|Srta|Lic|Ing|Dr|Dra|Mtro|Mtra|Prof|Profa|C)\.?\s+{_NOMBRE}"
    rf"|\b(?i:señora|señor|licenciada|licenciado|doctora|doctor|maestra|maestro|profesora|profesor)\s+{_NOMBRE}"
    rf"|\b(?i:mi|mis|nuestr[oa]|su)\s+{_PARENTESCO}\b"
    r"|\b(?i:su)\s+(?:tel[eé]fono|celular|cel|correo|n[uú]mero|whatsapp)\b"
    rf"|\b(?:con|a)\s+{_NOMBRE}\s+{_NOMBRE})"
)

# --- special categories (said of the person, or of their family) --------------------------------------------

_ENFERMEDAD = (
    r"(?:diabetes|c[aá]ncer|vih|sida|vph|hipertensi[oó]n|depresi[oó]n|ansiedad|epilepsia|lupus|artritis|"
    r"esclerosis(?:\s+m[uú]ltiple)?|leucemia|linfoma|tumor|hepatitis|insuficiencia\s+renal|cirrosis|asma|"
    r"autismo|tdah|esquizofrenia|trastorno\s+\w+|covid(?:-19)?|obesidad|fibromialgia|parkinson|alzheimer|"
    r"alcoholismo|una\s+adicci[oó]n|adicciones|quimioterapias?|hemodi[aá]lisis|di[aá]lisis|cardiopat[ií]a|"
    r"un\s+infarto|una\s+embolia|un\s+derrame\s+cerebral|s[ií]ndrome\s+de\s+down|discapacidad\s+\w+|"
    r"una\s+discapacidad|ceguera|sordera|baja\s+visi[oó]n|bipolaridad|anorexia|bulimia|tuberculosis)"
)
_ENFERMO = r"(?:diab[eé]tic[oa]|hipertens[oa]|seropositiv[oa]|epil[eé]ptic[oa]|asm[aá]tic[oa]|bipolar|cel[ií]ac[oa])"
_SALUD_RE = re.compile(
    rf"\b(?:(?:padezco|padec[ií]|sufro(?:\s+de)?|sufr[ií](?:\s+de)?|vivo\s+con|viv[ií]\s+con|tengo|tuve|me\s+(?:diagnosticaron|"
    rf"detectaron|operaron\s+de|trataron\s+(?:de|por))|fui\s+diagnosticad[oa]\s+con|me\s+recuper[eé]\s+de|"
    rf"super[eé]|(?:soy|como)\s+sobreviviente\s+de|estoy\s+en\s+tratamiento\s+(?:de|contra|por)|"
    rf"recib[ií]|recibo)\s+(?:(?:un|una|el|la|del)\s+)?{_ENFERMEDAD}"
    rf"|soy\s+{_ENFERMO}"
    rf"|soy\s+paciente\s+(?:renal|oncol[oó]gic[oa]|psiqui[aá]tric[oa]|de\s+\w+|con\s+\w+)"
    rf"|estoy\s+embarazada"
    rf"|mi\s+(?:diagn[oó]stico|enfermedad|padecimiento|tratamiento\s+(?:de|contra|m[eé]dico)|estado\s+de\s+salud|"
    rf"condici[oó]n\s+de\s+salud|problemas?\s+de\s+salud|cirug[ií]a|discapacidad)(?:\s+(?:de|del)\s+{_ENFERMEDAD})?"
    rf"|mi\s+{_PARENTESCO}(?:\s+\w+)?\s+(?:tiene|padece|padeci[oó]|sufre|vive\s+con|muri[oó]\s+de|"
    rf"fue\s+diagnosticad[oa]\s+con)\s+(?:(?:de|un|una)\s+)?{_ENFERMEDAD})",
    _F,
)
_RELIGION_TERMINO = (
    r"(?:cat[oó]lic[oa]|cristian[oa]|evang[eé]lic[oa]|testigo\s+de\s+jehov[aá]|morm[oó]n|mormona|jud[ií][oa]|"
    r"musulm[aá]n|musulmana|budista|ate[oa]|agn[oó]stic[oa]|adventista|pentecostal|protestante|"
    r"bautista|presbiterian[oa])"
)
_RELIGION_RE = re.compile(
    rf"\b(?:soy\s+(?:una\s+|un\s+)?(?:persona\s+|mujer\s+|hombre\s+)?{_RELIGION_TERMINO}(?:\s+practicante)?"
    rf"|profeso\s+(?:la\s+)?(?:religi[oó]n|fe)\s+\w+"
    rf"|mi\s+(?:religi[oó]n|fe\s+(?:cat[oó]lica|cristiana|evang[eé]lica|religiosa|en\s+dios)|iglesia|congregaci[oó]n)"
    rf"|mis\s+creencias\s+religiosas"
    rf"|pertenezco\s+a\s+la\s+iglesia(?:\s+[\wáéíóú]+){{0,4}}"
    rf"|(?:soy|fui)\s+(?:catequista|di[aá]cono|pastora?|ministro\s+de\s+culto|sacerdote|monja|religiosa)"
    rf"|asisto\s+(?:a\s+misa|al\s+templo|a\s+la\s+iglesia|al\s+culto)"
    rf"|me\s+congrego\s+en(?:\s+[\wáéíóú]+){{1,4}})",
    _F,
)
_ORIENTACION_RE = re.compile(
    r"\b(?:soy\s+(?:un\s+|una\s+)?(?:hombre\s+|mujer\s+|persona\s+)?(?:gay|lesbiana|bisexual|homosexual|heterosexual|"
    r"pansexual|asexual|queer|trans(?:g[eé]nero|exual)?|no\s+binari[oa])"
    r"|(?:soy|como)\s+(?:una\s+|un\s+)?(?:mujer|hombre|persona)\s+(?:trans|lesbiana|gay|bisexual|no\s+binari[oa])\b"
    r"|mi\s+(?:orientaci[oó]n\s+sexual|identidad\s+de\s+g[eé]nero|preferencia\s+sexual|vida\s+sexual)"
    r"|sal[ií]\s+del\s+cl[oó]set)",
    _F,
)
_SINDICAL_RE = re.compile(
    r"\b(?:(?:soy|fui|estoy|he\s+sido)\s+(?:afiliad[oa]|agremiad[oa]|miembro|integrante|delegad[oa]|"
    r"secretari[oa]\s+general)\s+(?:al|del|de\s+la|de)\s+(?:sindicato|secci[oó]n\s+\w+\s+del\s+\w+|SNTE|CNTE|"
    r"STASPE|SUTERM|STPRM|CTM|CROC)[\wáéíóú ]{0,40}?(?=[,.;]|$)"
    r"|mi\s+(?:afiliaci[oó]n|militancia)\s+sindical"
    r"|pertenezco\s+al\s+(?:sindicato|SNTE|CNTE)(?:\s+[\wáéíóú]+){0,5})",
    _F,
)


_ABREVIATURA_RE = re.compile(r"\b(Sr|Sra|Srta|Lic|Ing|Dr|Dra|Mtro|Mtra|Prof|Profa|C|Tel|Cel|No|Núm)\.")


def _hits(clase: str, pattern: re.Pattern[str], texto: str) -> Iterable[Coincidencia]:
    for m in pattern.finditer(texto):
        fragmento = m.group(0).rstrip(" ,;")
        yield Coincidencia(clase, m.start(), m.start() + len(fragmento), fragmento)


def _curps(texto: str) -> Iterable[Coincidencia]:
    for m in _CURP_RE.finditer(texto):
        valor = m.group(0).upper()
        if curp_rules.formato_valido(valor) and curp_rules.digito_valido(valor):
            yield Coincidencia(CURP, m.start(), m.end(), m.group(0))


def _telefonos(texto: str) -> Iterable[Coincidencia]:
    for m in _TELEFONO_RE.finditer(texto):
        valor = m.group(0).rstrip(" .-")
        digitos = re.sub(r"\D", "", valor)
        internacional = valor.lstrip().startswith("+")
        if internacional:
            digitos = digitos[2:]  # the country code
            if len(digitos) == 11 and digitos.startswith("1"):
                digitos = digitos[1:]  # the old mobile prefix: +52 1 …
        elif len(digitos) in (12, 13) and digitos.startswith(("01", "044", "045")):
            digitos = digitos[3:] if digitos.startswith("04") else digitos[2:]  # old long-distance/mobile prefixes
        if len(digitos) != 10 or _MILES_RE.match(valor) or _FECHA_RE.search(valor):
            continue
        yield Coincidencia(TELEFONO, m.start(), m.start() + len(valor), valor)


def _domicilios(texto: str) -> list[Coincidencia]:
    """A street with its number, and the colonia or C.P. written next to it, as one span; a C.P. alone too."""
    calles = [(m.start(), m.end()) for m in _CALLE_RE.finditer(texto)]
    cps = [(m.start(), m.end()) for m in _CP_RE.finditer(texto)]
    colonias = [(m.start(), m.end()) for m in _COLONIA_RE.finditer(texto)]
    spans = sorted(calles + cps)
    # A colonia counts only next to a street number or a C.P. (a proposal names colonias all the time).
    for inicio, fin in colonias:
        if any(abs(inicio - f) <= 4 or abs(i - fin) <= 4 for i, f in spans):
            spans.append((inicio, fin))
    merged: list[list[int]] = []
    for inicio, fin in sorted(spans):
        if merged and inicio <= merged[-1][1] + 4 and texto[merged[-1][1] : inicio].strip(" ,;") == "":
            merged[-1][1] = max(merged[-1][1], fin)
        else:
            merged.append([inicio, fin])
    result = []
    for inicio, fin in merged:
        fragmento = texto[inicio:fin].rstrip(" ,;.")
        result.append(Coincidencia(DOMICILIO, inicio, inicio + len(fragmento), fragmento))
    return result


def _de_tercero(texto: str, hit: Coincidencia) -> bool:
    """The phone or e-mail comes after someone else's name or relation, in the same sentence."""
    antes = texto[max(0, hit.inicio - 90) : hit.inicio]
    # Only the same sentence counts; the dot of «Lic.» or «Sra.» does not end one.
    antes = _ABREVIATURA_RE.sub(r"\1", antes)
    antes = re.split(r"[.;!?\n](?:\s|$)", antes)[-1]
    return _TERCERO_RE.search(antes) is not None


def buscar(texto: str, excluir: frozenset[str] = frozenset()) -> list[Coincidencia]:
    """Every hit in ``texto``, ordered by position; ``excluir`` leaves some classes out (a public contact field).

    Raises TypeError when ``texto`` is not a string: the caller records that the check could not run.
    """
    if not isinstance(texto, str):
        raise TypeError(f"expected a text, got {type(texto).__name__}")
    found: list[Coincidencia] = [*_curps(texto)]
    ocupado = [(h.inicio, h.fin) for h in found]
    for clase, pattern in ((RFC, _RFC_RE), (CLAVE_ELECTOR, _CLAVE_RE)):
        for hit in _hits(clase, pattern, texto):
            if not any(i <= hit.inicio < f for i, f in ocupado):
                found.append(hit)
                ocupado.append((hit.inicio, hit.fin))
    correos = list(_hits(CORREO, _CORREO_RE, texto))
    ocupado += [(h.inicio, h.fin) for h in correos]
    telefonos = [h for h in _telefonos(texto) if not any(i <= h.inicio < f for i, f in ocupado)]
    for hit in [*correos, *telefonos]:
        found.append(Coincidencia(TERCERO, hit.inicio, hit.fin, hit.fragmento) if _de_tercero(texto, hit) else hit)
    ocupado += [(h.inicio, h.fin) for h in telefonos]
    found += [h for h in _domicilios(texto) if not any(i <= h.inicio < f for i, f in ocupado)]
    for clase, pattern in (
        (SALUD, _SALUD_RE),
        (RELIGION, _RELIGION_RE),
        (ORIENTACION_SEXUAL, _ORIENTACION_RE),
        (SINDICAL, _SINDICAL_RE),
    ):
        found += _hits(clase, pattern, texto)
    return sorted((h for h in found if h.clase not in excluir), key=lambda h: (h.inicio, h.clase))
