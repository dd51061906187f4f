"""steps_heatmap: steps to tolerance of several optimizers over one step-size sweep each."""

import warnings

import numpy as np
import pytest

import optimlab as ol
from optimlab import plots

BOWL, X0 = ol.seed004_bowl(), [-5.0, -2.0]
MULT = 2.0 ** np.arange(-6, 3)  # 1/64 ... 4
TOL = 1e-6
CONTENDERS = {
    "SGD": (ol.sgd, {"lr": 1.0}),
    "Adagrad": (ol.adagrad, {"lr": 1.0}),
    "RMSprop": (ol.rmsprop, {"lr": 1.0, "gamma": 0.9}),
}


@pytest.fixture(scope="module")
def sweeps():
    return ol.lr_sweeps(CONTENDERS, BOWL, X0, 200, MULT)


@pytest.fixture(scope="module")
def plot(sweeps):
    return plots.steps_heatmap(sweeps, tol=TOL)


def _cell_texts(p):
    """Cell annotations by (row, column): the texts placed at integer data coordinates."""
    return {(int(round(t.get_position()[1])), int(round(t.get_position()[0]))): t.get_text()
            for t in p.axes[0].texts}


def test_cells_are_steps_to_tol_and_the_rest_is_labelled(sweeps, plot):
    texts = _cell_texts(plot)
    assert len(texts) == len(CONTENDERS) * len(MULT)
    for i, (label, tr) in enumerate(sweeps.items()):
        steps, final = tr.steps_to(TOL), tr.loss[-1] - BOWL.f_min
        for j in range(len(MULT)):
            text = texts[(i, j)]
            if tr.diverged[j]:
                assert text == "div."
            elif steps[j] < 0:
                assert text == "never"
            elif final[j] > TOL:
                assert text == f"{steps[j]}↑"  # reached tol, then left it again
            else:
                assert text == str(steps[j])


def test_the_example_has_every_kind_of_cell(sweeps, plot):
    texts = set(_cell_texts(plot).values())
    assert {"div.", "never"} <= texts
    assert any(t.endswith("↑") for t in texts)  # RMSprop's bursts
    assert any(t.isdigit() for t in texts)


def test_best_is_fewest_steps_among_runs_that_stay_below_tol(sweeps, plot):
    for label, tr in sweeps.items():
        steps, final = tr.steps_to(TOL), tr.loss[-1] - BOWL.f_min
        ok = (steps >= 0) & ~tr.diverged & (final <= TOL)
        b = plot.best[label]
        if ok.any():
            j = int(np.flatnonzero(ok & (steps == steps[ok].min()))[0])  # ties: smaller step
            assert b == {"lr": MULT[j], "column": MULT[j], "steps": int(steps[j]),
                         "final_gap": pytest.approx(final[j]), "settled": True}
        else:  # fallback: lowest final gap among runs that did not diverge
            j = int(np.nanargmin(np.where(tr.diverged, np.nan, final)))
            assert b["settled"] is False and b["steps"] == -1 and b["lr"] == MULT[j]
    assert plot.best["RMSprop"]["settled"] is False  # constant-η RMSprop never stays below


def test_best_cell_is_outlined_solid_or_dashed(plot):
    outlines = [p for p in plot.axes[0].patches if not p.get_fill()]
    assert len(outlines) == len(CONTENDERS)
    for i, (label, b) in enumerate(plot.best.items()):
        j = int(np.flatnonzero(MULT == b["column"])[0])
        box = next(p for p in outlines if p.get_xy() == (j - 0.5, i - 0.5))
        assert (box.get_linestyle() == "-") == b["settled"]


def test_alt_text_states_the_best_setting_per_optimizer(plot):
    b = plot.best
    assert plot.alt.startswith(f"Heatmap of the steps until f − f* ≤ 1e-06 on {BOWL.name}")
    assert f"SGD: η = {plots._fmt(b['SGD']['lr'])}, {b['SGD']['steps']} steps" in plot.alt
    adagrad = b["Adagrad"]
    assert f"Adagrad: η = {plots._fmt(adagrad['lr'])}, {adagrad['steps']} steps" in plot.alt
    assert "RMSprop: never stays below 1e-06; lowest final gap" in plot.alt
    n_bad = sum(t in ("div.", "never") for t in _cell_texts(plot).values())
    assert f"{n_bad} of {len(CONTENDERS) * len(MULT)} cells hatched" in plot.alt


def test_colourblind_safe_sequential_map_on_log_scale(plot):
    mesh = plot.axes[0].collections[0]
    assert mesh.get_cmap().name == "cividis"
    assert type(mesh.norm).__name__ == "LogNorm"


def test_columns_are_step_sizes_labelled_as_powers_of_two(plot):
    labels = [t.get_text() for t in plot.axes[0].get_xticklabels()]
    assert labels[0] == "2⁻⁶" and labels[-1] == "2²" and "2⁰" in labels
    assert plot.axes[0].get_xlabel() == "step size η"


def test_multipliers_mode_shows_each_base():
    contenders = {"SGD": (ol.sgd, {"lr": 0.1}), "Adam": (ol.adam, {"lr": 0.5})}
    sw = ol.lr_sweeps(contenders, BOWL, X0, 100, [0.5, 1.0, 2.0])
    p = plots.steps_heatmap(sw, tol=1e-3, multipliers=[0.5, 1.0, 2.0])
    rows = [t.get_text() for t in p.axes[0].get_yticklabels()]
    assert rows == ["SGD (η₀=0.1)", "Adam (η₀=0.5)"]
    assert p.axes[0].get_xlabel() == "step-size multiplier"
    assert p.best["Adam"]["lr"] == pytest.approx(0.5 * p.best["Adam"]["column"])
    assert "multiplier" in p.alt
    with pytest.raises(ValueError, match="pass multipliers="):
        plots.steps_heatmap(sw, tol=1e-3)  # the rows sweep different step sizes
    with pytest.raises(ValueError, match="is not one base step size times multipliers"):
        plots.steps_heatmap(sw, tol=1e-3, multipliers=[1.0, 2.0, 3.0])


def test_bad_input_is_refused(sweeps):
    with pytest.raises(ValueError, match="tol must be a positive number"):
        plots.steps_heatmap(sweeps, tol=0.0)
    with pytest.raises(ValueError, match="empty mapping"):
        plots.steps_heatmap({}, tol=TOL)
    two_axes = ol.sweep(ol.momentum, BOWL, X0, 20, lr=[0.1, 0.2], beta=[0.0, 0.9])
    with pytest.raises(ValueError, match="one-axis sweeps over lr"):
        plots.steps_heatmap({"Momentum": two_axes}, tol=TOL)
    saddle = ol.lr_sweeps({"SGD": (ol.sgd, {"lr": 1.0})}, ol.saddle(), [-1.0, 1e-3], 20, [0.1, 0.2])
    with pytest.raises(ValueError, match="no finite minimum"):
        plots.steps_heatmap(saddle, tol=TOL)
    with pytest.raises(ValueError, match="multipliers must be positive"):
        plots.steps_heatmap(sweeps, tol=TOL, multipliers=[0.0] * len(MULT))


def test_renders_without_warnings(sweeps):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = plots.steps_heatmap(sweeps, tol=TOL, size="wide", title="t")
        assert p.png()[:4] == b"\x89PNG"
        data, meta = p._repr_mimebundle_()
    assert meta["image/png"]["alt"] == p.alt
    assert p.axes[0].get_title() == "t"


def test_a_row_that_always_diverges_has_no_best():
    sw = ol.lr_sweeps({"SGD": (ol.sgd, {"lr": 1.0}), "Adam": (ol.adam, {"lr": 1.0})},
                      BOWL, X0, 100, [8.0, 16.0])
    assert sw["SGD"].diverged.all()
    p = plots.steps_heatmap(sw, tol=1e-3)
    assert p.best["SGD"] is None and "SGD: every run diverged" in p.alt
    assert set(_cell_texts(p).values()) >= {"div."}
