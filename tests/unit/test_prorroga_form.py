"""The prórroga form (services/validacion/prorrogas/forms.py): one target, a local date, Spanish messages."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from services.common import tiempo
from services.validacion.prorrogas.forms import FALTA_CANDIDATURA, FALTA_POSTULANTE, Prorroga, errores

GOOD = {
    "destino": "candidatura",
    "candidatura_id": "12",
    "postulante_id": "3",
    "fin": "2024-06-01T15:00",
    "acuerdo": "IEM-CG-045/2024",
    "motivo": "Falla acreditada del sistema el día del cierre.",
}
# The date is read in the process's zone, which the view passes as validation context.
ZONA = {"zona": tiempo.zona("America/Mexico_City")}


def _errors(**changes: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as exc:
        Prorroga.model_validate({**GOOD, **changes}, context=ZONA)
    return errores(exc.value)


def test_a_good_form_keeps_one_target_and_reads_the_process_zone() -> None:
    prorroga = Prorroga.model_validate(GOOD, context=ZONA)
    assert (prorroga.candidatura_id, prorroga.postulante_id) == (12, None)
    assert prorroga.fin.isoformat() == "2024-06-01T21:00:00+00:00"  # 15:00 in UTC-6, stored in UTC
    por_postulante = Prorroga.model_validate({**GOOD, "destino": "postulante", "candidatura_id": ""}, context=ZONA)
    assert (por_postulante.candidatura_id, por_postulante.postulante_id) == (None, 3)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"candidatura_id": " "}, "candidatura_id", FALTA_CANDIDATURA),
        ({"destino": "postulante", "postulante_id": ""}, "postulante_id", FALTA_POSTULANTE),
        ({"candidatura_id": "2147483648"}, "candidatura_id", FALTA_CANDIDATURA),
        ({"destino": "todas"}, "destino", "Elige si la prórroga es para una candidatura"),
        ({"fin": "mañana"}, "fin", "Escribe una fecha y hora válidas."),
        ({"acuerdo": "  "}, "acuerdo", "Escribe el número o el texto del acuerdo"),
        ({"acuerdo": "IEM\x00"}, "acuerdo", "El texto tiene caracteres no válidos."),
        ({"motivo": "corto"}, "motivo", "Explica el motivo en 10 a 1,000 caracteres."),
    ],
)
def test_each_problem_has_its_spanish_message(changes: dict[str, str], field: str, message: str) -> None:
    assert _errors(**changes)[field].startswith(message)
