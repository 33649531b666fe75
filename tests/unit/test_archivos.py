"""The sent name of an upload, reduced to a plain name for the record (services/common/archivos.py)."""

from __future__ import annotations

import pytest

from services.common.archivos import plain_filename


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("firmado.pdf", "firmado.pdf"),
        ("../../../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\system32\\firmado.pdf", "firmado.pdf"),
        ("C:\\Users\\Ana\\Escritorio\\formato firmado.pdf", "formato firmado.pdf"),
        ("/etc/", ""),
        ("firmado\u202efdp.exe", "firmadofdp.exe"),
        ("a\r\nContent-Type: text/html\x00.pdf", "aContent-Type: text/html.pdf"),
        ("..", ""),
        (".htaccess", "htaccess"),
        ("  espacios  .pdf  ", "espacios  .pdf"),
        ("Ñandú «año» 2027.pdf", "Ñandú «año» 2027.pdf"),
        ("x" * 300 + ".pdf", "x" * 200),
    ],
)
def test_a_sent_name_is_kept_as_a_plain_name(sent: str, kept: str) -> None:
    assert plain_filename(sent) == kept
