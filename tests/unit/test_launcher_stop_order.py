"""The order in which `make run` stops its processes (no servers needed)."""

from __future__ import annotations

from launcher.system import stop_stage


def test_the_gateway_stops_first_then_the_services_then_what_serves_them() -> None:
    names = ("gateway", "auth", "captura", "publico-2", "worker-auth", "worker-publico", "relay", "mailsink")
    stages = {name: stop_stage(name) for name in names}
    assert stages == {
        "gateway": 0,
        "auth": 1,
        "captura": 1,
        "publico-2": 1,
        "worker-auth": 2,
        "worker-publico": 2,
        "relay": 2,
        "mailsink": 2,
    }
