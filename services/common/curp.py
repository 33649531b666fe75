"""The CURP (Clave Única de Registro de Población): its format, check digit and what it says about the person.

Pure functions shared by the registry import, the substitution form and the generators of demo and bench data,
so that every CURP the system makes passes the checks the system applies. RENAPO's layout::

    A  A  A  A  YYMMDD  S  EE  CCC  H  D
    |  letters  birth   |  |   |    |  check digit
    |  of the   date    |  |   |    homoclave: a digit if born before 2000, a letter from 2000 on
    |  name             |  |   first internal consonants of the surnames and the name
                        |  state of birth (NE: born abroad)
                        sex: H hombre, M mujer, X no binario
"""

from __future__ import annotations

import random
import re
import string
import unicodedata
from datetime import date

ALFABETO = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
ESTADOS = ("AS BC BS CC CL CM CS CH DF DG GT GR HG JC MC MN MS NT NL OC PL QT QR SP SL SR TC TS TL VZ YN ZS NE").split()
CURP_RE = re.compile(
    r"[A-Z][AEIOUX][A-Z]{2}\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])[HMX]"
    rf"({'|'.join(ESTADOS)})"
    r"[B-DF-HJ-NP-TV-Z]{3}[A-Z\d]\d"
)
SEXO_LETRA = {"hombre": "H", "mujer": "M", "no_binario": "X"}
LETRA_SEXO = {letra: sexo for sexo, letra in SEXO_LETRA.items()}

VOCALES = "AEIOU"
# Particles RENAPO skips in surnames and compound names.
PARTICULAS = frozenset("DA DAS DE DEL DER DI DIE DD EL LA LAS LE LES LOS MAC MC VAN VON Y".split())
# A first name that is only a common prefix of compound names (José Luis, María Elena): the second name counts.
NOMBRES_COMUNES = frozenset(("JOSE", "J", "J.", "MARIA", "MA", "MA.", "M", "M."))
# The words RENAPO does not let the four letters spell; their second letter becomes X.
INCONVENIENTES = frozenset(
    """BACA BAKA BUEI BUEY CACA CACO CAGA CAGO CAKA CAKO COGE COGI COJA COJE COJI COJO COLA CULO FALO FETO GETA
    GUEI GUEY JETA JOTO KACA KACO KAGA KAGO KAKA KAKO KOGE KOGI KOJA KOJE KOJI KOJO KOLA KULO LILO LOCA LOCO LOKA
    LOKO MAME MAMO MEAR MEAS MEON MIAR MION MOCO MOKO MULA MULO NACA NACO PEDA PEDO PENE PIPI PITO POPO PUTA PUTO
    QULO RATA ROBA ROBE ROBO RUIN SENO TETA VACA VAGA VAGO VAKA VUEI VUEY WUEI WUEY""".split()
)


def digito_verificador(primeros17: str) -> str:
    """RENAPO's check digit: each character's value in ``ALFABETO`` times its weight (18 down to 2), mod 10."""
    total = sum(ALFABETO.index(ch) * (18 - i) for i, ch in enumerate(primeros17))
    return str((10 - total % 10) % 10)


def formato_valido(curp: str) -> bool:
    return CURP_RE.fullmatch(curp) is not None


def digito_valido(curp: str) -> bool:
    return len(curp) == 18 and all(ch in ALFABETO for ch in curp) and digito_verificador(curp[:17]) == curp[17]


def nacimiento_de(curp: str) -> date | None:
    """The birth date the CURP carries; the homoclave gives the century. None if it is not a real date."""
    siglo = 1900 if curp[16].isdigit() else 2000
    try:
        return date(siglo + int(curp[4:6]), int(curp[6:8]), int(curp[8:10]))
    except ValueError:
        return None


def sexo_de(curp: str) -> str:
    """``hombre``, ``mujer`` or ``no_binario``, as the registry stores it."""
    return LETRA_SEXO[curp[10]]


def _plain(text: str) -> str:
    """Upper case, without accents; Ñ stays, because RENAPO writes it as X where it counts."""
    text = text.upper().replace("Ñ", "\0")
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("\0", "Ñ")
    return "".join(ch if "A" <= ch <= "Z" or ch in " Ñ" else " " for ch in kept)


def _palabra(text: str, *, nombre: bool = False) -> str:
    words = [w for w in _plain(text).split() if w not in PARTICULAS]
    if nombre and len(words) > 1 and words[0] in NOMBRES_COMUNES:
        words = words[1:]
    return words[0] if words else ""


def _primera_interna(word: str, letras: str) -> str:
    found = next((ch for ch in word[1:] if ch in letras), "X")
    return "X" if found == "Ñ" else found


def generar(
    nombre: str,
    primer_apellido: str,
    segundo_apellido: str,
    sexo: str,
    nacimiento: date,
    estado: str = "MN",
    diferenciador: int = 0,
) -> str:
    """A CURP built by RENAPO's rules from the person's data, for generated (fictitious) records.

    ``diferenciador`` picks the homoclave, so two generated people with the same initials and birth date can
    get different CURPs. RENAPO assigns the real homoclave; this one only follows its digit/letter rule.
    """
    if estado not in ESTADOS:
        raise ValueError(f"unknown state code {estado!r}")
    ap1, ap2, nom = _palabra(primer_apellido), _palabra(segundo_apellido), _palabra(nombre, nombre=True)
    if not ap1 or not nom:
        raise ValueError("a CURP needs at least a first surname and a name")
    letras = (ap1[0] + _primera_interna(ap1, VOCALES) + (ap2[:1] or "X") + nom[0]).replace("Ñ", "X")
    if letras in INCONVENIENTES:
        letras = letras[0] + "X" + letras[2:]
    consonantes = "".join(_primera_interna(w, "BCDFGHJKLMNÑPQRSTVWXYZ") if w else "X" for w in (ap1, ap2, nom))
    homoclave = str(diferenciador % 10) if nacimiento.year < 2000 else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[diferenciador % 26]
    base = f"{letras}{nacimiento:%y%m%d}{SEXO_LETRA[sexo]}{estado}{consonantes}{homoclave}"
    return base + digito_verificador(base)


def ficticia(sexo: str, nacimiento: date, rng: random.Random, estado: str = "MN") -> str:
    """A valid CURP for the given sex and birth date with random letters, for generated records whose names
    repeat (tests, bench): callers keep their own set to make them unique."""
    consonantes = "BCDFGHJKLMNPQRSTVWXYZ"
    while True:
        letras = "".join(
            (rng.choice(string.ascii_uppercase), rng.choice(VOCALES), *rng.choices(string.ascii_uppercase, k=2))
        )
        if letras not in INCONVENIENTES:
            break
    homoclave = rng.choice(string.digits if nacimiento.year < 2000 else string.ascii_uppercase)
    base = f"{letras}{nacimiento:%y%m%d}{SEXO_LETRA[sexo]}{estado}{''.join(rng.choices(consonantes, k=3))}{homoclave}"
    return base + digito_verificador(base)
