"""The project's documentation stands on its own: no reference to a design document outside the repository,
and every relative link in README.md and docs/ leads to a file that exists."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Documents the project was designed from that never were in this repository.
OUTSIDE = re.compile(r"DESIGN\.md|domain\.md|style-anchors\.md|\.\./shared/|/work/shared")
LINK = re.compile(r"\]\(([^)#\s]+)(#[^)\s]*)?\)")


def _tracked() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=30)
    return [ROOT / name for name in out.stdout.splitlines()]


def test_nothing_points_outside_the_repository() -> None:
    offenders = []
    for path in _tracked():
        # An applied migration never changes (its checksum is recorded); docs/design.md explains its old name.
        if path.parts[-2] == "migrations" or path.name in ("test_docs.py", "design.md") or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offenders += [
            f"{path.relative_to(ROOT)}:{n}" for n, line in enumerate(text.splitlines(), 1) if OUTSIDE.search(line)
        ]
    assert offenders == []


def test_the_design_is_in_the_repository() -> None:
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (\d+)\. ", design, flags=re.M)
    assert headings == [str(n) for n in range(1, 11)]
    for subject in ("Who uses it", "Data ownership", "States", "Jobs", "Public site", "Budgets", "32 OPLs"):
        assert subject in design
    assert "docs/design.md" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "document", ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md"))]
)
def test_relative_links_lead_somewhere(document: str) -> None:
    path = ROOT / document
    broken = []
    for target, _anchor in LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # http:, https:, mailto:
        if not (path.parent / target).exists():
            broken.append(target)
    assert broken == []
