"""Past one machine (issue 13): publico reads from a PostgreSQL streaming replica, PUBLICO_DATABASE_READ_URL.

A real hot standby of the test system's embedded PostgreSQL (pg_basebackup -R from pgserver's own binaries) and a
publico process of our own pointed at it: its pages come from the replica, which follows the primary, and a write
(the avisos form) still reaches the primary (the replica would refuse it: read-only transaction → 500).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import asyncpg
import pgserver
import pytest

from launcher.system import System
from services.common.signed_identity import REQUEST_ID_HEADER, Identity, sign

from .helpers import eventually

PG_BIN = Path(pgserver.__file__).parent / "pginstall" / "bin"
REPLICA_CONNECTIONS_SQL = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = 'conoceles' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
"""
NOMBRE_SQL = "SELECT nombre_busqueda FROM publico.candidaturas WHERE id = $1"
SET_NOMBRE_SQL = "UPDATE publico.candidaturas SET nombre_busqueda = $2 WHERE id = $1"
PUBLICADA_SQL = "SELECT id FROM publico.candidaturas ORDER BY id LIMIT 1"
AVISOS_SQL = "SELECT count(*) FROM publico.avisos_privacidad"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def pg_user() -> str | None:
    """pgserver runs PostgreSQL as its own `pgserver` user when started by root; as the caller otherwise."""
    return "pgserver" if os.geteuid() == 0 else None


@pytest.fixture
def replica(system: System) -> Iterator[str]:
    """A hot standby streaming from the system's embedded primary; its connection URL."""
    if system.postgres is None:
        pytest.fail("this test builds a replica of the embedded PostgreSQL: run it without DATABASE_URL")
    primary_socket = parse_qs(urlsplit(system.database_url).query)["host"][0]
    folder = Path(tempfile.mkdtemp(prefix="conoceles-replica-"))
    data = folder / "data"
    user = pg_user()
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    log = folder / "replica.log"

    def pg(*argv: str | Path, check: bool = True) -> None:
        result = subprocess.run([str(a) for a in argv], user=user, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            pytest.fail(f"{argv[0]}: {result.stdout}{result.stderr}{log.read_text() if log.exists() else ''}")

    try:
        # A fast checkpoint: the default spread one waits for the primary's next checkpoint (minutes).
        pg(PG_BIN / "pg_basebackup", "-D", data, "-R", "-X", "stream", "-c", "fast", "-h", primary_socket,
           "-U", "postgres")  # fmt: skip
        # The primary keeps its socket in its data folder: the copy brought its lock file along.
        for stale in data.glob(".s.PGSQL.*"):
            stale.unlink()
        pg(PG_BIN / "pg_ctl", "-D", data, "-w", "-l", log, "-o", f'-h "" -k {folder} -p 5432', "start")
        yield f"postgresql://postgres@/conoceles?host={folder}&port=5432"
    finally:
        pg(PG_BIN / "pg_ctl", "-D", data, "-w", "-m", "immediate", "stop", check=False)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def publico_on_replica(system: System, replica: str, tmp_path: Path) -> Iterator[str]:
    """One more publico process, reading from the replica; its base URL (reached directly, not via the gateway)."""
    spec = next(s for s in system.process_specs() if s.name.startswith("publico"))
    port = free_port()
    env = {**spec.env, "PUBLICO_PORT": str(port), "PUBLICO_DATABASE_READ_URL": replica}
    with (tmp_path / "publico.log").open("wb") as log:
        process = subprocess.Popen(spec.argv, env=env, cwd=spec.env["PYTHONPATH"], stdout=log, stderr=log)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def test_publico_reads_from_the_replica_and_writes_to_the_primary(
    system: System, db: asyncpg.Pool, replica: str, publico_on_replica: str
) -> None:
    base = publico_on_replica
    replica_conn = await asyncpg.connect(replica)
    try:
        assert await replica_conn.fetchval("SELECT pg_is_in_recovery()"), "a standby, read-only"
        async with aiohttp.ClientSession() as http:

            async def healthy() -> bool:
                try:
                    async with http.get(f"{base}/health") as response:
                        return response.status == 200
                except aiohttp.ClientError:
                    return False

            await eventually(healthy, within=60, what="publico on the replica up")
            # Only this publico connects to the replica: its pages are read there.
            assert await replica_conn.fetchval(REPLICA_CONNECTIONS_SQL) >= 1
            candidatura_id = await db.fetchval(PUBLICADA_SQL)
            async with http.get(f"{base}/api/v1/candidaturas/{candidatura_id}") as response:
                assert response.status == 200, await response.text()

            # The replica follows the primary (streaming), so what publico reads there catches up.
            marca = f"replica-{uuid.uuid4().hex[:8]}"
            original = await db.fetchval(NOMBRE_SQL, candidatura_id)
            await db.execute(SET_NOMBRE_SQL, candidatura_id, marca)
            try:

                async def streamed() -> bool:
                    return bool(await replica_conn.fetchval(NOMBRE_SQL, candidatura_id) == marca)

                await eventually(streamed, what="the change streamed to the replica")
            finally:
                await db.execute(SET_NOMBRE_SQL, candidatura_id, original)

            # A write goes to the primary: a stale version makes the INSERT match no row (409, nothing changes);
            # sent to the read-only replica the same statement would fail with 500.
            before = await db.fetchval(AVISOS_SQL)
            request_id = uuid.uuid4().hex
            ident = Identity(user_id=1, username="transparencia-prueba", role="transparencia",
                             session_id="s", csrf_token="t")  # fmt: skip
            headers = {**sign(ident, system.gateway_secret, request_id), REQUEST_ID_HEADER: request_id}
            form = {"csrf_token": "t", "texto": "Aviso de prueba " * 5, "version_base": "999999"}
            url = f"{base}/validacion/transparencia/avisos/simplificado"
            async with http.post(url, data=form, headers=headers, allow_redirects=False) as response:
                assert response.status == 409, await response.text()
            assert await db.fetchval(AVISOS_SQL) == before
    finally:
        await replica_conn.close()
