"""Figures: each returns a Plot with alt text that states what it shows."""

import base64

import numpy as np
import pytest

import optimlab as ol
from optimlab import plots


@pytest.fixture(scope="module")
def runs():
    bowl = ol.seed000_bowl()
    return bowl, {
        "RMSprop": ol.run(ol.rmsprop(0.5, 0.9), bowl, [-10, 1.5], 50),
        "SGD diverging": ol.run(ol.sgd(0.25), bowl, [-10, 1.5], 50),
    }


def test_contour_paths_describes_each_run_and_marks_divergence(runs):
    bowl, paths = runs
    p = plots.contour_paths(bowl, paths)
    assert "RMSprop goes from (-10, 1.5)" in p.alt
    k = int(paths["SGD diverging"].diverged_at)
    assert f"SGD diverging starts at (-10, 1.5) and diverges at step {k}" in p.alt
    ax = p.axes[0]
    markers = [line.get_marker() for line in ax.lines]
    assert "X" in markers  # the cross at the last finite point of the diverged run
    data, meta = p._repr_mimebundle_()
    assert base64.b64decode(data["image/png"])[:4] == b"\x89PNG"
    assert meta["image/png"]["alt"] == p.alt


def test_palette_is_distinguishable_without_colour():
    assert len(set(plots.MARKERS)) == len(plots.MARKERS)
    assert plots.PALETTE[:3] == ("#0072B2", "#D55E00", "#009E73")  # Okabe-Ito


def test_loss_curves_and_effective_step(runs):
    bowl, paths = runs
    assert "log scale" in plots.loss_curves(paths).alt
    alt = plots.effective_step(paths["RMSprop"]).alt
    assert alt.startswith("Effective per-coordinate step of RMSprop")


def test_ema_weights_lists_the_gammas():
    assert "γ = 0.95, 0.9, 0.8, 0.7" in plots.ema_weights([0.95, 0.9, 0.8, 0.7]).alt


def test_sweep_heatmap_hatches_diverged_runs():
    tr = ol.sweep(ol.momentum, ol.seed004_bowl(), [-5, -2], 100,
                  lr=list(np.geomspace(0.01, 2, 8)), beta=[0.0, 0.5, 0.9])
    p = plots.sweep_heatmap(tr, metric="final_loss")
    n_bad = int((~np.isfinite(tr.loss[-1])).sum())
    assert n_bad > 0
    assert f"{n_bad} of 24 settings hatched" in p.alt
    p2 = plots.sweep_heatmap(tr, metric="steps_to", tol=1e-6)
    assert "steps until" in p2.alt
    with pytest.raises(ValueError, match="metric must be one of"):
        plots.sweep_heatmap(tr, metric="speed")


def test_side_by_side(runs):
    bowl, paths = runs
    p = plots.side_by_side([(bowl, paths["RMSprop"], "a"), (bowl, paths["SGD diverging"], "b")])
    assert len(p.axes) >= 2 and p.alt.startswith("2 contour plots side by side")


def test_iterates_marks_the_domain_and_describes_each_run():
    obj = ol.reddi_online(3.0)
    runs = {"Adam": ol.run(ol.adam(0.1, 0.0, 0.1, 1e-8), obj, [0.0], 90),
            "AMSGrad": ol.run(ol.adam(0.1, 0.0, 0.1, 1e-8, amsgrad=True), obj, [0.0], 90)}
    p = plots.iterates(runs)
    assert "Adam from 0 to 1;" in p.alt and "AMSGrad from 0 to" in p.alt
    ys = sorted(line.get_ydata()[0] for line in p.axes[0].lines[2:])
    assert ys == [-1.0, -1.0, 1.0]  # minimiser and the two edges of [-1, 1]


def test_rate_curve_marks_the_best_step_and_the_measured_rates():
    an = ol.analysis
    lam = np.array([0.2, 10.0])
    eta = np.linspace(0.001, 0.2, 400)
    lr_star, rate_star = an.gd_optimal(lam.min(), lam.max())
    p = plots.rate_curve(eta, an.gd_rate(eta, lam), measured={0.1: 0.98, 0.15: 0.97},
                         marks={"η*": lr_star, "2/λmax": 0.2})
    line = p.axes[0].lines[0]
    assert np.allclose(line.get_ydata(), an.gd_rate(eta, lam))
    best = eta[np.argmin(an.gd_rate(eta, lam))]
    assert abs(best - lr_star) < 1e-3 and f"lowest {float(rate_star):.3g}" in p.alt
    assert "2 measured rates" in p.alt and "η* = 0.196" in p.alt
    with pytest.raises(ValueError, match=r"lr and rate must be 1-D .* shapes \(3,\) and \(2,\)"):
        plots.rate_curve([0.1, 0.2, 0.3], [0.5, 0.6])
