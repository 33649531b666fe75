"""The generic SVG bar chart: well-formed XML, accessible name, escaped labels, bars proportional."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from services.common.graficas import Barra, barras_horizontales

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_chart_is_well_formed_accessible_svg() -> None:
    root = _parse(
        barras_horizontales(
            "g1",
            "Sexo <y> & más",
            "Mujer: 10, Hombre: <5.",
            [Barra("Mujer", 10, "10"), Barra('Hombre & "otros"', None, "<5")],
        )
    )
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "g1-t g1-d"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Sexo <y> & más" and title.get("id") == "g1-t"
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text == "Mujer: 10, Hombre: <5."
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["Mujer", "10", 'Hombre & "otros"', "<5"]
    # A suppressed cell draws no bar: its length would tell the hidden count.
    assert len(root.findall(f"{SVG}rect")) == 1


def test_bars_are_proportional_and_a_fixed_maximum_is_honoured() -> None:
    root = _parse(barras_horizontales("g", "t", "d", [Barra("a", 10, "10"), Barra("b", 5, "5")]))
    widths = [int(r.get("width", "0")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == 2 * widths[1]
    root = _parse(barras_horizontales("p", "t", "d", [Barra("a", 50, "50 %")], maximo=100))
    (half,) = [int(r.get("width", "0")) for r in root.iter(f"{SVG}rect")]
    full = _parse(barras_horizontales("p", "t", "d", [Barra("a", 100, "100 %")], maximo=100))
    assert half * 2 == int(next(full.iter(f"{SVG}rect")).get("width", "0"))


def test_empty_and_all_zero_charts_are_still_valid() -> None:
    for barras in ([], [Barra("a", 0, "<5")]):
        root = _parse(barras_horizontales("e", "t", "d", barras))
        assert root.findall(f"{SVG}rect") == [] and root.find(f"{SVG}title") is not None


def test_long_labels_are_cut_in_the_chart_only() -> None:
    largo = "Coalición " + "muy " * 20 + "larga"
    root = _parse(barras_horizontales("l", "t", f"{largo}: 7", [Barra(largo, 7, "7")]))
    etiqueta = next(root.iter(f"{SVG}text")).text or ""
    assert etiqueta.endswith("…") and len(etiqueta) == 46 and largo.startswith(etiqueta[:-1])
    assert (root.find(f"{SVG}desc").text or "").startswith(largo)  # type: ignore[union-attr]
