"""Binder builds its environment from requirements.txt alone: in a fresh virtual
environment made from that file (nothing else, see ``fresh_env.py``) every page of the
book executes. The chapters with a deck run there in JupyterLab, with their live panels
(``tests/slides/test_rise_live.py``); the other pages run here, with nbclient.
"""

import json
import subprocess
from pathlib import Path

import jupytext
import nbformat

import fresh_env

ROOT = fresh_env.ROOT
RUNNER = r"""
import json, pathlib, sys
import jupytext
from nbclient import NotebookClient
failures = {}
for path in json.loads(sys.argv[1]):
    nb = jupytext.read(path)
    try:
        folder = str(pathlib.Path(path).parent)
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": folder}}).execute()
    except Exception as exc:  # report every failing page, not just the first
        failures[path] = f"{type(exc).__name__}: {exc}"[-2000:]
print(json.dumps(failures))
"""
WITHOUT_DECK = [doc for doc in fresh_env.toc_pages() if doc not in fresh_env.deck_chapters()]


def _chapters() -> list[str]:
    return [str(ROOT / f"{doc}.md") for doc in fresh_env.toc_pages()]


def test_every_page_executes_in_the_fresh_environment_once():
    """The pages run here and the chapters run in JupyterLab are the whole book, once."""
    decks = fresh_env.deck_chapters()
    assert sorted(WITHOUT_DECK + decks) == sorted(fresh_env.toc_pages())
    assert len(decks) >= 8 and "book/intro" in WITHOUT_DECK


def test_requirements_alone_execute_the_pages_without_a_deck(tmp_path):
    python = fresh_env.python()
    # the fresh environment has none of the test tools: it really is requirements.txt alone
    probe = subprocess.run([str(python), "-c", "import pytest"], capture_output=True)
    assert probe.returncode != 0
    pages = [str(ROOT / f"{doc}.md") for doc in WITHOUT_DECK]
    out = subprocess.run([str(python), "-c", RUNNER, json.dumps(pages)], cwd=ROOT,
                         capture_output=True, text=True, timeout=600,
                         env=fresh_env.environ(Path.home()))
    assert out.returncode == 0, out.stderr[-3000:]
    failures = json.loads(out.stdout.strip().splitlines()[-1])
    assert failures == {}


def test_every_notebook_page_is_downloadable_as_ipynb():
    site = ROOT / "_build" / "html"
    notebooks = [md for md in _chapters() if "kernelspec:" in Path(md).read_text()]
    assert len(notebooks) >= 10
    for md in notebooks:
        rel = Path(md).relative_to(ROOT).with_suffix("")
        page = (site / rel).with_suffix(".html").read_text()
        link = f'_sources/{rel.as_posix()}.ipynb'
        assert link in page, f"{rel}: no .ipynb download link"
        nb = nbformat.read(site / link, as_version=4)
        nbformat.validate(nb)
        source = jupytext.read(md)
        assert [c.cell_type for c in nb.cells] == [c.cell_type for c in source.cells]
