"""Binder's environment, built here the way repo2docker's Python build pack builds it.

repo2docker starts from its own base environment (JupyterLab, Notebook, JupyterHub's
single-user server, ipywidgets, ...; ``base-environment.txt`` pins what its Python 3.11
lock holds), installs ``requirements.txt`` on top of it, and then, because
``pyproject.toml`` has a ``[project]`` table, ``pip install .`` (optimlab itself). This
module makes that environment in ``_build/binder-venv`` (a virtual environment with none
of the test tools), again only when one of those files changes, with uv, which installs
the same pinned packages as pip from its cache in seconds. ``postBuild`` (which writes
the presenter notebooks by running every chapter) is not run here: the presenter
notebooks come from ``make slides``, and the live test checks that running the chapters
there gives the build's numbers.

``tests/binder/test_live.py`` executes every page of the table of contents in this
environment's JupyterLab exactly once, as a student on Binder would.
"""
from __future__ import annotations

import fcntl
import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV = ROOT / "_build" / "binder-venv"
BASE = Path(__file__).with_name("base-environment.txt")
INPUTS = [BASE, ROOT / "requirements.txt", ROOT / "pyproject.toml"]
PACKAGE = ROOT / "book" / "optimlab"  # installed again whenever one of its files changes
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import optimlab_slides  # noqa: E402


# uv (pinned in requirements-test.txt) installs the same pinned packages as pip would, in a
# fraction of the time: the environment is rebuilt on every clean clone.
UV = Path(sys.executable).with_name("uv")


def _install(exe: Path, *args: str) -> None:
    subprocess.run([str(UV), "pip", "install", "--quiet", "--python", str(exe), *args],
                   check=True, cwd=ROOT)


def python() -> Path:
    """The environment's interpreter, (re)built first if one of its inputs changed."""
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in INPUTS)).hexdigest()
    stamp, exe = ENV / "inputs.sha256", ENV / "bin" / "python"
    ENV.parent.mkdir(parents=True, exist_ok=True)
    with open(ENV.parent / "binder-venv.lock", "w") as lock:  # tests in parallel build it once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (exe.exists() and stamp.exists() and stamp.read_text() == digest):
            # --seed: pip too, which `pip check` and a student's `pip install` need
            subprocess.run([str(UV), "venv", "--quiet", "--seed", "--clear", "--python",
                            sys.executable, str(ENV)], check=True)
            _install(exe, "-r", str(BASE))
            _install(exe, "-r", "requirements.txt")
            _install(exe, ".")
            subprocess.run([str(exe), "-m", "ipykernel", "install", "--prefix", str(ENV)],
                           check=True, capture_output=True)
            stamp.write_text(digest)
            (ENV / "package.sha256").write_text(_package_digest())
        elif (not (ENV / "package.sha256").exists()
              or (ENV / "package.sha256").read_text() != _package_digest()):
            _install(exe, "--reinstall-package", "optimlab", ".")  # a second or two
            (ENV / "package.sha256").write_text(_package_digest())
    return exe


def _package_digest() -> str:
    """A digest of optimlab's files (its code and package data), names included."""
    files = sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return hashlib.sha256(b"".join(str(p.relative_to(PACKAGE)).encode() + p.read_bytes()
                                   for p in files)).hexdigest()


def environ(home: Path) -> dict[str, str]:
    """Environment variables for processes of the Binder environment (nothing of ours)."""
    exe = ENV / "bin" / "python"
    return {"PATH": f"{exe.parent}:/usr/bin:/bin", "HOME": str(home),
            "JUPYTER_PATH": str(ENV / "share" / "jupyter")}


def toc_pages() -> list[str]:
    """Docnames of every page in _toc.yml (``book/intro``, ...)."""
    return optimlab_slides.toc_pages(ROOT)


def deck_chapters() -> list[str]:
    """The chapters with a deck: ``test_live.py`` shows them in RISE in this environment."""
    return optimlab_slides.deck_chapters(ROOT)
