"""The helpers added for the errata pass: the closed forms the chapters now quote, and the
figure options that draw what the text points at (thresholds, boundaries, equal scales)."""

import numpy as np
import pytest

import optimlab as ol
from optimlab import analysis as an
from optimlab import plots


# ------------------------------------------------------------------ closed forms


@pytest.mark.parametrize("kappa, rate", [(50.0, 0.8372), (20.0, 0.7439)])
def test_nesterov_optimal_is_the_minimum_of_nesterov_rate(kappa, rate):
    lmin = 0.2
    eta, beta, r = an.nesterov_optimal(lmin, kappa * lmin)
    assert eta == pytest.approx(4 / (3 * kappa * lmin + lmin), rel=1e-15)
    assert round(r, 4) == rate
    # the closed form and the root moduli are different code paths: rounding only
    assert an.nesterov_rate(eta, beta, [lmin, kappa * lmin]) == pytest.approx(r, rel=1e-12)
    E, B = np.meshgrid(np.linspace(0.5 * eta, 1.5 * eta, 301), np.linspace(0, 0.99, 301))
    assert an.nesterov_rate(E, B, [lmin, kappa * lmin]).min() >= r - 1e-12


def test_heavy_ball_lr_limit_is_where_the_rate_reaches_one():
    beta = np.array([0.0, 0.5, 0.9])
    eta = an.heavy_ball_lr_limit(beta, 10.0)
    assert np.allclose(eta, (2 + 2 * beta) / 10)
    assert np.allclose(an.heavy_ball_rate(eta, beta, np.array([0.2, 10.0])), 1.0, atol=1e-7)
    assert np.all(an.heavy_ball_rate(eta * 0.99, beta, np.array([0.2, 10.0])) < 1)


def test_critical_beta_beyond_one():
    # eta*lambda = 2: beta_c = (1 - sqrt 2)^2, rate sqrt(2) - 1
    assert float(an.critical_beta(2.0, 1.0)) == pytest.approx(0.1716, abs=1e-4)
    scan = np.linspace(0, 0.99, 99_001)
    rates = an.heavy_ball_rate(2.0, scan, [1.0])
    assert scan[np.argmin(rates)] == pytest.approx(float(an.critical_beta(2.0, 1.0)), abs=1e-4)
    assert rates.min() == pytest.approx(np.sqrt(2) - 1, abs=5e-3)


def test_shifted_bowl_and_l2_minimizer():
    bowl = ol.objectives.shifted_bowl([0.2, 10.0], [1.0, 1.0], bounds=((-1, 2), (-1, 2)))
    assert np.allclose(bowl.minimizer, [1, 1]) and bowl.f(np.array([1.0, 1.0])) == 0
    assert np.allclose(bowl.grad(np.array([0.0, 0.0])), [-0.2, -10.0])
    x = an.l2_minimizer([0.2, 10.0], [1.0, 1.0], 0.1)
    assert np.allclose(bowl.grad(x) + 0.1 * x, 0, atol=1e-15)
    run = ol.run(ol.adam(0.05, weight_decay=0.1), bowl, [0.0, 0.0], 1000)
    assert np.allclose(run.final, x, atol=1e-9)
    with pytest.raises(ValueError):
        ol.objectives.shifted_bowl([0.2, -1.0], [1.0, 1.0], bounds=((-1, 2), (-1, 2)))


def test_running_mean():
    y = np.arange(10.0)
    assert np.allclose(an.running_mean(y, 3), [1, 2, 3, 4, 5, 6, 7, 8])
    assert np.allclose(an.running_mean(y, 1), y)
    with pytest.raises(ValueError):
        an.running_mean(y, 11)


# ---------------------------------------------------------------------- figures


@pytest.fixture(scope="module")
def seed000():
    bowl = ol.seed000_bowl()
    return bowl, ol.run(ol.rmsprop(0.5, 0.9, 1e-8), bowl, [-10.0, 1.5], 50)


def test_effective_step_draws_thresholds(seed000):
    _, tr = seed000
    plain = plots.effective_step(tr)
    marked = plots.effective_step(tr, thresholds={"2/λ₂": 0.2, "2/λ₁": 10.0})
    levels = [line.get_ydata()[0] for line in marked.axes[0].lines
              if len(set(line.get_ydata())) == 1]
    assert 0.2 in levels and 10.0 in levels
    assert "dotted horizontal lines at 2/λ₂ (0.2), 2/λ₁ (10)" in marked.alt
    assert "dotted" not in plain.alt and len(plain.axes[0].lines) == 2


def test_contour_equal_aspect_and_stated_ratio(seed000):
    bowl, tr = seed000
    equal = plots.contour_paths(bowl, tr, equal_aspect=True)
    assert plots.axis_scale_ratio(equal.axes[0]) == pytest.approx(1.0, rel=0.02)
    assert "same scale" in equal.alt
    default = plots.contour_paths(bowl, tr)
    ratio = plots.axis_scale_ratio(default.axes[0])
    assert ratio > 2  # 4 units of y drawn about as tall as 24 units of x are wide
    assert "axis scales are unequal" in default.alt
    assert any("axis scales unequal" in t.get_text() for t in default.axes[0].texts)
    below = plots.contour_paths(bowl, tr, equal_aspect=True, legend_loc="below")
    assert below.axes[0].get_legend() is not None


def test_sweep_heatmap_tells_diverged_from_slow_and_draws_lines():
    bowl = ol.seed000_bowl()
    betas, lrs = np.linspace(0, 0.9, 4), np.linspace(0.01, 0.4, 6)
    grid = ol.sweep(ol.momentum, bowl, [-10.0, 1.5], 100, beta=betas, lr=lrs)
    line = (an.heavy_ball_lr_limit(betas, 10.0), betas)
    p = plots.sweep_heatmap(grid, metric="steps_to", tol=1e-6, lines={"boundary": line},
                            points={"opt": (0.307, 0.566)})
    n_div = int(np.sum(grid.diverged))
    n_slow = int(np.sum((grid.steps_to(1e-6) < 0) & ~grid.diverged))
    assert n_div > 0 and n_slow > 0
    assert f"{n_div} diverged (dark grey, crossed), {n_slow} finite but not reached" in p.alt
    assert "line: boundary" in p.alt and "point opt at lr=0.307, beta=0.566" in p.alt
    labels = [t.get_text() for t in p.axes[0].get_legend().get_texts()]
    assert labels == ["diverged", "finite, tolerance not reached", "boundary", "opt"]


def test_level_curves_colours_and_levels():
    curves = {name: np.geomspace(1, 0.1, 20) * (k + 1) for k, name in
              enumerate(["a", "b", "c", "d", "e", "f"])}
    p = plots.level_curves(curves, levels={"b": 0.3}, start=5)
    colours = [line.get_color() for line in p.axes[0].lines[:6]]
    assert len(set(colours)) == 6 and not {"#D55E00", "#E69F00"} <= set(colours)
    assert p.axes[0].lines[0].get_xdata()[0] == 5
    assert "dashed lines at the predicted levels b 0.3" in p.alt


def test_iterates_labels_the_domain_edges():
    reddi = ol.objectives.reddi_online(3.0)
    tr = ol.run(ol.adam(0.1, 0.0, 0.1, 1e-8), reddi, [0.0], 30)
    p = plots.iterates({"Adam": tr})
    labels = [t.get_text() for t in p.axes[0].get_legend().get_texts()]
    assert "edge of the domain" in labels
    assert "edges of the domain, -1 and 1" in p.alt
