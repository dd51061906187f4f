"""Binder's environment (repo2docker's base, then requirements.txt, then ``pip install .``;
see ``binder_env.py``) is consistent and runs the book: ``pip check`` finds no broken
requirement, optimlab is installed, and every page executes there. The chapters with a
deck run in its JupyterLab, with their live panels (``tests/slides/test_rise_live.py``);
the other pages run here, with nbclient.
"""

import json
import subprocess
from pathlib import Path

import jupytext
import nbformat

import binder_env

ROOT = binder_env.ROOT
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
WITHOUT_DECK = [doc for doc in binder_env.toc_pages() if doc not in binder_env.deck_chapters()]


def _chapters() -> list[str]:
    return [str(ROOT / f"{doc}.md") for doc in binder_env.toc_pages()]


def test_pip_check_is_clean():
    """No installed package's requirement is broken by requirements.txt's pins (Binder
    installs them over its own JupyterLab and Notebook)."""
    out = subprocess.run([str(binder_env.python()), "-m", "pip", "check"], capture_output=True,
                         text=True, env=binder_env.environ(Path.home()))
    assert out.returncode == 0, out.stdout + out.stderr


def test_optimlab_is_installed_from_the_repository(tmp_path):
    """repo2docker runs ``pip install .``: optimlab imports from anywhere, not just book/."""
    out = subprocess.run([str(binder_env.python()), "-c",
                          "import optimlab, sys; print(optimlab.__file__); "
                          "print(optimlab.run(optimlab.sgd(0.1), optimlab.seed000_bowl(), "
                          "[-10.0, 1.5], 3).final.tolist())"],
                         cwd=tmp_path, capture_output=True, text=True,
                         env=binder_env.environ(Path.home()))
    assert out.returncode == 0, out.stderr[-2000:]
    assert "site-packages" in out.stdout.splitlines()[0]


def test_every_page_executes_in_the_binder_environment_once():
    """The pages run here and the chapters run in JupyterLab are the whole book, once."""
    decks = binder_env.deck_chapters()
    assert sorted(WITHOUT_DECK + decks) == sorted(binder_env.toc_pages())
    assert len(decks) >= 8 and "book/intro" in WITHOUT_DECK


def test_requirements_alone_execute_the_pages_without_a_deck(tmp_path):
    python = binder_env.python()
    # the environment has none of the test tools: it is Binder's files alone
    probe = subprocess.run([str(python), "-c", "import pytest"], capture_output=True)
    assert probe.returncode != 0
    pages = [str(ROOT / f"{doc}.md") for doc in WITHOUT_DECK]
    out = subprocess.run([str(python), "-c", RUNNER, json.dumps(pages)], cwd=ROOT,
                         capture_output=True, text=True, timeout=600,
                         env=binder_env.environ(Path.home()))
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
