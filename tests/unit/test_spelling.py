"""Spell check of the prose and the package, with codespell.

codespell looks for common misspellings (its built-in dictionaries) and for the
project's own (``spelling/misspellings.txt``, for instance the package name written
``optlab``). ``spelling/words.txt`` lists the words that are right here although a
dictionary would flag them. The check covers the chapters (``book/*.md``), the package
(``book/optimlab``) and ``README.md``.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = pathlib.Path(__file__).resolve().parent / "spelling"
TARGETS = sorted(str(p) for p in (ROOT / "book").glob("*.md")) + [
    str(ROOT / "book" / "optimlab"), str(ROOT / "README.md")]

pytest.importorskip("codespell_lib")


def codespell(*paths: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "codespell_lib",
           "--builtin", "clear,rare,informal",
           "--dictionary", "-", "--dictionary", str(HERE / "misspellings.txt"),
           "--ignore-words", str(HERE / "words.txt"),
           "--skip", "*.pyc,__pycache__", *paths]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)


def test_no_misspellings():
    result = codespell(*TARGETS)
    assert result.returncode == 0, f"codespell found misspellings:\n{result.stdout}{result.stderr}"


def test_the_check_catches_the_project_typo_and_a_common_one(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("The `optlab` optimizers recieve a gradient.\n", encoding="utf-8")
    result = codespell(str(page))
    assert result.returncode != 0
    assert "optlab ==> optimlab" in result.stdout and "recieve ==> receive" in result.stdout
