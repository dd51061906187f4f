"""What a build may keep: two stamps, one for executed outputs and one for rendered pages.

``make book`` runs ``python tools/stamp.py refresh`` before ``jupyter-book build``:

* **execution** (``_build/.stamp-execution``): the digest of optimlab (its code and data) and of
  the pinned environment (``requirements.txt``, ``runtime.txt``). jupyter-cache keys a
  notebook on its code only, so when optimlab or a pinned numpy/matplotlib changes, the
  cached outputs could be stale: the execution cache is dropped, and with it every page.
* **rendering** (``_build/.stamp-rendering``): the digest of the Sphinx extensions, the
  site's CSS and page script, ``_config.yml`` and ``_toc.yml``. Sphinx rebuilds only pages
  whose source changed, so when these change the rendered pages are dropped, and the
  cached execution is kept: a CSS edit re-renders the site without re-running a chapter.

``python tools/stamp.py show`` prints both digests; the tests compare them with the stamps
of the build they check, so a stale build fails the suite.
"""
from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
INPUTS = {
    "execution": ["book/optimlab/*.py", "book/optimlab/recorded/*.json", "requirements.txt",
                  "runtime.txt"],
    "rendering": ["book/_ext/*.py", "assets/*.css", "assets/*.js", "assets/engine/*.js",
                  "assets/panel/*.js", "_config.yml", "_toc.yml"],
}
# What each stamp's change throws away (the rendering outputs go with the execution too).
DROPS = {
    "execution": [".jupyter_cache"],
    "rendering": [".doctrees", "html", "jupyter_execute"],
}


def digest(kind: str) -> str:
    """sha256 over the named files (sorted by path, each path hashed with its bytes)."""
    h = hashlib.sha256()
    for pattern in INPUTS[kind]:
        for path in sorted(ROOT.glob(pattern)):
            h.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def stamp_path(kind: str) -> Path:
    return BUILD / f".stamp-{kind}"


def stale(kind: str) -> bool:
    path = stamp_path(kind)
    return not path.is_file() or path.read_text().strip() != digest(kind)


def refresh() -> None:
    """Drop what a changed input makes stale, then record the current digests."""
    drop = []
    if stale("execution"):
        drop += DROPS["execution"] + DROPS["rendering"]
    elif stale("rendering"):
        drop += DROPS["rendering"]
    for name in drop:
        shutil.rmtree(BUILD / name, ignore_errors=True)
    if drop:
        print(f"stamp: dropped _build/{{{','.join(drop)}}}")
    BUILD.mkdir(exist_ok=True)
    for kind in INPUTS:
        stamp_path(kind).write_text(digest(kind) + "\n")


def main(argv: list[str]) -> None:
    if argv == ["refresh"]:
        refresh()
    elif argv == ["show"]:
        for kind in INPUTS:
            print(kind, digest(kind), "stale" if stale(kind) else "current")
    else:
        raise SystemExit("usage: python tools/stamp.py refresh|show")


if __name__ == "__main__":
    main(sys.argv[1:])
