"""The text a form without a session hands back: what the person wrote, never tokens, versions or files."""

from __future__ import annotations

from services.common.texto_perdido import MAX_CHARS, MAX_FIELDS, TextoEnviado, textos_enviados


def test_keeps_written_text_in_order_and_drops_plumbing_blanks_and_files() -> None:
    form = [
        ("csrf_token", "secreto"),
        ("version", "3"),
        ("propuesta_1", "Agua potable"),
        ("propuesta_2", "   "),
        ("foto", object()),
        ("propuesta_genero", "Guarderías"),
    ]
    assert textos_enviados(form) == [
        TextoEnviado("propuesta_1", "Agua potable"),
        TextoEnviado("propuesta_genero", "Guarderías"),
    ]


def test_bounds_what_it_shows() -> None:
    many = [(f"campo_{i}", "x" * (MAX_CHARS + 5)) for i in range(MAX_FIELDS + 5)]
    kept = textos_enviados(many)
    assert len(kept) == MAX_FIELDS and all(len(t.texto) == MAX_CHARS for t in kept)
