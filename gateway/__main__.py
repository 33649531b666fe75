from __future__ import annotations

from aiohttp import web

from services.common.logs import setup_logging
from services.common.settings import load_settings

from .app import create_app
from .settings import GatewaySettings


def main() -> None:
    settings = load_settings(GatewaySettings)
    setup_logging(settings.log_level, "gateway", json_format=settings.log_format == "json")
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover
        pass
    web.run_app(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        access_log=None,
        print=None,
        # A client that hangs up cancels its handler, and with it the request to the upstream.
        handler_cancellation=True,
    )


if __name__ == "__main__":
    main()
