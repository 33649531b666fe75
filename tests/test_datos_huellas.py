"""The release's changes computed in PostgreSQL (services/publico/datos_huellas.py) are ``datos.cambios``'s: added,
withdrawn and corrected ids, sorted, whatever order the new hashes arrive in; and the stored hashes and total
are the new release's. Run in a transaction that is rolled back (the system's own releases are not touched)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import asyncpg

from services.publico import datos, datos_huellas

PREVIA = 2_000_000_000  # far above any release the running system builds


class _Rollback(Exception):
    pass


async def _diff(db: asyncpg.Pool, anteriores: dict[str, str] | None, actuales: dict[str, str]) -> dict[str, object]:
    """``same`` and the inserted row for these hashes (``anteriores`` None: no previous release)."""
    resultado: dict[str, object] = {}
    try:
        async with db.acquire() as conn, conn.transaction():
            if anteriores is not None:
                await conn.execute(
                    "INSERT INTO publico.datos_publicaciones (numero, generacion, total, cambios, huellas)"
                    " VALUES ($1, 0, $2, '{}', $3)",
                    PREVIA,
                    len(anteriores),
                    anteriores,
                )
            await datos_huellas.create(conn)
            filas = [(int(i), h) for i, h in actuales.items()]
            random.Random(7).shuffle(filas)
            for start in range(0, len(filas), 3):  # several chunks, as the rows stream
                await datos_huellas.add(conn, filas[start : start + 3])
            previa = PREVIA if anteriores is not None else None
            resultado["same"] = await datos_huellas.same(conn, previa) if previa is not None else None
            total = await datos_huellas.insert_release(conn, previa, PREVIA + 1, datetime.now(UTC), 5)
            row = await conn.fetchrow(
                "SELECT total, cambios, huellas FROM publico.datos_publicaciones WHERE numero = $1", PREVIA + 1
            )
            resultado.update(total=total, row=dict(row))
            raise _Rollback
    except _Rollback:
        pass
    return resultado


async def test_changes_added_withdrawn_corrected_any_order(db: asyncpg.Pool) -> None:
    anteriores = {str(i): f"h{i}" for i in (1, 3, 5, 7, 9, 11, 40, 200)}
    actuales = {str(i): f"h{i}" for i in (300, 3, 2, 7, 9, 11, 100, 8)}
    actuales["9"] = "corregida"
    actuales["40"] = "otra"
    r = await _diff(db, anteriores, actuales)
    esperado = datos.cambios(anteriores, actuales)
    assert esperado == {"agregadas": [2, 8, 100, 300], "retiradas": [1, 5, 200], "corregidas": [9, 40]}
    assert r["same"] is False
    assert r["row"] == {"total": len(actuales), "cambios": esperado, "huellas": actuales}
    assert r["total"] == len(actuales)


async def test_same_hashes_is_no_change(db: asyncpg.Pool) -> None:
    huellas = {str(i): f"h{i}" for i in range(1, 30)}
    r = await _diff(db, huellas, dict(reversed(list(huellas.items()))))
    assert r["same"] is True
    assert r["row"]["cambios"] == {"agregadas": [], "retiradas": [], "corregidas": []}  # type: ignore[index]
    # One row fewer, one more, one hash changed: each alone is a change.
    for actuales in (
        {k: v for k, v in huellas.items() if k != "29"},
        {**huellas, "31": "x"},
        {**huellas, "4": "x"},
    ):
        assert (await _diff(db, huellas, actuales))["same"] is False


async def test_first_release_and_empty(db: asyncpg.Pool) -> None:
    actuales = {"12": "a", "4": "b", "1000": "c"}
    r = await _diff(db, None, actuales)
    assert r["row"]["cambios"] == datos.cambios({}, actuales)  # type: ignore[index]
    assert r["row"]["huellas"] == actuales  # type: ignore[index]
    r = await _diff(db, {"1": "a"}, {})
    assert r["same"] is False
    assert r["row"] == {"total": 0, "cambios": {"agregadas": [], "retiradas": [1], "corregidas": []}, "huellas": {}}
