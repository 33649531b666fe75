"""launcher/backup.py without a server: the newest backup is picked, and an archive cannot write outside media."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from launcher import backup


def test_latest_is_the_newest_dated_folder(tmp_path: Path) -> None:
    for name in ("conoceles-20260101-000000", "conoceles-20261202-031500", "conoceles-20260601-120000", "otro"):
        (tmp_path / name).mkdir()
        (tmp_path / name / backup.DUMP_FILE).write_bytes(b"")
    assert backup.latest(tmp_path).name == "conoceles-20261202-031500"


def test_latest_without_backups_says_so(tmp_path: Path) -> None:
    with pytest.raises(backup.BackupError, match="No hay respaldos"):
        backup.latest(tmp_path)


def test_a_media_archive_with_a_path_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "conoceles-20261202-000000"
    folder.mkdir()
    with tarfile.open(folder / backup.MEDIA_FILE, "w:gz") as archive:
        info = tarfile.TarInfo("../fuera.txt")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"mal"))
    media = tmp_path / "media"
    with pytest.raises(tarfile.OutsideDestinationError):
        backup.extract_media(folder, media)
    assert not (tmp_path / "fuera.txt").exists()
