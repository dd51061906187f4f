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
# The pages that take about twice as long as any other start first, so the two kernels
# finish together (in the book's order, the longest came last: about 7 s more).
FIRST = ("comparison", "training")


def main() -> None:
    from jupyter_cache import get_cache

    cache = get_cache(str(CACHE))
    pages = [str(ROOT / f"{doc}.md") for doc in toc_pages(ROOT)
             if "kernelspec:" in (ROOT / f"{doc}.md").read_text(encoding="utf-8")]  # notebooks
    for page in pages:
        cache.add_nb_to_project(page, read_data=MYST_READER)
    stale = [r.uri for r in cache.list_unexecuted(filter_uris=pages)]
    if not stale:
        return
    print(f"execute: {len(stale)} page(s) not in the cache, run in parallel")
    failed = _execute(cache, sorted(stale, key=_order))
    if failed:
        print(f"execute: {len(failed)} page(s) failed; the build runs them again: {failed}")


def _order(uri: str) -> int:
    name = Path(uri).stem
    return FIRST.index(name) if name in FIRST else len(FIRST)


def _execute(cache, uris: list[str]) -> list[str]:
    """jupyter-cache's ``local-parallel`` executor, with the pages handed out one at a
    time in the given order (it deals them out two at a time in the cache's order)."""
    import multiprocessing

    from jupyter_cache.cache.db import NbProjectRecord
    from jupyter_cache.executors.basic import ExecutionWorkerLocalMProc, ProcessData

    records = {r.uri: r for r in cache.list_unexecuted(filter_uris=uris)}
    NbProjectRecord.remove_tracebacks([r.pk for r in records.values()], cache.db)
    jobs = [ProcessData(records[u].pk, u, cache, TIMEOUT, False) for u in uris if u in records]
    with multiprocessing.Pool() as pool:
        results = list(pool.imap_unordered(ExecutionWorkerLocalMProc(), jobs, chunksize=1))
    return [uri for status, uri in results if status != 0]


if __name__ == "__main__":
    main()
