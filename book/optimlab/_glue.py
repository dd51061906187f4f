"""``glue``: hand a computed value to the page's prose, in the book or outside it."""
from __future__ import annotations

# myst-nb's glue format, written here rather than by importing myst_nb.glue: that import
# pulls in nbformat and jsonschema, about 1.5 s of every kernel's start (the test suite
# holds the two records equal).
GLUE_PREFIX = "application/papermill.record/"
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

    - In a kernel (the book build, JupyterLab, Binder) the cell's output carries the value
      as myst-nb's ``glue`` records it (``display=False``: under a MIME type no front end
      shows), and the page pastes it; ``name`` is also defined in the notebook's
      namespace, which is where JupyterLab's MyST renderer evaluates ``{eval}`name```
      once the text's cell has run. A chapter variable of that name is an error.
    - Outside IPython (a chapter's code run as a script) the value is shown if
      ``display`` is true, and the code runs on.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise TypeError(f"name must be a string that is a Python identifier (the prose "
                        f"evaluates it), got name={name!r}")
    shell = _shell()
    if shell is None:
        if display:
            print(repr(value))
        return None
    _publish(shell, name, value)
    from IPython.core.formatters import format_display_data
    from IPython.display import display as show

    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    show({prefix + mime: data for mime, data in bundle.items()}, raw=True, metadata=metadata)
    return None


def _shell():
    try:
        from IPython import get_ipython
    except ModuleNotFoundError:
        return None
    return get_ipython()


def _publish(shell, name: str, value) -> None:
    namespace = shell.user_ns
    if name in namespace and namespace[name] is not _PUBLISHED.get(name):
        raise ValueError(f"name={name!r} is already a variable of this notebook; glue the "
                         f"value under another name")
    shown = GluedText(value) if isinstance(value, str) else value
    namespace[name] = _PUBLISHED[name] = shown
