"""``glue``: hand a computed value to the page's prose, in the book or outside it."""
from __future__ import annotations


def glue(name: str, value, display: bool = True):
    """Record ``value`` under ``name`` for the prose (``{glue:text}`name```), as myst-nb's
    ``glue`` does when myst-nb is installed (the book build, Binder). Without myst-nb (a
    downloaded chapter run with optimlab alone) there is no prose to fill: the value is
    shown if ``display`` is true and otherwise dropped, and the cell runs on."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string naming the value, got name={name!r}")
    try:
        from myst_nb import glue as record
    except ModuleNotFoundError:
        if display:
            from IPython.display import display as show

            show(value)
        return None
    return record(name, value, display=display)
