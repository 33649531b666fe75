"""What reportes sends the public site about progress (services/reportes/avance_publico.py): counts per
postulante × cargo of the registered candidacies only, with report 1's rules; and publico's batch hash."""

from __future__ import annotations

from dataclasses import replace

from services.publico.avance import huella
from services.reportes.avance import Situacion
from services.reportes.avance_publico import filas_publicas

BASE = Situacion(
    candidatura_id=1,
    postulante_id=7,
    postulante="PAN",
    cargo="DIP_MR",
    cargo_nombre="Diputación",
    cargo_orden=1,
    ambito="Distrito 1",
    sexo="mujer",
    estatus="registrada",
    cuenta=True,
    curricular_enviado=False,
    identidad_enviado=False,
    consentimiento=False,
    con_observaciones=False,
    validado=False,
    publicado=False,
)


def test_counts_per_postulante_and_cargo_leave_out_substituted_and_cancelled() -> None:
    situaciones = [
        BASE,
        replace(BASE, candidatura_id=2, curricular_enviado=True),
        replace(BASE, candidatura_id=3, curricular_enviado=True, validado=True, publicado=True),
        replace(BASE, candidatura_id=4, estatus="sustituida", curricular_enviado=True),
        replace(BASE, candidatura_id=5, estatus="cancelada"),
        replace(BASE, candidatura_id=6, cargo="PRES_MUN", curricular_enviado=True, validado=True),
        replace(BASE, candidatura_id=7, postulante_id=3),
    ]
    filas = [(f.postulante_id, f.cargo, f.registradas, f.enviadas, f.validadas, f.publicadas)
             for f in filas_publicas(situaciones)]  # fmt: skip
    assert filas == [(3, "DIP_MR", 1, 0, 0, 0), (7, "DIP_MR", 3, 2, 1, 1), (7, "PRES_MUN", 1, 1, 1, 0)]
    assert filas_publicas([]) == []


def test_the_batch_hash_changes_with_any_count_and_not_with_order_of_arrival() -> None:
    a = filas_publicas([BASE, replace(BASE, candidatura_id=2, curricular_enviado=True)])
    b = filas_publicas([replace(BASE, candidatura_id=2, curricular_enviado=True), BASE])
    assert huella(a) == huella(b)
    assert huella(a) != huella(filas_publicas([BASE, BASE]))
