"""A fictitious published process for the demo, shaped by the state's catalogs: pure and seeded, no I/O.

From the catalogs already loaded (distritos, municipios, partidos) it plans every distrito's diputación de
mayoría relativa fórmulas, the representación proporcional lists and the ayuntamiento planillas of a few dozen
municipios (never one that elects no ayuntamiento), for the parties, a coalición, a candidatura común and
independientes. Each fórmula is a propietaria and a suplente of the same sex, and lists and planillas alternate
sexes (parity). Every person is invented: first names are common Mexican names, the first surname comes from an
invented list and the second is always «Demo» or «Ficticia», so no real person can be mistaken for one.

The same catalog, size and seed always give the same plan (CURPs included), which is what makes a second load
find every row already there. launcher/demo_carga.py writes the plan and publishes it through the real jobs.
"""

from __future__ import annotations

import io
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from PIL import Image, ImageDraw

from services.common import curp as curps
from services.common.curricular import ESTATUS_ESTUDIOS, GRADOS

SEED = 2024

MUJERES = (
    "María", "Guadalupe", "Juana", "Margarita", "Verónica", "Leticia", "Rosa", "Alejandra", "Citlali", "Lucía",
    "Elena", "Yolanda", "Patricia", "Gabriela", "Fernanda", "Ximena", "Mariana", "Itzel", "Adriana", "Sofía",
    "Araceli", "Teresa", "Berenice", "Dalia", "Nayeli", "Rocío", "Claudia", "Daniela", "Erandi", "Mónica",
)  # fmt: skip
HOMBRES = (
    "José", "Juan", "Miguel", "Francisco", "Jesús", "Antonio", "Alejandro", "Pedro", "Ricardo", "Jorge",
    "Ernesto", "Iván", "Martín", "Raúl", "Salvador", "Alfredo", "Tomás", "Héctor", "Ramón", "Óscar",
    "Carlos", "Eduardo", "Fernando", "Rodrigo", "Tzitzi", "Gerardo", "Arturo", "Sergio", "Víctor", "Andrés",
)  # fmt: skip
NO_BINARIES = ("Alex", "Cruz", "Itzae", "René", "Sol")
# Invented surnames: regional-sounding (P'urhépecha place names bent out of shape), none a real family name.
APELLIDOS_INVENTADOS = (
    "Arandúvez", "Quirevén", "Tzimbalo", "Zirandúa", "Parhícuaro", "Echerigua", "Uraspén", "Curinzeo",
    "Tangaváez", "Xarández", "Charapeño", "Irecho", "Jucutácaro", "Nurívez", "Pamatácuez", "Sirándaro",
    "Taretzén", "Urequio", "Vanícuaro", "Zinapécuez", "Ahuirán", "Capácuaro", "Erongán", "Huanímbez",
    "Ichánez", "Janítzez", "Naranjúa", "Ocumícuez", "Penjámez", "Tarécuato", "Umécuaro", "Yuríriez",
)  # fmt: skip
SEGUNDOS_APELLIDOS = ("Demo", "Ficticia")
SOBRENOMBRES = ("La Maestra", "El Profe", "Chuy", "La Doctora", "El Ingeniero", "Lupita", "Don Toño", "Paco")
# Sentences a candidacy could write, in neutral wording (they fit any sex); each field takes a few of them.
PROFESIONAL = (
    "Ha trabajado {n} años como docente de educación básica en comunidades rurales.",
    "Cuenta con experiencia en la administración de una cooperativa de productores de aguacate.",
    "Se ha desempeñado en el área de desarrollo social del ayuntamiento.",
    "Ejerce su profesión en un despacho propio desde {a}.",
    "Atiende un consultorio comunitario en la cabecera municipal.",
    "Trabajó en la organización de ferias artesanales de la región lacustre.",
    "Asesora a productores del campo en el acceso a programas públicos.",
    "Ha impartido talleres de alfabetización digital para personas adultas.",
)
TRAYECTORIA = (
    "Integra el comité de agua potable de su colonia desde {a}.",
    "Participó en la observación electoral del proceso {a}.",
    "Ocupó la jefatura de tenencia de su comunidad durante un periodo.",
    "Colabora con una asociación civil que acompaña a familias migrantes.",
    "Ha promovido brigadas de reforestación en la meseta.",
    "Fue parte del consejo ciudadano de seguridad de su municipio.",
    "Ha coordinado campañas de limpieza del lago y sus riberas.",
    "Es militante desde {a} y ha tenido cargos en su comité municipal.",
)
MOTIVOS = (
    "Quiere que las comunidades alejadas tengan voz en las decisiones públicas.",
    "Busca que el presupuesto se decida con participación de la ciudadanía.",
    "Considera que el servicio público debe rendir cuentas cada mes.",
    "Conoce los problemas del campo y quiere resolverlos desde el cargo.",
    "Quiere que la juventud encuentre oportunidades sin tener que migrar.",
)
PROPUESTAS = (
    "Agua potable todos los días en cada colonia y tenencia.",
    "Transporte escolar gratuito para las comunidades rurales.",
    "Caminos saca-cosechas rehabilitados con mano de obra local.",
    "Presupuesto participativo con asambleas en cada tenencia.",
    "Publicar cada mes en internet los gastos del ayuntamiento.",
    "Centros de salud con médica o médico de guardia los fines de semana.",
    "Becas de transporte para estudiantes de preparatoria y universidad.",
    "Un programa de reforestación con viveros comunitarios.",
    "Alumbrado público con energía solar en las calles sin luz.",
    "Ferias de empleo con empresas de la región cada trimestre.",
)
PROPUESTAS_GENERO = (
    "Guarderías públicas con horario extendido para madres y padres que trabajan.",
    "Una instancia municipal de las mujeres con presupuesto propio.",
    "Atención jurídica gratuita para mujeres que viven violencia.",
    "Rampas y señalización accesible en todos los edificios públicos.",
    "Intérpretes de lengua p'urhépecha en las oficinas de atención.",
    "Protocolos contra la discriminación en el servicio público municipal.",
)
CARRERAS = ("Derecho", "Contaduría", "Medicina", "Agronomía", "Administración", "Pedagogía", "Ingeniería civil")
RUBROS_VACIOS = 0.12  # about one rubro in eight is left empty: the profile says so rubro by rubro
SIN_FOTO = 0.15
FOTOS = 16  # distinct generated photos, shared by many candidacies (content-addressed: one file each)
COLORES = (
    (31, 78, 121), (142, 45, 86), (46, 110, 73), (158, 91, 20), (88, 62, 140), (20, 112, 122), (120, 40, 40),
    (70, 90, 30),
)  # fmt: skip


@dataclass(frozen=True)
class Municipio:
    clave: int
    nombre: str
    poblacion: int
    elige_ayuntamiento: bool = True


@dataclass(frozen=True)
class Catalogo:
    distritos: tuple[int, ...]
    municipios: tuple[Municipio, ...]
    partidos: tuple[str, ...]  # siglas, in catalog order


@dataclass(frozen=True)
class Postulante:
    siglas: str
    nombre: str
    tipo: str  # coalicion, candidatura_comun, independiente
    partidos: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tamano:
    """How much of the process the demo fills: ``completo`` for `make run`, ``minimo`` for the test session."""

    distritos: int | None  # None: every distrito
    municipios: int
    lista_rp: int
    regidurias_max: int
    postulantes_por_municipio: int
    listas_rp: int | None = None  # None: every party registers its list


TAMANOS = {
    "completo": Tamano(distritos=None, municipios=30, lista_rp=8, regidurias_max=7, postulantes_por_municipio=4),
    "minimo": Tamano(distritos=3, municipios=2, lista_rp=2, regidurias_max=2, postulantes_por_municipio=2, listas_rp=2),
}


class TamanoDesconocidoError(ValueError):
    pass


def tamano(nombre: str) -> Tamano:
    try:
        return TAMANOS[nombre]
    except KeyError:
        opciones = ", ".join(TAMANOS)
        raise TamanoDesconocidoError(
            f"CONOCELES_DEMO_TAMANO debe ser uno de: {opciones} (se recibió {nombre!r})."
        ) from None


@dataclass(frozen=True)
class Persona:
    nombre: str
    primer_apellido: str
    segundo_apellido: str
    sobrenombre: str | None
    sexo: str
    nacimiento: date
    curp: str
    accion_afirmativa: str | None
    curricular: dict[str, dict[str, str]]
    identidad: dict[str, dict[str, Any]]
    publicacion: bool  # consent 2: the identity groups shown on the profile
    estadistica: bool  # consent 3: counted in the statistics
    foto: int | None  # index into fotos(), None: no photo
    dias_declarado: int  # how many days before the load the candidacy declared its curricular

    @property
    def nombre_completo(self) -> str:
        return f"{self.nombre} {self.primer_apellido} {self.segundo_apellido}"


@dataclass(frozen=True)
class Formula:
    cargo: str
    distrito: int | None
    municipio: int | None
    postulante: str  # siglas
    numero: int
    propietaria: Persona
    suplente: Persona

    @property
    def posicion(self) -> tuple[str, int | None, int | None, str, int]:
        return (self.cargo, self.distrito, self.municipio, self.postulante, self.numero)


@dataclass
class Plan:
    postulantes: tuple[Postulante, ...]
    formulas: list[Formula] = field(default_factory=list)

    @property
    def personas(self) -> list[Persona]:
        return [p for f in self.formulas for p in (f.propietaria, f.suplente)]


def postulantes_demo(partidos: tuple[str, ...]) -> tuple[Postulante, ...]:
    """The coalición and the candidatura común join the catalog's first parties; two independientes."""
    return (
        Postulante("COA-DEMO", "Coalición ficticia «Avanza Demo»", "coalicion", partidos[0:3]),
        Postulante("CC-DEMO", "Candidatura común ficticia «Juntos Demo»", "candidatura_comun", partidos[3:5]),
        Postulante("IND-DEMO-1", "Candidatura independiente ficticia (diputación)", "independiente"),
        Postulante("IND-DEMO-2", "Candidatura independiente ficticia (ayuntamiento)", "independiente"),
    )


def _frases(rng: random.Random, banco: tuple[str, ...], low: int, high: int) -> str:
    elegidas = rng.sample(banco, rng.randint(low, min(high, len(banco))))
    return " ".join(f.format(n=rng.randint(3, 25), a=rng.randint(2003, 2021)) for f in elegidas)


def curricular(rng: random.Random, handle: str) -> dict[str, dict[str, str]]:
    """The five rubros, of realistic length, with some left empty (every field of the rubro blank)."""
    datos = {
        "contacto": {
            "direccion_casa_campana": f"Calle Ficticia {rng.randint(1, 900)}, Centro",
            "telefono_publico": f"443 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            "correo_publico": f"{handle}@demo.invalid",
            "pagina_web": f"https://{handle}.example.org",
            "facebook": f"https://facebook.com/{handle}",
            "x": f"https://x.com/{handle}" if rng.random() < 0.5 else "",
            "youtube": "",
            "instagram": f"https://instagram.com/{handle}" if rng.random() < 0.4 else "",
            "tiktok": "",
            "otra_red": "",
        },
        "formacion": {
            "grado_maximo": rng.choice(GRADOS[2:]),
            "estatus": rng.choice(ESTATUS_ESTUDIOS),
            "cursos": "\n".join(f"Diplomado en {rng.choice(CARRERAS)}" for _ in range(rng.randint(0, 3))),
        },
        # The profile itself says it is invented, for whoever lands on it without knowing it is a demo.
        "profesional": {"historia_profesional": "Perfil ficticio de demostración. " + _frases(rng, PROFESIONAL, 2, 4)},
        "trayectoria": {
            "trayectoria_politica": _frases(rng, TRAYECTORIA, 1, 4),
            "motivo_cargo_publico": _frases(rng, MOTIVOS, 1, 2),
        },
        "propuestas": dict(
            zip(("propuesta_1", "propuesta_2"), rng.sample(PROPUESTAS, 2), strict=True),
            propuesta_genero=rng.choice(PROPUESTAS_GENERO),
        ),
    }
    for rubro in list(datos):
        if rng.random() < RUBROS_VACIOS:
            datos[rubro] = {campo: "" for campo in datos[rubro]}
    return datos


GRUPOS = ("indigena", "discapacidad", "afromexicana", "diversidad_sexual", "migrante", "joven", "persona_mayor")
INGRESOS = ("hasta_11000", "11001_25000", "25001_50000", "50001_75000", "75001_112000", "mas_112000")


def identidad(rng: random.Random, edad: int) -> dict[str, dict[str, Any]]:
    """Answers in the default question set's shape: most «no», a few groups «sí», some «prefiero no contestar»."""
    respuestas: dict[str, dict[str, Any]] = {}
    for grupo in GRUPOS:
        if grupo == "joven":
            valor = "si" if edad < 30 else "no"
        elif grupo == "persona_mayor":
            valor = "si" if edad >= 60 else "no"
        else:
            valor = rng.choices(("no", "si", "prefiero_no_contestar"), weights=(80, 12, 8))[0]
        respuestas[grupo] = {grupo: valor}
    if respuestas["indigena"]["indigena"] == "si":
        respuestas["indigena"].update(indigena_pueblo="purepecha", indigena_lengua_habla=rng.choice(("si", "no")))
        if respuestas["indigena"]["indigena_lengua_habla"] == "si":
            respuestas["indigena"]["indigena_lengua"] = ["purepecha"]
    if respuestas["discapacidad"]["discapacidad"] == "si":
        respuestas["discapacidad"].update(
            discapacidad_temporalidad="permanente", discapacidad_tipo=["fisica"], discapacidad_limitacion=["caminar"]
        )
    if respuestas["migrante"]["migrante"] == "si":
        respuestas["migrante"].update(migrante_pais="Estados Unidos", migrante_tiempo="6_15", migrante_motivo="trabajo")
    respuestas["ingreso"] = {"ingreso_mensual": rng.choice(INGRESOS)}
    return respuestas


class _Personas:
    """Invents people, every CURP unique within the plan."""

    def __init__(self, seed: int, hoy: date) -> None:
        self.seed = seed
        self.hoy = hoy
        self.curps: set[str] = set()

    def nueva(self, sexo: str, edad_minima: int, posicion: str) -> Persona:
        # One stream per position: a change elsewhere in the plan (another size, a new field) leaves this person
        # as they were, so a database loaded by an older version is not given a second cast.
        rng = random.Random(f"{self.seed}:{posicion}")  # noqa: S311 -- reproducible invented people
        nombres = MUJERES if sexo == "mujer" else HOMBRES if sexo == "hombre" else NO_BINARIES
        nombre = rng.choice(nombres)
        apellido = rng.choice(APELLIDOS_INVENTADOS)
        segundo = rng.choice(SEGUNDOS_APELLIDOS)
        edad = rng.choices((rng.randint(edad_minima, 29), rng.randint(30, 59), rng.randint(60, 78)), (20, 65, 15))[0]
        nacimiento = date(self.hoy.year - edad - 1, 1, 1) + timedelta(days=rng.randint(0, 364))
        while (clave := curps.ficticia(sexo, nacimiento, rng)) in self.curps:
            pass
        self.curps.add(clave)
        consentimiento = rng.choices(("ambos", "estadistica", "ninguno"), weights=(40, 30, 30))[0]
        accion = rng.choice(("indigena", "joven", "discapacidad", "diversidad_sexual")) if rng.random() < 0.08 else None
        handle = f"{nombre}.{apellido}.{clave[-4:]}".lower()
        handle = "".join(c for c in _sin_acentos(handle) if c.isalnum() or c == ".")
        return Persona(
            nombre=nombre,
            primer_apellido=apellido,
            segundo_apellido=segundo,
            sobrenombre=rng.choice(SOBRENOMBRES) if rng.random() < 0.08 else None,
            sexo=sexo,
            nacimiento=nacimiento,
            curp=clave,
            accion_afirmativa=accion,
            curricular=curricular(rng, handle),
            identidad=identidad(rng, _edad(nacimiento, self.hoy)),
            publicacion=consentimiento == "ambos",
            estadistica=consentimiento in ("ambos", "estadistica"),
            foto=None if rng.random() < SIN_FOTO else rng.randrange(FOTOS),
            dias_declarado=rng.randint(2, 25),
        )

    def formula(self, sexo: str, edad_minima: int, posicion: tuple[object, ...]) -> tuple[Persona, Persona]:
        # Parity inside the fórmula: the suplente is of the propietaria's sex.
        clave = ":".join(map(str, posicion))
        return self.nueva(sexo, edad_minima, f"{clave}:p"), self.nueva(sexo, edad_minima, f"{clave}:s")


def _edad(nacimiento: date, hoy: date) -> int:
    return hoy.year - nacimiento.year - ((hoy.month, hoy.day) < (nacimiento.month, nacimiento.day))


def _sin_acentos(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _sexo(alterna: int, seed: int, posicion: tuple[object, ...]) -> str:
    # Now and then a non-binary fórmula, so every sexo value the filters offer has someone.
    if random.Random(f"{seed}:sexo:{posicion}").random() < 0.01:  # noqa: S311 -- reproducible, not a secret
        return "no_binario"
    return "mujer" if alterna % 2 == 0 else "hombre"


def _contendientes_distrito(distrito: int, partidos: tuple[str, ...]) -> list[str]:
    """Partial coalitions, as in real processes: the coalición runs in odd distritos, its parties alone elsewhere."""
    coalicion, comun, resto = partidos[0:3], partidos[3:5], partidos[5:]
    nombres = ["COA-DEMO"] if distrito % 2 else list(coalicion)
    nombres += ["CC-DEMO"] if distrito % 3 else list(comun)
    if resto:
        nombres.append(resto[0])  # the first party outside both alliances runs everywhere
        if len(resto) > 1:
            nombres.append(resto[1 + distrito % (len(resto) - 1)])  # and one local party in rotation
    return nombres


def generar(
    catalogo: Catalogo,
    tam: Tamano,
    hoy: date,
    ocupadas: frozenset[tuple[str, int | None, int | None, str, int]] = frozenset(),
    edades_minimas: dict[str, int] | None = None,
    seed: int = SEED,
) -> Plan:
    """The whole plan; ``ocupadas`` are positions someone already holds (the demo accounts' candidacies): the
    fórmula, or the whole planilla, of that postulante there is left out."""
    if len(catalogo.partidos) < 5:
        raise ValueError("the demo needs at least five parties in the catalog")
    edades = {"DIP_MR": 21, "DIP_RP": 21, "PRES_MUN": 21, "SIND": 21, "REG_MR": 18, "REG_RP": 18}
    edades.update(edades_minimas or {})
    personas = _Personas(seed, hoy)
    plan = Plan(postulantes_demo(catalogo.partidos))
    distritos = catalogo.distritos if tam.distritos is None else catalogo.distritos[: tam.distritos]
    for distrito in distritos:
        contendientes = _contendientes_distrito(distrito, catalogo.partidos)
        if distrito == distritos[len(distritos) // 2]:
            contendientes.append("IND-DEMO-1")
        for i, siglas in enumerate(contendientes):
            if ("DIP_MR", distrito, None, siglas, 1) in ocupadas:
                continue
            prop, supl = personas.formula(
                _sexo(distrito + i, seed, ("DIP_MR", distrito, siglas)),
                edades["DIP_MR"],
                ("DIP_MR", distrito, siglas, 1),
            )
            plan.formulas.append(Formula("DIP_MR", distrito, None, siglas, 1, prop, supl))
    # Representación proporcional: parties only, each list alternating sexes from its head.
    for i, siglas in enumerate(catalogo.partidos[: tam.listas_rp]):
        for numero in range(1, tam.lista_rp + 1):
            if ("DIP_RP", None, None, siglas, numero) in ocupadas:
                continue
            prop, supl = personas.formula(
                _sexo(i + numero, seed, ("DIP_RP", siglas, numero)), edades["DIP_RP"], ("DIP_RP", siglas, numero)
            )
            plan.formulas.append(Formula("DIP_RP", None, None, siglas, numero, prop, supl))
    muestra = random.Random(f"{seed}:municipios")  # noqa: S311 -- reproducible, not a secret
    for j, municipio in enumerate(_municipios(catalogo, tam, muestra)):
        regidurias = min(
            tam.regidurias_max, 4 if municipio.poblacion < 50_000 else 6 if municipio.poblacion < 200_000 else 7
        )
        contendientes = ["COA-DEMO", "CC-DEMO", *catalogo.partidos[5:]][: tam.postulantes_por_municipio]
        if j == 0:
            contendientes.append("IND-DEMO-2")
        for i, siglas in enumerate(contendientes):
            if ("PRES_MUN", None, municipio.clave, siglas, 1) in ocupadas:
                continue
            planilla = [("PRES_MUN", 1), ("SIND", 1), *(("REG_MR", n) for n in range(1, regidurias + 1))]
            if not siglas.startswith("IND-"):
                planilla += [("REG_RP", n) for n in range(1, 3)]
            for k, (cargo, numero) in enumerate(planilla):
                # Alternating down the planilla from the presidencia (vertical parity).
                prop, supl = personas.formula(
                    _sexo(j + i + k, seed, (cargo, municipio.clave, siglas, numero)),
                    edades[cargo],
                    (cargo, municipio.clave, siglas, numero),
                )
                plan.formulas.append(Formula(cargo, None, municipio.clave, siglas, numero, prop, supl))
    return plan


def _municipios(catalogo: Catalogo, tam: Tamano, rng: random.Random) -> list[Municipio]:
    """The biggest third by population and a seeded sample of the rest; never one without an ayuntamiento."""
    eligen = sorted((m for m in catalogo.municipios if m.elige_ayuntamiento), key=lambda m: (-m.poblacion, m.clave))
    grandes = eligen[: max(1, tam.municipios // 3)]
    resto = eligen[len(grandes) :]
    muestra = rng.sample(resto, min(len(resto), tam.municipios - len(grandes)))
    return sorted(grandes + muestra, key=lambda m: m.clave)


def foto(indice: int) -> bytes:
    """A generated portrait placeholder: a silhouette on a coloured background, 800×1000 PNG (never a face)."""
    fondo = COLORES[indice % len(COLORES)]
    claro = tuple(min(255, c + 120) for c in fondo)
    image = Image.new("RGB", (800, 1000), fondo)
    draw = ImageDraw.Draw(image)
    cabeza = 150 + (indice // len(COLORES)) * 20
    draw.ellipse((400 - cabeza, 380 - cabeza, 400 + cabeza, 380 + cabeza), fill=claro)
    draw.ellipse((130, 600, 670, 1250), fill=claro)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
