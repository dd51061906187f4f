"""Binder builds its environment from requirements.txt alone: a fresh virtual
environment made from that file (nothing else) executes every chapter.

The environment lives in ``_build/binder-venv`` and is rebuilt whenever
requirements.txt changes; pip's cache makes the rebuild a copy, not a download.
"""

import hashlib
import json
import re
import subprocess
import venv
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[2]
ENV = ROOT / "_build" / "binder-venv"
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
    except Exception as exc:  # report every failing chapter, not just the first
        failures[path] = f"{type(exc).__name__}: {exc}"[-2000:]
print(json.dumps(failures))
"""


def _fresh_env() -> Path:
    reqs = (ROOT / "requirements.txt").read_bytes()
    stamp = ENV / "requirements.sha256"
    digest = hashlib.sha256(reqs).hexdigest()
    python = ENV / "bin" / "python"
    if not (python.exists() and stamp.exists() and stamp.read_text() == digest):
        venv.EnvBuilder(clear=True, with_pip=True).create(ENV)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        "-r", str(ROOT / "requirements.txt")], check=True)
        subprocess.run([str(python), "-m", "ipykernel", "install", "--prefix", str(ENV)],
                       check=True, capture_output=True)
        stamp.write_text(digest)
    return python


def _chapters() -> list[str]:
    toc = json.dumps(yaml.safe_load((ROOT / "_toc.yml").read_text()))
    files = re.findall(r'"(?:root|file)": "([^"]+)"', toc)
    return [str(ROOT / f"{f}.md") for f in files]


def test_requirements_alone_execute_every_chapter():
    python = _fresh_env()
    # the fresh environment has none of the test tools: it really is requirements.txt alone
    probe = subprocess.run([str(python), "-c", "import pytest"], capture_output=True)
    assert probe.returncode != 0
    out = subprocess.run([str(python), "-c", RUNNER, json.dumps(_chapters())], cwd=ROOT,
                         capture_output=True, text=True, timeout=1200,
                         env={"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(Path.home()),
                              "JUPYTER_PATH": str(ENV / "share" / "jupyter")})
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
