"""Binder's environment (repo2docker's base, then requirements.txt, then ``pip install .``;
see ``binder_env.py``) is consistent and runs the book: ``pip check`` finds no broken
requirement, optimlab is installed and imports from anywhere, the environment holds none
of the test tools, and the site's downloads are the chapters. Every chapter runs in this
environment's JupyterLab, once, from a folder with nothing of the repository but the
chapters (``test_live.py``); what runs there runs as a download.
"""

import subprocess
from pathlib import Path

import jupytext
import nbformat
import yaml

import binder_env

ROOT = binder_env.ROOT
SITE = ROOT / "_build" / "html"
REPOSITORY = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]


def _chapters() -> list[str]:
    return [str(ROOT / f"{doc}.md") for doc in binder_env.toc_pages()]


def test_pip_check_is_clean():
    """No installed package's requirement is broken by requirements.txt's pins (Binder
    installs them over its own JupyterLab and Notebook)."""
    out = subprocess.run([str(binder_env.python()), "-m", "pip", "check"], capture_output=True,
                         text=True, env=binder_env.environ(Path.home()))
    assert out.returncode == 0, out.stdout + out.stderr


def test_optimlab_is_installed_from_the_repository(tmp_path):
    """repo2docker runs ``pip install .``: optimlab imports from anywhere, not just book/,
    with its data (the recorded library runs the chapters quote)."""
    out = subprocess.run([str(binder_env.python()), "-c",
                          "import optimlab, sys; print(optimlab.__file__); "
                          "print(optimlab.run(optimlab.sgd(0.1), optimlab.seed000_bowl(), "
                          "[-10.0, 1.5], 3).final.tolist()); "
                          "print(len(optimlab.conventions.recorded_runs()['cases']))"],
                         cwd=tmp_path, capture_output=True, text=True,
                         env=binder_env.environ(Path.home()))
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert "site-packages" in lines[0]
    assert int(lines[-1]) >= 30  # the recorded library runs are package data


def test_the_environment_is_binders_files_alone():
    """None of the test tools is installed there: what runs there needs only Binder's files."""
    probe = subprocess.run([str(binder_env.python()), "-c", "import pytest"], capture_output=True)
    assert probe.returncode != 0


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
        # the code a reader downloads is the code JupyterLab ran (test_live.py)
        assert [c.source for c in cells if c.cell_type == "code"] == [
            c.source for c in source.cells if c.cell_type == "code"], rel
        # the first cell says how to get optimlab, from the book's own repository address
        assert "optimlab-download-note" in note.metadata["tags"]
        assert f"git+{REPOSITORY}" in note.source and "pip install" in note.source
