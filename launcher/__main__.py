"""``python -m launcher run|migrate|backup|restore``: the commands behind `make run`, `make migrate`, `make backup`
and `make restore`."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from . import backup
from .embedded import EmbeddedError, EmbeddedPostgres, default_data_dir
from .system import StartupError, System, SystemConfig


def _banner(system: System) -> str:
    accounts = "\n".join(
        f"    {name:<22} {role}"
        for name, role in (
            ("demo-candidata", "candidatura (una candidatura del PAN)"),
            ("demo-representante", "representante del PAN"),
            ("demo-validador", "validador"),
            ("demo-coordinacion", "coordinacion"),
            ("demo-transparencia", "transparencia"),
            ("demo-igualdad", "igualdad"),
            ("demo-admin", "admin"),
        )
    )
    demo = (
        f"\n  Cuentas de demostración (contraseña: {system.demo_password}):\n{accounts}\n" if system.config.demo else ""
    )
    mailbox = (
        f"  Correo de desarrollo (cuenta admin): {system.dev_mailbox_url}  ·  archivos en {system.maildir}\n"
        if system.dev_mailbox_url
        else ""
    )
    return (
        f"\n  Conóceles está listo en {system.url}\n"
        f"  Entrar: {system.url}/cuenta/entrar    Salud: {system.url}/health\n"
        f"  Operación (salud detallada y métricas, solo desde esta máquina): {system.operator_url}/health, "
        f"{system.operator_url}/metrics\n{mailbox}{demo}"
        "\n  Ctrl-C detiene todo.\n"
    )


def run() -> int:
    config = SystemConfig.from_environ(default_data_dir())
    system = System(config)
    stop = False

    def request_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    print("Iniciando PostgreSQL, Redis, migraciones, catálogos y datos de demostración…", flush=True)
    try:
        system.start()
    except (StartupError, EmbeddedError) as exc:
        print(f"\nNo se pudo iniciar Conóceles: {exc}", file=sys.stderr)
        return 1
    print(_banner(system), flush=True)
    system.supervise_in_background()
    try:
        while not stop:
            time.sleep(0.2)
    finally:
        print("\nDeteniendo todos los procesos…", flush=True)
        system.stop()
    return 0


def migrate() -> int:
    config = SystemConfig.from_environ(default_data_dir())
    config.demo = False
    system = System(config)
    try:
        system.start_servers()
        result = system.prepare_database()
    except (StartupError, EmbeddedError) as exc:
        print(f"No se pudo migrar: {exc}", file=sys.stderr)
        return 1
    finally:
        system.stop()
    applied = result["migrations"] or ["ninguna: la base ya estaba al día"]
    print("Migraciones aplicadas:", ", ".join(map(str, applied)))  # type: ignore[call-overload]
    print("Catálogos:", result["catalogs"])
    return 0


def _respaldo(command: str, folder: str | None) -> int:
    """`make backup` / `make restore`: DATABASE_URL, or `make run`'s embedded PostgreSQL (started if it is not)."""
    data_dir = default_data_dir()
    media_dir = Path(os.environ.get("CONOCELES_MEDIA_DIR") or data_dir / "media")
    database_url = os.environ.get("DATABASE_URL") or ""
    embedded: EmbeddedPostgres | None = None
    try:
        if not database_url:
            embedded = EmbeddedPostgres(data_dir / "postgres")
            already_running = (embedded.data_dir / "postmaster.pid").exists()
            database_url = embedded.start()
            if already_running:
                embedded = None  # `make run` owns it: leave it running
        if command == "backup":
            target = backup.backup(database_url, media_dir, Path(folder or "backups"))
            print(f"Respaldo escrito en {target}")
        else:
            source = Path(folder) if folder else backup.latest(Path("backups"))
            files = backup.restore(source, database_url, media_dir)
            print(f"Restaurado {source}: base de datos y {files} archivos en {media_dir}")
    except (backup.BackupError, EmbeddedError) as exc:
        print(f"No se pudo completar: {exc}", file=sys.stderr)
        return 1
    finally:
        if embedded is not None:
            embedded.stop()
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m launcher")
    parser.add_argument("command", choices=("run", "migrate", "backup", "restore"))
    # backup: the folder that receives the dated backup (./backups); restore: the backup folder (the newest).
    parser.add_argument("folder", nargs="?")
    args = parser.parse_args()
    logging.basicConfig(level="INFO", format="%(asctime)s launcher %(levelname)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    if args.command in ("backup", "restore"):
        sys.exit(_respaldo(args.command, args.folder))
    sys.exit(run() if args.command == "run" else migrate())


if __name__ == "__main__":
    main()
