"""What every PDF the system prints shares (reportlab, the project's one PDF library): the page and its
metadata, and text made safe for reportlab's Paragraph markup."""

from __future__ import annotations

from typing import IO

from reportlab.lib.pagesizes import letter
from reportlab.lib.units import cm
from reportlab.platypus import SimpleDocTemplate


def escape(text: str) -> str:
    """Paragraph parses a small XML markup: what people wrote is data, never markup. Line breaks are kept."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("\r\n", "\n").replace("\n", "<br/>")


def document(buffer: IO[bytes], *, title: str, author: str, subject: str = "") -> SimpleDocTemplate:
    """A letter page with the institute's margins. The same content gives the same file (no embedded timestamp
    or random id), so a cached ETag holds and a regenerated form compares equal."""
    return SimpleDocTemplate(
        buffer,
        pagesize=letter,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=1.8 * cm,
        title=title,
        author=author,
        subject=subject,
        creator="Conóceles",
        invariant=1,
    )
