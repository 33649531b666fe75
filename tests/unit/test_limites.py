"""One upload limit: the gateway, the services' parsers, the import, the 413 page and the docs say the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.settings import GatewaySettings
from services.common.limites import too_large_message
from services.common.settings import CommonSettings
from services.validacion.importacion.parse import ArchivoInvalidoError, Limites, read_table
from services.validacion.settings import ValidacionSettings

ROOT = Path(__file__).resolve().parents[2]


def test_every_layer_takes_the_limit_from_one_setting() -> None:
    common = CommonSettings()
    assert common.max_upload_mb == 12
    assert GatewaySettings().max_body_size == ValidacionSettings().max_body_size == common.max_body_size
    assert common.max_upload_bytes < common.max_body_size < common.max_upload_bytes + 1024**2
    assert "12 MB" in too_large_message(common.max_upload_mb)


def test_one_setting_moves_every_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONOCELES_MAX_UPLOAD_MB", "30")
    assert GatewaySettings().max_upload_mb == ValidacionSettings().max_upload_mb == 30


def test_the_docs_and_apache_agree_with_the_default() -> None:
    limit = CommonSettings().max_upload_mb
    assert f"Hasta {limit} MB por archivo" in (ROOT / "docs/importacion.md").read_text()
    assert "CONOCELES_MAX_UPLOAD_MB" in (ROOT / "README.md").read_text()
    apache = (ROOT / "deploy/apache/conoceles-site.conf").read_text()
    body = int(re.search(r"LimitRequestBody (\d+)", apache).group(1))  # type: ignore[union-attr]
    assert body > CommonSettings().max_body_size  # Apache stops only what the gateway would refuse anyway


def test_the_parser_refuses_a_file_over_the_limit_and_says_it() -> None:
    with pytest.raises(ArchivoInvalidoError, match="pasa de 1 MB"):
        read_table("grande.csv", b"a,b\n" * (1024**2 // 4 + 1), Limites(archivo_bytes=1024**2))
