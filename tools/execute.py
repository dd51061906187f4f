"""Execute the book's stale pages in parallel, into the cache the build reads.

``make book`` runs this before ``jupyter-book build``. myst-nb executes a page while
Sphinx reads it, one page after another; run first, this executes every page whose code
is not in the execution cache yet, one kernel per core (jupyter-cache's ``local-parallel``
executor, in the page's own folder as the build does), and the build then finds every
page in the cache. Pages read with myst-nb's own reader hash the same as in the build.

A page that fails here is left out of the cache: the build then executes it again and
fails on it with its traceback, so nothing is hidden by this step.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from optimlab_slides import toc_pages  # noqa: E402

MYST_READER = {"name": "myst_nb_md", "type": "plugin"}
TIMEOUT = 300  # as _config.yml's execute.timeout


def main() -> None:
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    cache = get_cache(str(CACHE))
    pages = [str(ROOT / f"{doc}.md") for doc in toc_pages(ROOT)
             if "kernelspec:" in (ROOT / f"{doc}.md").read_text(encoding="utf-8")]  # notebooks
    for page in pages:
        cache.add_nb_to_project(page, read_data=MYST_READER)
    stale = [r.uri for r in cache.list_unexecuted(filter_uris=pages)]
    if not stale:
        return
    print(f"execute: {len(stale)} page(s) not in the cache, run in parallel")
    result = load_executor("local-parallel", cache).run_and_cache(
        filter_uris=stale, timeout=TIMEOUT, allow_errors=False)
    failed = result.excepted + result.errored
    if failed:
        print(f"execute: {len(failed)} page(s) failed; the build runs them again: {failed}")


if __name__ == "__main__":
    main()
