"""``optimlab.glue``: in a kernel, the record myst-nb's glue writes (without importing
myst-nb) and the name defined for JupyterLab's MyST renderer; outside IPython, a chapter's
code still runs."""
import subprocess
import sys
from pathlib import Path

import pytest

import optimlab as ol

BOOK = Path(ol.__file__).resolve().parents[1]


def _records(glue, monkeypatch, *args, **kw):
    """What ``glue(*args, **kw)`` hands to IPython's ``display``."""
    import IPython.display

    from myst_nb.ext import glue as myst_glue

    calls = []
    record = lambda *a, **k: calls.append((a, k))  # noqa: E731
    monkeypatch.setattr(IPython.display, "display", record)
    monkeypatch.setattr(myst_glue, "ipy_display", record)  # bound at its import
    glue(*args, **kw)
    return calls


@pytest.mark.parametrize("display", [False, True])
@pytest.mark.parametrize("value", [1.5, "0.5\\,\\eta", "x" * 3])
def test_the_record_is_myst_nbs_glue(kernel, monkeypatch, value, display):
    """optimlab writes myst-nb's glue record itself (importing myst-nb costs a kernel
    about 1.5 s): the same bundle, metadata and MIME prefix as ``myst_nb.glue``."""
    from myst_nb.ext import glue as myst_glue

    ours = _records(ol.glue, monkeypatch, "glued", value, display=display)
    theirs = _records(myst_glue.glue, monkeypatch, "glued", value, display)
    assert ours == theirs and len(ours) == 1
    (bundle,), kw = ours[0]
    assert kw["metadata"]["scrapbook"]["name"] == "glued"
    assert all(mime.startswith(myst_glue.GLUE_PREFIX) != display for mime in bundle)


def test_a_markdown_table_is_recorded_as_myst_nb_records_it(kernel, monkeypatch):
    from IPython.display import Markdown
    from myst_nb.ext import glue as myst_glue

    table = Markdown("| a | b |\n|---|---|\n| 1 | 2 |")
    ours = _records(ol.glue, monkeypatch, "table", table, display=False)
    assert ours == _records(myst_glue.glue, monkeypatch, "table", table, False)
    assert myst_glue.GLUE_PREFIX + "text/markdown" in ours[0][0][0]


def _python(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=BOOK, check=True)
    return out.stdout


def test_a_kernel_that_glues_never_imports_myst_nb():
    code = ("import sys; from IPython.core.interactiveshell import InteractiveShell; "
            "InteractiveShell.instance(); import optimlab as ol; "
            "ol.glue('a', 1.0, display=False); ol.glue('b', 'x'); "
            "print(sorted(m for m in ('myst_nb', 'nbformat', 'jsonschema') if m in sys.modules))")
    assert _python(code).strip().splitlines()[-1] == "[]"


def test_outside_ipython_a_hidden_value_is_dropped_and_a_shown_one_printed():
    code = "import optimlab as ol; ol.glue('hidden', 2.0, display=False); ol.glue('shown', 3.5)"
    assert _python(code) == "3.5\n"


@pytest.fixture
def kernel(monkeypatch):
    """An IPython shell standing for the notebook's kernel, with an empty namespace."""
    from IPython.core.interactiveshell import InteractiveShell

    import IPython.display

    from optimlab import _glue

    shell = InteractiveShell.instance()
    monkeypatch.setattr(shell, "user_ns", {})
    monkeypatch.setattr(_glue, "_PUBLISHED", {})
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: None)
    return shell


def test_in_a_kernel_the_prose_can_evaluate_the_glued_name(kernel):
    """JupyterLab's MyST renderer shows ``{eval}`name``` as the ``text/plain`` of ``name``:
    for a glued string that is the string itself, backslashes and quotes included."""
    ol.glue("rms_step", "0.5\\,\\eta 'x'", display=False)
    ol.glue("steps", 50, display=False)
    shown = kernel.user_ns["rms_step"]
    assert shown == "0.5\\,\\eta 'x'" and repr(shown) == "0.5\\,\\eta 'x'"
    assert kernel.user_ns["steps"] == 50
    assert kernel.ev("rms_step") == "0.5\\,\\eta 'x'"


def test_a_cell_run_twice_glues_again_but_a_chapter_variable_is_not_replaced(kernel):
    ol.glue("peak", "3", display=False)
    ol.glue("peak", "4", display=False)  # the cell ran again
    assert kernel.user_ns["peak"] == "4"
    kernel.user_ns["runs"] = {"a": 1}
    with pytest.raises(ValueError, match="name='runs' is already a variable of this notebook"):
        ol.glue("runs", "5", display=False)
    assert kernel.user_ns["runs"] == {"a": 1}
