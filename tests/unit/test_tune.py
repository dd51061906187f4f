"""analysis.tune: the comparison chapter's tuning rule, pure (no figure), and the choice
that plots.steps_heatmap outlines."""

import numpy as np
import pytest

import optimlab as ol
from optimlab import analysis as an
from optimlab import plots

BOWL, X0 = ol.seed004_bowl(), [-5.0, -2.0]
MULT = 2.0 ** np.arange(-6, 3)
CONTENDERS = {
    "SGD": (ol.sgd, {"lr": 1.0}),
    "Adagrad": (ol.adagrad, {"lr": 1.0}),
    "RMSprop": (ol.rmsprop, {"lr": 1.0, "gamma": 0.9}),
}


@pytest.fixture(scope="module")
def sweeps():
    return ol.lr_sweeps(CONTENDERS, BOWL, X0, 200, MULT)


def _by_hand(tr, tol):
    """The rule written out run by run."""
    lr, steps = np.asarray(tr.grid["lr"]), tr.steps_to(tol)
    gap = tr.loss[-1] - tr.objective.f_min
    settled = [j for j in range(len(lr)) if steps[j] >= 0 and not tr.diverged[j]
               and gap[j] <= tol]
    if settled:
        j = min(settled, key=lambda j: (steps[j], j))
        return float(lr[j]), int(steps[j]), True
    alive = [j for j in range(len(lr)) if not tr.diverged[j] and np.isfinite(gap[j])]
    if not alive:
        return None
    j = min(alive, key=lambda j: gap[j])
    return float(lr[j]), -1, False


@pytest.mark.parametrize("tol", [1e-6, 1e-3, 1e-12])
def test_tune_is_the_rule_written_out(sweeps, tol):
    best = an.tune(sweeps, tol=tol)
    assert list(best) == list(CONTENDERS)
    for label, tr in sweeps.items():
        b = best[label]
        assert set(b) == {"lr", "column", "steps", "final_gap", "settled"}
        assert (b["lr"], b["steps"], b["settled"]) == _by_hand(tr, tol)
        assert b["column"] == b["lr"]  # no multipliers: the columns are the step sizes
        j = list(tr.grid["lr"]).index(b["lr"])
        assert b["final_gap"] == float(tr.loss[-1, j] - BOWL.f_min)


def test_heatmap_outlines_and_returns_tunes_choice(sweeps):
    for tol in (1e-6, 1e-3):
        assert plots.steps_heatmap(sweeps, tol=tol).best == an.tune(sweeps, tol=tol)
    assert (plots.steps_heatmap(sweeps, tol=1e-6, multipliers=MULT).best
            == an.tune(sweeps, tol=1e-6, multipliers=MULT))


def test_multipliers_give_the_column_and_the_step_size():
    base = {"SGD": (ol.sgd, {"lr": 0.25}), "Adam": (ol.adam, {"lr": 0.5})}
    sw = ol.lr_sweeps(base, BOWL, X0, 200, MULT)
    grid = an.steps_grid(sw, tol=1e-6, multipliers=MULT)
    assert grid.bases == {"SGD": 0.25, "Adam": 0.5}
    for label, b in an.tune(sw, tol=1e-6, multipliers=MULT).items():
        assert b["lr"] == pytest.approx(grid.bases[label] * b["column"])
        assert MULT[grid.best_index[label]] == b["column"]


def test_ties_go_to_the_earlier_column():
    tr = ol.sweep(ol.sgd, BOWL, X0, 200, lr=[0.1, 0.2, 0.2])  # 194, 96, 96 steps
    grid = an.steps_grid({"SGD": tr}, tol=1e-3, multipliers=[1.0, 2.0, 2.0])
    assert grid.best_index == {"SGD": 1}
    assert grid.best == an.tune({"SGD": tr}, tol=1e-3, multipliers=[1.0, 2.0, 2.0])
    assert grid.best["SGD"]["steps"] == 96 and grid.best["SGD"]["settled"] is True


def test_fallback_and_all_diverged():
    tr = ol.sweep(ol.sgd, BOWL, X0, 5, lr=[0.01, 0.1, 10.0])  # too few steps to settle
    b = an.tune({"SGD": tr}, tol=1e-9)["SGD"]
    assert b["settled"] is False and b["steps"] == -1
    assert b["lr"] == 0.1 and np.isfinite(b["final_gap"])
    blown = ol.sweep(ol.sgd, BOWL, X0, 50, lr=[10.0, 20.0])
    assert an.tune({"SGD": blown}, tol=1e-3) == {"SGD": None}
    assert an.steps_grid({"SGD": blown}, tol=1e-3).best_index == {"SGD": None}


def test_tune_draws_nothing(sweeps, monkeypatch):
    def no_drawing(*a, **k):
        raise AssertionError("tune drew a figure")
    monkeypatch.setattr(plots, "new_figure", no_drawing)
    assert an.tune(sweeps, tol=1e-6)["SGD"]["settled"] is True
