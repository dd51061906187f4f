"""Binder's environment, as near as this machine gets to it: a fresh virtual environment
made from ``requirements.txt`` alone (no test tools), in ``_build/binder-venv``.

It is rebuilt whenever requirements.txt changes; pip's cache makes the rebuild a copy,
not a download. Two tests run the book in it, and between them every page of the table
of contents executes there exactly once: ``tests/binder/test_fresh_env.py`` runs the
pages without a deck with nbclient, and ``tests/slides/test_rise_live.py`` runs every
chapter with a deck in this environment's JupyterLab, as a student on Binder would.
"""
from __future__ import annotations

import fcntl
import hashlib
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import optimlab_slides  # noqa: E402
ENV = ROOT / "_build" / "binder-venv"


def python() -> Path:
    """The environment's interpreter, (re)built first if requirements.txt changed."""
    digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()
    stamp, exe = ENV / "requirements.sha256", ENV / "bin" / "python"
    ENV.parent.mkdir(parents=True, exist_ok=True)
    with open(ENV.parent / "binder-venv.lock", "w") as lock:  # tests in parallel build it once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (exe.exists() and stamp.exists() and stamp.read_text() == digest):
            venv.EnvBuilder(clear=True, with_pip=True).create(ENV)
            subprocess.run([str(exe), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                            "-r", str(ROOT / "requirements.txt")], check=True)
            subprocess.run([str(exe), "-m", "ipykernel", "install", "--prefix", str(ENV)],
                           check=True, capture_output=True)
            stamp.write_text(digest)
    return exe


def environ(home: Path) -> dict[str, str]:
    """Environment variables for processes of the fresh environment (nothing of ours)."""
    exe = ENV / "bin" / "python"
    return {"PATH": f"{exe.parent}:/usr/bin:/bin", "HOME": str(home),
            "JUPYTER_PATH": str(ENV / "share" / "jupyter")}


def toc_pages() -> list[str]:
    """Docnames of every page in _toc.yml (``book/intro``, ...)."""
    return optimlab_slides.toc_pages(ROOT)


def deck_chapters() -> list[str]:
    """The chapters with a deck: ``test_rise_live.py`` runs them in this environment."""
    return optimlab_slides.deck_chapters(ROOT)
