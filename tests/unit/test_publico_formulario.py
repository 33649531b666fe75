"""The list form's options escaped once per generation (services/publico/formulario.py) are the bytes the template's
loop wrote: same escaping, the chosen value marked, an unknown or absent value marking none."""

from __future__ import annotations

import jinja2

from services.publico.formulario import OpcionesHtml, formulario

# The loop candidaturas.html ran on every miss before the options were kept as HTML.
LOOP = jinja2.Environment(autoescape=True).from_string(
    '{% for value, label in opciones %}<option value="{{ value }}" '
    "{% if value == elegido %}selected{% endif %}>{{ label }}</option>{% endfor %}"
)
OPCIONES = [(16053, "Morelia"), (16001, 'Acuitzio <"del Canje">'), ("a&b", "Tú & yo"), (7, "Siete")]


def test_the_same_bytes_as_the_template_loop() -> None:
    html = OpcionesHtml.of(OPCIONES)
    for elegido in (None, 16053, 16001, "a&b", 7, 99999, "16053"):
        assert str(html.html(elegido)) == LOOP.render(opciones=OPCIONES, elegido=elegido), elegido


def test_one_option_marked_and_the_text_escaped() -> None:
    html = str(formulario({"municipio": OPCIONES})["municipio"].html(16001))
    assert html.count(" selected>") == 1
    assert '<option value="16001" selected>Acuitzio &lt;&#34;del Canje&#34;&gt;' in html
    assert '<option value="a&amp;b" >Tú &amp; yo</option>' in html
