"""``glue``: hand a computed value to the page's prose, in the book or outside it."""
from __future__ import annotations

# Names this kernel's glue has defined, so gluing the same name again (a cell run twice)
# is allowed and a chapter variable of that name is not silently replaced.
_PUBLISHED: dict[str, object] = {}


class GluedText(str):
    """A glued string whose ``repr`` is the string itself: JupyterLab's MyST renderer
    shows an ``{eval}`name``` as the ``text/plain`` of ``name``, which for a ``str``
    would escape backslashes."""

    def __repr__(self) -> str:
        return str(self)


def glue(name: str, value, display: bool = True):
    """Record ``value`` under ``name`` for the prose (``{eval}`name```).

    - In the book build, myst-nb's ``glue`` records it and the page pastes it.
    - In a kernel (JupyterLab, Binder), ``name`` is also defined in the notebook's
      namespace, which is where JupyterLab's MyST renderer evaluates ``{eval}`name``` once
      the text's cell has run; a chapter variable of that name is an error, not replaced.
    - Without myst-nb (a downloaded chapter run with optimlab alone) the value is shown if
      ``display`` is true and otherwise only defined, and the cell runs on.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise TypeError(f"name must be a string that is a Python identifier (the prose "
                        f"evaluates it), got name={name!r}")
    _publish(name, value)
    try:
        from myst_nb import glue as record
    except ModuleNotFoundError:
        if display:
            from IPython.display import display as show

            show(value)
        return None
    return record(name, value, display=display)


def _publish(name: str, value) -> None:
    try:
        from IPython import get_ipython
    except ModuleNotFoundError:
        return
    shell = get_ipython()
    if shell is None:
        return
    namespace = shell.user_ns
    if name in namespace and namespace[name] is not _PUBLISHED.get(name):
        raise ValueError(f"name={name!r} is already a variable of this notebook; glue the "
                         f"value under another name")
    shown = GluedText(value) if isinstance(value, str) else value
    namespace[name] = _PUBLISHED[name] = shown
