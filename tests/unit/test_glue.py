"""``optimlab.glue``: myst-nb's glue when myst-nb is there, and a chapter still runs when
it is not (a downloaded notebook with optimlab alone)."""
import sys

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
