"""The gateway's routing table: staff screens about another service's data go to the service that owns it."""

from __future__ import annotations

from gateway.routing import service_for


def test_transparencia_screens_go_to_the_owner_of_their_data() -> None:
    assert service_for("/validacion/transparencia/consentimientos") == "captura"
    assert service_for("/validacion/transparencia/consentimientos/7/revocar") == "captura"
    assert service_for("/validacion/transparencia/avisos") == "publico"
    assert service_for("/validacion/transparencia/avisos/integral") == "publico"
    # Only whole segments: the rest of /validacion/transparencia/ (the flag queue) stays validacion's.
    assert service_for("/validacion/transparencia/") == "validacion"
    assert service_for("/validacion/transparencia/consentimientosx") == "validacion"
    assert service_for("/validacion/transparencia/avisos-viejos") == "validacion"
