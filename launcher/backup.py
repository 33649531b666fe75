"""`make backup` / `make restore`: the database (pg_dump custom format) and the media folder, in one dated folder.

A backup folder ``conoceles-<UTC date>-<time>/`` holds ``database.dump`` (pg_restore reads it), ``media.tar.gz``
(``privado/`` and ``publico/``) and ``manifest.json`` (what was copied, for the operator's eye). The PostgreSQL
tools come from PATH, or else from the embedded server's own installation (pgserver ships pg_dump/pg_restore),
so the same commands work for `make run`'s embedded database and for any DATABASE_URL.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

DUMP_FILE = "database.dump"
MEDIA_FILE = "media.tar.gz"
MANIFEST_FILE = "manifest.json"
PREFIX = "conoceles-"


class BackupError(RuntimeError):
    pass


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore: the server's major version matters, so the embedded one's own first, then PATH."""
    try:
        import pgserver

        bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / name
        if bundled.exists():
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"No se encontró {name}: instala el cliente de PostgreSQL (postgresql-client).")
    return found


def _run(argv: list[str], what: str) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise BackupError(f"{what} falló: {result.stderr.strip()[-2000:]}")


def backup(database_url: str, media_dir: Path, target_root: Path, now: datetime | None = None) -> Path:
    """Write a new dated backup folder under target_root and return it; never overwrites an earlier one."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    folder = target_root / f"{PREFIX}{stamp}"
    folder.mkdir(parents=True, exist_ok=False)
    # Custom format: compressed, and pg_restore can restore into a fresh database or over an existing one.
    _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(folder / DUMP_FILE), database_url],
         "pg_dump")  # fmt: skip
    files = 0
    with tarfile.open(folder / MEDIA_FILE, "w:gz") as archive:
        if media_dir.is_dir():
            for path in sorted(media_dir.rglob("*")):
                if path.is_file() and not path.name.startswith(".tmp"):
                    archive.add(path, arcname=str(path.relative_to(media_dir)), recursive=False)
                    files += 1
    manifest = {"created_at": stamp, "database": DUMP_FILE, "media": MEDIA_FILE, "media_files": files}
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def latest(target_root: Path) -> Path:
    """The newest backup folder under target_root (names sort by date)."""
    folders = sorted(p for p in target_root.glob(f"{PREFIX}*") if (p / DUMP_FILE).exists())
    if not folders:
        raise BackupError(f"No hay respaldos en {target_root}.")
    return folders[-1]


def restore(folder: Path, database_url: str, media_dir: Path) -> int:
    """Load a backup folder into database_url (replacing what it holds) and media_dir; the media files restored."""
    dump = folder / DUMP_FILE
    if not dump.exists():
        raise BackupError(f"{folder} no es un respaldo: falta {DUMP_FILE}.")
    _run(
        [pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--exit-on-error", "--dbname", database_url,
         str(dump)],
        "pg_restore",
    )  # fmt: skip
    return extract_media(folder, media_dir)


def extract_media(folder: Path, media_dir: Path) -> int:
    """Unpack a backup's media archive into media_dir; the number of files."""
    media_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA_FILE, "r:gz") as archive:
        members = archive.getmembers()
        # The "data" filter refuses absolute paths, `..` and links out of the folder: a backup cannot write elsewhere.
        archive.extractall(media_dir, filter="data")
    return sum(1 for m in members if m.isfile())
