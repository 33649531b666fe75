"""The small-cell rule of the public statistics: under 5 hidden, and a single hidden cell never left alone."""

from __future__ import annotations

from services.publico.supresion import COMPLEMENTARIA, MENOR, suprimir, total


def _textos(conteos: list[tuple[str, int]], aditiva: bool = True) -> list[str]:
    return [c.texto for c in suprimir(conteos, aditiva)]


def test_nothing_hidden_when_every_cell_is_five_or_more() -> None:
    assert _textos([("a", 5), ("b", 1200)]) == ["5", "1,200"]


def test_cells_from_one_to_four_are_hidden_and_zero_is_shown() -> None:
    cells = suprimir([("a", 4), ("b", 1), ("c", 9), ("d", 0)])
    assert [c.texto for c in cells] == ["<5", "<5", "9", "0"]
    assert [c.motivo for c in cells] == [MENOR, MENOR, None, None]
    assert all(c.valor is None for c in cells if c.suprimida)


def test_a_zero_is_never_the_complement() -> None:
    # Hiding the 0 would protect nothing: total - 6 - 0 would still give the 2.
    assert _textos([("a", 0), ("b", 2), ("c", 6), ("d", 30)]) == ["0", "<5", "Reservado", "30"]


def test_a_single_hidden_cell_hides_the_next_smallest() -> None:
    cells = suprimir([("a", 20), ("b", 3), ("c", 7), ("d", 12)])
    assert [c.texto for c in cells] == ["20", "<5", "Reservado", "12"]
    assert cells[2].motivo == COMPLEMENTARIA and cells[2].valor is None
    # Total minus the shown cells now leaves two unknowns: 3 and 7 cannot be told apart from 10 = b + c.
    shown = sum(c.valor or 0 for c in cells)
    assert total("Total", 42).valor == 42 and 42 - shown == 10


def test_complementary_tie_takes_the_first_in_table_order() -> None:
    assert _textos([("a", 8), ("b", 2), ("c", 8)]) == ["Reservado", "<5", "8"]


def test_two_hidden_cells_need_no_complement() -> None:
    assert _textos([("a", 2), ("b", 3), ("c", 30)]) == ["<5", "<5", "30"]


def test_non_additive_tables_get_no_complement() -> None:
    assert _textos([("a", 2), ("b", 30)], aditiva=False) == ["<5", "30"]


def test_lone_cell_has_nothing_to_complement_with() -> None:
    assert _textos([("a", 3)]) == ["<5"]


def test_totals_under_five_are_hidden() -> None:
    assert total("Total", 4).texto == "<5" and total("Total", 4).valor is None
    assert total("Total", 5).texto == "5" and total("Total", 0).texto == "0"
