"""The chapters are stored exactly as jupytext writes them.

JupyterLab opens a chapter through jupytext and saves it back through jupytext; if the
file were in any other form, merely reading a chapter would rewrite it (and leave a
clone's ``git status`` dirty). So a round trip through jupytext (read, then write in the
chapters' own MyST format) must give every chapter back byte for byte.
"""
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p for p in (ROOT / "book").glob("*.md")
                  if "jupytext:" in p.read_text(encoding="utf-8"))


def test_the_chapters_are_jupytext_notebooks():
    assert len(CHAPTERS) >= 11


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_a_jupytext_round_trip_changes_nothing(path):
    text = path.read_text(encoding="utf-8")
    again = jupytext.writes(jupytext.read(path), fmt="md:myst")
    assert again == text, "not in jupytext's own form: run `jupytext --to md:myst` on it"
