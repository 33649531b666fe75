"""The identity signature outlives the gateway's wait for a service (issue #13, finding 2)."""

from __future__ import annotations

import pytest

from gateway.settings import GatewaySettings
from services.common.settings import ServiceSettings, load_settings
from services.common.signed_identity import SIGNATURE_MARGIN, timeouts_problem


def test_defaults_let_a_signature_outlive_the_gateways_wait() -> None:
    # Before: signatures expired after 30 s while the gateway waited 120 s for a service.
    settings = GatewaySettings()
    assert timeouts_problem(settings.upstream_timeout, settings.signature_max_age) is None
    assert settings.signature_max_age >= settings.upstream_timeout + SIGNATURE_MARGIN


def test_a_signature_shorter_than_the_wait_is_a_problem_naming_both_settings() -> None:
    problem = timeouts_problem(120, 30)
    assert problem is not None
    assert "CONOCELES_SIGNATURE_MAX_AGE" in problem and "CONOCELES_UPSTREAM_TIMEOUT" in problem
    assert timeouts_problem(60, 60) is not None  # no room for clock skew
    assert timeouts_problem(4, 4 + SIGNATURE_MARGIN) is None


@pytest.mark.parametrize("settings_class", [GatewaySettings, ServiceSettings])
def test_every_process_refuses_to_start_with_inconsistent_timeouts(
    settings_class: type[ServiceSettings] | type[GatewaySettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONOCELES_UPSTREAM_TIMEOUT", "120")
    monkeypatch.setenv("CONOCELES_SIGNATURE_MAX_AGE", "30")
    with pytest.raises(SystemExit, match="CONOCELES_SIGNATURE_MAX_AGE"):
        load_settings(settings_class)


def test_lowered_consistent_timeouts_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONOCELES_UPSTREAM_TIMEOUT", "4")
    monkeypatch.setenv("CONOCELES_SIGNATURE_MAX_AGE", "14")
    settings = load_settings(GatewaySettings)
    assert (settings.upstream_timeout, settings.signature_max_age) == (4, 14)
