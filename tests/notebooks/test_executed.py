"""Every page of the table of contents was executed by the build, and is not stale.

``make book`` executes each page once (myst-nb, cached by jupyter-cache) and fails on a
cell that raises (``allow_errors: false``) or warns (``-W``). These tests read what that
build left in ``_build/jupyter_execute`` instead of executing the pages a second time:
each page's executed notebook is there, holds exactly the page's current code and no
error, and the execution cache holds a complete run of that code; and the build's stamps
match optimlab, the pinned environment,
the extensions and the site's assets as they are now (``tools/stamp.py``).
"""
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXECUTED = ROOT / "_build" / "jupyter_execute"
CACHE = ROOT / "_build" / ".jupyter_cache"
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "book" / "_ext")]
import optimlab_slides  # noqa: E402
import stamp  # noqa: E402

PAGES = optimlab_slides.toc_pages(ROOT)
# Pages with a jupytext header are notebooks, executed by the build; the rest are text.
NOTEBOOKS = [p for p in PAGES if "kernelspec:" in (ROOT / f"{p}.md").read_text(encoding="utf-8")]


def test_toc_lists_the_chapters():
    assert "book/rmsprop" in PAGES and PAGES[0] == "book/intro"


@pytest.mark.parametrize("kind", sorted(stamp.INPUTS))
def test_the_build_is_current(kind):
    assert not stamp.stale(kind), (f"the build's {kind} stamp does not match the sources: "
                                   "run `make book`")


def test_every_chapter_is_a_notebook():
    assert set(optimlab_slides.deck_chapters(ROOT)) <= set(NOTEBOOKS) and len(NOTEBOOKS) >= 10


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_page_was_executed_by_the_build(page):
    source = jupytext.read(ROOT / f"{page}.md")
    path = EXECUTED / f"{page}.ipynb"
    assert path.is_file(), f"{path.relative_to(ROOT)} missing: run `make book`"
    executed = nbformat.read(path, as_version=4)
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert [c.source for c in code] == [c.source for c in source.cells if c.cell_type == "code"], (
        "the executed notebook is not this page's current code")
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{page}: {errors[0].ename}: {errors[0].evalue}"


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_page_ran_to_the_end_in_the_build(page):
    """jupyter-cache keeps a notebook only when every cell ran without an error: the cache
    holds a run of the page's current code (read as the build reads it)."""
    from jupyter_cache import get_cache

    cache = get_cache(str(CACHE))
    nb = cache.get_project_notebook(str(ROOT / f"{page}.md")).nb
    try:
        cache.match_cache_notebook(nb)
    except KeyError:
        pytest.fail(f"{page}: no successful run of its current code in the cache")
