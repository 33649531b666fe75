"""What an uncached list page keeps in the process under the generation (services/publico/catalogos.py)."""

from __future__ import annotations

from services.publico.catalogos import TOTALS_KEPT, PorGeneracion


async def test_a_total_is_counted_once_per_filter_set_and_generation() -> None:
    cache = PorGeneracion()
    counted: list[str] = []

    def counter(value: int, label: str):  # type: ignore[no-untyped-def]
        async def contar() -> int:
            counted.append(label)
            return value

        return contar

    assert await cache.total(5, "cargo=DIP_MR", counter(40, "a")) == 40
    assert await cache.total(5, "cargo=DIP_MR", counter(99, "b")) == 40  # the next page of the same filters
    assert await cache.total(5, "sexo=mujer", counter(7, "c")) == 7
    # A publication moves the generation: every total is counted again.
    assert await cache.total(6, "cargo=DIP_MR", counter(41, "d")) == 41
    assert counted == ["a", "c", "d"]


async def test_the_totals_kept_are_bounded() -> None:
    cache = PorGeneracion()

    async def uno() -> int:
        return 1

    for i in range(TOTALS_KEPT + 10):
        await cache.total(1, f"q={i}", uno)
    assert len(cache._totales) == TOTALS_KEPT
    assert "q=0" not in cache._totales and f"q={TOTALS_KEPT + 9}" in cache._totales
