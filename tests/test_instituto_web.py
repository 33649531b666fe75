"""The footer of every service names the configured institute and the active process as registro.procesos says."""

from __future__ import annotations

import asyncpg

from . import factories
from .helpers import Client

NOMBRE_SQL = "SELECT id, nombre FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1"
RENAME_SQL = "UPDATE registro.procesos SET nombre = $2 WHERE id = $1"


async def test_footer_names_the_institute_and_the_active_process(client: Client, db: asyncpg.Pool) -> None:
    proceso = await db.fetchrow(NOMBRE_SQL)
    home = await (await client.get("/")).text()
    assert f'<a href="https://www.iem.org.mx">Instituto Electoral de Michoacán</a> · {proceso["nombre"]}' in home
    assert "de Michoacán\ndeclararon" in home
    renamed = "Proceso Electoral Local Extraordinario 2025"
    await db.execute(RENAME_SQL, proceso["id"], renamed)
    try:
        # A staff page is never cached: the process's new name shows on the next page.
        await client.login(await factories.cuenta(db, "coordinacion"))
        page = await (await client.get("/validacion/proceso")).text()
        assert f"Instituto Electoral de Michoacán</a> · {renamed}</p>" in page
    finally:
        await db.execute(RENAME_SQL, proceso["id"], proceso["nombre"])
