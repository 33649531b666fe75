"""Which demo `make run` loads: the full published process by default, none in production."""

from __future__ import annotations

from pathlib import Path

import pytest

from launcher.system import StartupError, System, SystemConfig


def test_production_loads_no_demo_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CONOCELES_DEMO", raising=False)
    monkeypatch.delenv("CONOCELES_DEMO_TAMANO", raising=False)
    monkeypatch.setenv("CONOCELES_ENV", "production")
    assert SystemConfig.from_environ(tmp_path).demo is False
    monkeypatch.setenv("CONOCELES_ENV", "development")
    config = SystemConfig.from_environ(tmp_path)
    assert config.demo is True and config.demo_tamano == "completo"
    monkeypatch.setenv("CONOCELES_DEMO_TAMANO", "minimo")
    assert SystemConfig.from_environ(tmp_path).demo_tamano == "minimo"


def test_demo_asked_for_in_production_stops_the_start(tmp_path: Path) -> None:
    config = SystemConfig(data_dir=tmp_path, env="production", demo=True)
    with pytest.raises(StartupError, match="nunca se cargan en producción"):
        System(config).start()


def test_unknown_demo_size_stops_the_start_in_spanish(tmp_path: Path) -> None:
    config = SystemConfig(data_dir=tmp_path, demo_tamano="gigante")
    with pytest.raises(StartupError, match="CONOCELES_DEMO_TAMANO debe ser uno de: completo, minimo"):
        System(config).start()
