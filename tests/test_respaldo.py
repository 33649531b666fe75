"""`make backup` / `make restore` (issue 13, Operations): the test system's database and media folder, backed up
with the same command operators run, restored into a fresh database and folder, hold every candidacy and photo."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from launcher.embedded import EmbeddedPostgres
from launcher.system import System

from . import factories
from .helpers import Client
from .revision_datos import upload_photo

ROOT = Path(__file__).resolve().parents[1]
RESTORED_DB = "conoceles_restaurada"
CANDIDATURAS_SQL = "SELECT id FROM registro.candidaturas ORDER BY id"
PUBLICADAS_SQL = "SELECT id, foto FROM publico.candidaturas ORDER BY id"
FOTOS_SQL = "SELECT candidatura_id, sha256 FROM captura.fotos ORDER BY id"


def other_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def launcher(command: str, folder: Path, database_url: str, media_dir: Path) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "CONOCELES_MEDIA_DIR": str(media_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "launcher", command, str(folder)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


async def test_backup_restores_every_candidacy_and_photo_into_a_fresh_database(
    system: System, db: asyncpg.Pool, make_client: type[Client], tmp_path: Path
) -> None:
    # A photo uploaded the way a candidate uploads it, besides the demo's published ones.
    person = await factories.candidata(db)
    client = make_client()
    await client.login(person.username)
    await upload_photo(client, person.candidatura_id)
    candidaturas = [r["id"] for r in await db.fetch(CANDIDATURAS_SQL)]
    publicadas = [tuple(r) for r in await db.fetch(PUBLICADAS_SQL)]
    fotos = [tuple(r) for r in await db.fetch(FOTOS_SQL)]
    assert candidaturas and fotos, "the demo process has candidacies with photos"
    assert any(foto for _, foto in publicadas), "and published photos"

    output = await asyncio.to_thread(launcher, "backup", tmp_path / "respaldos", system.database_url, system.media_dir)
    (folder,) = (tmp_path / "respaldos").iterdir()
    assert folder.name.startswith("conoceles-") and str(folder) in output

    await db.execute(f"DROP DATABASE IF EXISTS {RESTORED_DB}")
    await db.execute(f"CREATE DATABASE {RESTORED_DB}")
    restored_url = other_database(system.database_url, RESTORED_DB)
    restored_media = tmp_path / "media-restaurada"
    await asyncio.to_thread(launcher, "restore", folder, restored_url, restored_media)

    conn = await asyncpg.connect(restored_url)
    try:
        # The demo keeps publishing in the background: what existed before the backup is all there, maybe more.
        assert set(candidaturas) <= {r["id"] for r in await conn.fetch(CANDIDATURAS_SQL)}
        restored_publicadas = {tuple(r) for r in await conn.fetch(PUBLICADAS_SQL)}
        assert {p for p in publicadas if p[1]} <= restored_publicadas
        assert {p[0] for p in publicadas} <= {p[0] for p in restored_publicadas}
        assert set(fotos) <= {tuple(r) for r in await conn.fetch(FOTOS_SQL)}
    finally:
        await conn.close()
        await db.execute(f"DROP DATABASE IF EXISTS {RESTORED_DB}")
    for _, sha in fotos:
        for name in (f"{sha}.jpg", f"{sha}-mini.jpg"):
            restored = restored_media / "privado" / name
            assert restored.read_bytes() == (system.media_dir / "privado" / name).read_bytes(), name
    for _, foto in restored_publicadas:
        if foto:
            assert (restored_media / "publico" / f"{foto}.jpg").read_bytes() == (
                system.media_dir / "publico" / f"{foto}.jpg"
            ).read_bytes()


def embedded_launcher(command: str, folder: Path, data_dir: Path) -> None:
    """`make backup|restore` as after `make run`: no DATABASE_URL, the embedded server under the data folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CONOCELES_MEDIA_DIR")}
    env["CONOCELES_DATA_DIR"] = str(data_dir)
    result = subprocess.run(
        [sys.executable, "-m", "launcher", command, str(folder)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


async def test_backup_and_restore_work_with_the_embedded_postgres_of_make_run() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="conoceles-respaldo-"))
    postgres = EmbeddedPostgres(data_dir / "postgres")
    try:
        conn = await asyncpg.connect(postgres.start())
        await conn.execute("CREATE TABLE respaldo_prueba (texto text); INSERT INTO respaldo_prueba VALUES ('antes')")
        await conn.close()
        postgres.stop()
        foto = data_dir / "media" / "privado" / ("a" * 64 + ".jpg")
        foto.parent.mkdir(parents=True)
        foto.write_bytes(b"\xff\xd8foto")

        # The server is not running: the command starts it, backs up, and stops it again.
        await asyncio.to_thread(embedded_launcher, "backup", data_dir / "respaldos", data_dir)
        assert not (data_dir / "postgres" / "postmaster.pid").exists()
        (folder,) = (data_dir / "respaldos").iterdir()

        foto.unlink()
        conn = await asyncpg.connect(postgres.start())
        await conn.execute("UPDATE respaldo_prueba SET texto = 'después'")
        await conn.close()
        # Now it is running (as under `make run`): the command uses it and leaves it running.
        await asyncio.to_thread(embedded_launcher, "restore", folder, data_dir)
        assert (data_dir / "postgres" / "postmaster.pid").exists()
        conn = await asyncpg.connect(postgres.url)
        assert await conn.fetchval("SELECT texto FROM respaldo_prueba") == "antes"
        await conn.close()
        assert foto.read_bytes() == b"\xff\xd8foto"
    finally:
        postgres.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
