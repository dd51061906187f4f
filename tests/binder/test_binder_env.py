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
import yaml

import binder_env

ROOT = binder_env.ROOT
SITE = ROOT / "_build" / "html"
REPOSITORY = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
# Runs notebooks (a page's .md through jupytext, or a downloaded .ipynb) in a folder,
# reporting every failure.
RUNNER = r"""
import json, sys
import jupytext, nbformat
from nbclient import NotebookClient
failures = {}
for path, folder in json.loads(sys.argv[1]):
    nb = nbformat.read(path, as_version=4) if path.endswith(".ipynb") else jupytext.read(path)
    try:
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


def test_the_pages_without_a_deck_execute_there_as_downloaded(tmp_path):
    """The pages without a deck run in Binder's environment. Those the site offers as a
    notebook run as a reader downloads them: the site's .ipynb, alone in a folder of its
    own, with the optimlab that ``pip install .`` put there."""
    python = binder_env.python()
    # the environment has none of the test tools: it is Binder's files alone
    probe = subprocess.run([str(python), "-c", "import pytest"], capture_output=True)
    assert probe.returncode != 0
    jobs = []
    for doc in WITHOUT_DECK:
        download = SITE / "_sources" / f"{doc}.ipynb"
        if download.is_file():
            folder = tmp_path / Path(doc).name
            folder.mkdir()
            jobs.append((str(download), str(folder)))
        else:
            jobs.append((str(ROOT / f"{doc}.md"), str((ROOT / doc).parent)))
    assert sum(path.endswith(".ipynb") for path, _ in jobs) >= 2  # intro, notation at least
    out = subprocess.run([str(python), "-c", RUNNER, json.dumps(jobs)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=600,
                         env=binder_env.environ(Path.home()))
    assert out.returncode == 0, out.stderr[-3000:]
    failures = json.loads(out.stdout.strip().splitlines()[-1])
    assert failures == {}


def test_every_notebook_page_is_downloadable_as_ipynb():
    site = SITE
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
        note, *cells = nb.cells
        assert [c.cell_type for c in cells] == [c.cell_type for c in source.cells]
        # the first cell says how to get optimlab, from the book's own repository address
        assert "optimlab-download-note" in note.metadata["tags"]
        assert f"git+{REPOSITORY}" in note.source and "pip install" in note.source
