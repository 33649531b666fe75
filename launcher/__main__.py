"""``python -m launcher run|migrate``: the commands behind `make run` and `make migrate`."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from types import FrameType

from .embedded import EmbeddedError, default_data_dir
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


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m launcher")
    parser.add_argument("command", choices=("run", "migrate"))
    args = parser.parse_args()
    logging.basicConfig(level="INFO", format="%(asctime)s launcher %(levelname)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    sys.exit(run() if args.command == "run" else migrate())


if __name__ == "__main__":
    main()
