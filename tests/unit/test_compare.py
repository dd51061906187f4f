"""The comparison panel: every contender on every landscape, live and precomputed."""

import json
import re

import numpy as np
import pytest

import optimlab as ol
from numerics import assert_close

CONTENDERS = {
    "SGD": (ol.sgd, {"lr": {"bowl": 0.15, "rosenbrock": 1e-3}}),
    "RMSprop": (ol.rmsprop, {"lr": {"bowl": 0.3, "rosenbrock": 0.01}, "gamma": 0.9}),
    "Adam": (ol.adam, {"lr": 0.1}),
}
LANDSCAPES = {"bowl": (ol.seed000_bowl(), [-10.0, 1.5]),
              "rosenbrock": (ol.rosenbrock(), [-1.5, 2.0])}


@pytest.fixture()
def panel():
    return ol.comparison_panel(CONTENDERS, LANDSCAPES, 25, scales=(0.5, 1.0, 2.0), noise=(0.0, 0.5))


def test_race_uses_the_landscape_step_sizes():
    runs = ol.race(CONTENDERS, ol.seed000_bowl(), [-10.0, 1.5], 25, landscape="bowl")
    # race() calls run() with the same optimizer, landscape and start: the same arithmetic
    np.testing.assert_array_equal(runs["SGD"].x, ol.run(ol.sgd(0.15), ol.seed000_bowl(),
                                                         [-10.0, 1.5], 25).x)
    with pytest.raises(ValueError, match="lr has no entry for landscape 'beale'"):
        ol.race(CONTENDERS, ol.beale(), [1.0, 1.0], 5, landscape="beale")


def test_lr_sweeps_equal_scaled_races():
    sweeps = ol.lr_sweeps(CONTENDERS, ol.rosenbrock(), [-1.5, 2.0], 25, [0.5, 2.0],
                          landscape="rosenbrock")
    races = ol.race(CONTENDERS, ol.rosenbrock(), [-1.5, 2.0], 25, landscape="rosenbrock", scale=2.0)
    for label in CONTENDERS:
        assert_close(sweeps[label].x[:, 1], races[label].x)


def test_every_corner_of_the_controls(panel, recwarn):
    for landscape in LANDSCAPES:
        for sigma in panel.noise:
            for scale in panel.scales:
                assert panel.update(landscape=landscape, noise=sigma, scale=scale)[:4] == b"\x89PNG"
                assert panel.readout().count(";") == len(CONTENDERS) - 1
    assert not [w for w in recwarn if w.category is RuntimeWarning]


def test_twin_holds_every_run(panel):
    data = panel.export()
    assert len(data["runs"]) == 2 * 2 * 3 * len(CONTENDERS)
    k = (1 * 2 + 1) * 3 + 2  # rosenbrock, noisy, scale 2
    row = next(r for r in data["runs"] if r["k"] == k and r["o"] == "RMSprop")
    tr = panel.runs(landscape="rosenbrock", noise=0.5, scale=2.0)["RMSprop"]
    got = np.array([row["x"], row["y"]], dtype=float).T
    np.testing.assert_allclose(got, tr.x, rtol=5e-3, atol=1e-6)


def test_twin_html(panel):
    html = panel.static_html("cp")
    for name in ("landscape", "noise", "scale"):
        assert f'<label for="cp-{name}">' in html
    spec = json.loads(re.search(r'class="optimlab-spec"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert spec["layer"][1]["encoding"]["color"]["scale"]["domain"] == list(CONTENDERS)


def test_scales_must_include_one():
    with pytest.raises(ValueError, match="scales must include 1.0"):
        ol.comparison_panel(CONTENDERS, LANDSCAPES, 5, scales=(0.5, 2.0))
