"""``optimlab.glue``: myst-nb's glue when myst-nb is there, and a chapter still runs when
it is not (a downloaded notebook with optimlab alone)."""
import sys

import pytest

import optimlab as ol


def test_with_myst_nb_it_is_myst_nbs_glue(monkeypatch):
    import myst_nb

    calls = []
    monkeypatch.setattr(myst_nb, "glue", lambda *a, **k: calls.append((a, k)))
    ol.glue("x", 1.5, display=False)
    assert calls == [(("x", 1.5), {"display": False})]


def test_without_myst_nb_a_hidden_value_is_dropped_and_a_shown_one_displayed(monkeypatch):
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # import myst_nb now fails
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda v: shown.append(v))
    assert ol.glue("hidden", 2.0, display=False) is None
    ol.glue("shown", 3.0)
    assert shown == [3.0]


@pytest.fixture
def kernel(monkeypatch):
    """An IPython shell standing for the notebook's kernel, with an empty namespace."""
    from IPython.core.interactiveshell import InteractiveShell

    from optimlab import _glue

    shell = InteractiveShell.instance()
    monkeypatch.setattr(shell, "user_ns", {})
    monkeypatch.setattr(_glue, "_PUBLISHED", {})
    monkeypatch.setattr(sys.modules["myst_nb"], "glue", lambda *a, **k: None)
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
